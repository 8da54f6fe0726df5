#include "integrations/http/form.hpp"

#include "core/utf8.hpp"

#include <array>

namespace openhouse::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

std::optional<std::string> url_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) {
        return std::nullopt;
      }
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>((hi << 4) | lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string url_encode(std::string_view in) {
  static constexpr std::array<char, 16> digits = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                  '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
  std::string out;
  out.reserve(in.size() * 3);
  for (const char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0xF]);
    }
  }
  return out;
}

std::optional<form> form::parse(std::string_view body) {
  form result;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto piece = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (piece.empty()) {
      continue;  // "a=1&&b=2" is tolerated, as browsers and Twilio do
    }
    const auto eq = piece.find('=');
    auto key = url_decode(piece.substr(0, eq));
    auto value =
        url_decode(eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1));
    if (!key || !value || key->empty()) {
      return std::nullopt;
    }
    result.pairs_.emplace_back(std::move(*key), std::move(*value));
  }
  return result;
}

std::optional<std::string> form::text(std::string_view key) const {
  const auto value = get(key);
  if (!value) {
    return std::nullopt;
  }
  return core::clean_text(*value);
}

std::optional<std::string_view> form::get(std::string_view key) const {
  for (const auto& [k, v] : pairs_) {
    if (k == key) {
      return std::string_view{v};
    }
  }
  return std::nullopt;
}

}  // namespace openhouse::http
