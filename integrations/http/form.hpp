#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openhouse::http {

/// Decoded application/x-www-form-urlencoded body. Keeps every pair in order
/// (repeated keys are legal and all of them are signed by Twilio).
class form {
 public:
  using pair = std::pair<std::string, std::string>;

  /// Parses a body; nullopt on a malformed %-escape or an empty key.
  static std::optional<form> parse(std::string_view body);

  /// The first value of `key`, if present, as sent (signatures are computed
  /// over these bytes).
  [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const;

  /// The first value of `key` as text the runtime stores: `core::clean_text`
  /// (ill-formed UTF-8 becomes U+FFFD; NUL and other control characters but
  /// tab, LF and CR are dropped). PostgreSQL refuses such bytes, so a value
  /// kept as sent would fail on every delivery.
  [[nodiscard]] std::optional<std::string> text(std::string_view key) const;

  [[nodiscard]] const std::vector<pair>& pairs() const { return pairs_; }

 private:
  std::vector<pair> pairs_;
};

/// Decodes one component: '+' is a space, %XX a byte; nullopt when malformed.
std::optional<std::string> url_decode(std::string_view in);

/// Encodes one component for a form body (RFC 3986 unreserved kept).
std::string url_encode(std::string_view in);

}  // namespace openhouse::http
