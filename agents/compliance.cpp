#include "agents/compliance.hpp"
#include "core/text.hpp"

#include <array>
#include <optional>

namespace openhouse::agents {

namespace {

bool is_ascii_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

struct keyword {
  std::string_view word;  // lower case
  compliance_action action;
};

constexpr std::array<keyword, 13> keywords{{
    {"stop", compliance_action::opt_out},
    {"stopall", compliance_action::opt_out},
    {"unsubscribe", compliance_action::opt_out},
    {"cancel", compliance_action::opt_out},
    {"end", compliance_action::opt_out},
    {"quit", compliance_action::opt_out},
    {"revoke", compliance_action::opt_out},
    {"optout", compliance_action::opt_out},
    {"start", compliance_action::opt_in},
    {"unstop", compliance_action::opt_in},
    {"yes", compliance_action::opt_in},
    {"help", compliance_action::help},
    {"info", compliance_action::help},
}};

// --- masking ------------------------------------------------------------------

bool is_local_char(char c) noexcept {
  return is_ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool is_domain_char(char c) noexcept { return is_ascii_alnum(c) || c == '-'; }

struct span {
  std::size_t end = 0;
  std::string masked;
};

// An email address starting at `i` (which must begin a local part).
std::optional<span> email_at(std::string_view text, std::size_t i) {
  if (i > 0 && is_local_char(text[i - 1])) return std::nullopt;
  if (!is_ascii_alnum(text[i])) return std::nullopt;
  std::size_t at = i;
  while (at < text.size() && is_local_char(text[at])) ++at;
  if (at >= text.size() || text[at] != '@') return std::nullopt;
  // Domain: labels separated by single dots, at least two labels, the last
  // one alphabetic of length >= 2. A trailing '.' ends the sentence, not the address.
  std::size_t j = at + 1;
  std::size_t end = 0;
  std::size_t labels = 0;
  while (j < text.size() && is_domain_char(text[j])) {
    const std::size_t label_start = j;
    while (j < text.size() && is_domain_char(text[j])) ++j;
    ++labels;
    bool alpha = j - label_start >= 2;
    for (std::size_t k = label_start; k < j && alpha; ++k)
      alpha = !is_digit(text[k]) && text[k] != '-';
    if (labels >= 2 && alpha) end = j;
    if (j + 1 < text.size() && text[j] == '.' && is_domain_char(text[j + 1])) {
      ++j;
    } else {
      break;
    }
  }
  if (end == 0) return std::nullopt;
  span s;
  s.end = end;
  s.masked.push_back(text[i]);
  s.masked += "***";
  s.masked.append(text.substr(at, end - at));
  return s;
}

bool is_phone_separator(char c) noexcept {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

// A phone number starting at `i`; see mask_pii for what counts as one.
std::optional<span> phone_at(std::string_view text, std::size_t i) {
  if (i > 0 && (is_ascii_alnum(text[i - 1]) || text[i - 1] == '$' || text[i - 1] == '+'))
    return std::nullopt;
  const bool plus = text[i] == '+';
  if (!plus && !is_digit(text[i]) && text[i] != '(') return std::nullopt;
  std::size_t j = plus ? i + 1 : i;
  std::string digits;
  std::size_t groups = 0;
  std::size_t last_group = 0;
  std::size_t end = 0;
  int separators = 0;
  while (j < text.size()) {
    if (is_digit(text[j])) {
      if (separators > 0 || digits.empty()) {
        ++groups;
        last_group = 0;
      }
      separators = 0;
      digits.push_back(text[j]);
      ++last_group;
      end = j + 1;
    } else if (is_phone_separator(text[j]) && ++separators <= 2) {
      // "(909) 555": at most two separators between groups.
    } else {
      break;
    }
    ++j;
  }
  if (end == 0 || (end < text.size() && is_ascii_alnum(text[end]))) return std::nullopt;
  const std::size_t n = digits.size();
  if (plus ? (n < 8 || n > 15) : (n < 10 || n > 15)) return std::nullopt;
  if (!plus && groups > 1 && last_group != 4) return std::nullopt;
  span s;
  s.end = end;
  if (plus) {
    s.masked = "+";
    s.masked.push_back(digits.front());
  }
  s.masked += "******";
  s.masked.append(digits.substr(n - 2));
  return s;
}

}  // namespace

std::string_view to_string(compliance_action action) noexcept {
  switch (action) {
    case compliance_action::opt_out:
      return "opt_out";
    case compliance_action::opt_in:
      return "opt_in";
    case compliance_action::help:
      return "help";
    case compliance_action::none:
      break;
  }
  return "none";
}

namespace {

/// The message without surrounding punctuation, quotes and symbols, in lower
/// case; empty when longer than any keyword.
std::string keyword_core(std::string_view body) {
  std::size_t first = 0;
  while (first < body.size() && !is_ascii_alnum(body[first])) ++first;
  std::size_t last = body.size();
  while (last > first && !is_ascii_alnum(body[last - 1])) --last;
  const auto core = body.substr(first, last - first);
  // Longest keyword is 11 letters; anything longer cannot match.
  if (core.size() > 11) return {};
  std::string folded;
  for (const char c : core) folded.push_back(core::to_lower_ascii(c));
  return folded;
}

}  // namespace

compliance_action classify_compliance(std::string_view body) {
  const auto folded = keyword_core(body);
  if (folded.empty()) return compliance_action::none;
  for (const auto& k : keywords) {
    if (folded == k.word) return k.action;
  }
  return compliance_action::none;
}

bool is_plain_yes(std::string_view body) { return keyword_core(body) == "yes"; }

bool in_quiet_hours(const config::quiet_hours& quiet, int minute_of_day) noexcept {
  constexpr int day = 24 * 60;
  const auto norm = [](int m) { return ((m % day) + day) % day; };
  const int start = norm(quiet.start_minute);
  const int end = norm(quiet.end_minute);
  const int now = norm(minute_of_day);
  if (start == end) return false;
  if (start < end) return now >= start && now < end;
  return now >= start || now < end;  // wraps midnight
}

std::string mask_pii(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::optional<span> s = email_at(text, i);
    if (!s) s = phone_at(text, i);
    if (s) {
      out += s->masked;
      i = s->end;
    } else {
      out.push_back(text[i]);
      ++i;
    }
  }
  return out;
}

}  // namespace openhouse::agents
