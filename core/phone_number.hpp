#pragma once

#include <cstddef>
#include <string_view>

/// Phone numbers as the runtime keys leads and names the brokerage: the one
/// rule every layer checks (the HTTP routes, CRM payloads, the market YAML,
/// the command line).
namespace openhouse::core {

/// ITU-T E.164 caps a number, country code included, at 15 digits.
inline constexpr std::size_t e164_max_digits = 15;

/// The shortest full international numbers in service have 7 digits
/// (+290 XXXX St Helena, +683 XXXX Niue, +690 XXXX Tokelau); anything
/// shorter is a country code or a fragment, never a number that texts.
inline constexpr std::size_t phone_number_min_digits = 7;

/// E.164's form: '+', then 1 to 15 digits, the first not 0 (no country code
/// starts with 0). Says nothing of whether a number that short exists.
[[nodiscard]] bool is_e164(std::string_view text) noexcept;

/// A full number a text can come from or go to, in E.164: `is_e164` with at
/// least `phone_number_min_digits` digits. Leads, CRM contacts and the
/// brokerage's own number are all checked with it. SMS short codes (5-6
/// digits, national, written without '+') are not E.164 and are refused.
[[nodiscard]] bool is_phone_number(std::string_view text) noexcept;

}  // namespace openhouse::core
