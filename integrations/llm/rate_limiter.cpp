#include "integrations/llm/rate_limiter.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace openhouse::llm {

namespace {

using std::chrono::milliseconds;
using time_point = std::chrono::system_clock::time_point;

std::optional<std::int64_t> parse_count(std::string_view text) {
  text = core::trim(text);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// "2026-12-08T02:40:17Z" (fractions and a numeric offset allowed).
std::optional<time_point> parse_rfc3339(std::string_view text) {
  const std::string s{core::trim(text)};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, used = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6)
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::string_view rest = std::string_view{s}.substr(static_cast<std::size_t>(used));
  double fraction = 0;
  if (!rest.empty() && rest.front() == '.') {
    std::size_t n = 1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    fraction = std::strtod(std::string{rest.substr(0, n)}.insert(0, "0").c_str(), nullptr);
    rest.remove_prefix(n);
  }
  std::int64_t offset_s = 0;
  if (rest == "Z" || rest == "z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    const auto oh = parse_count(rest.substr(1, 2));
    const auto om = parse_count(rest.substr(4, 2));
    if (!oh || !om) return std::nullopt;
    offset_s = (*oh * 3600 + *om * 60) * (rest[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  const std::int64_t secs =
      days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
      mi * 60 + sec - offset_s;
  return time_point{std::chrono::duration_cast<time_point::duration>(
      std::chrono::seconds{secs} + milliseconds{std::llround(fraction * 1000)})};
}

/// OpenAI's reset durations: "1s", "6m0s", "20ms", "1h2m3.5s".
std::optional<milliseconds> parse_go_duration(std::string_view text) {
  text = core::trim(text);
  if (text.empty()) return std::nullopt;
  double total_ms = 0;
  while (!text.empty()) {
    std::size_t n = 0;
    while (n < text.size() && ((text[n] >= '0' && text[n] <= '9') || text[n] == '.')) ++n;
    if (n == 0) return std::nullopt;
    const double value = std::strtod(std::string{text.substr(0, n)}.c_str(), nullptr);
    text.remove_prefix(n);
    double unit = 0;
    if (text.rfind("ms", 0) == 0) {
      unit = 1;
      text.remove_prefix(2);
    } else if (!text.empty() && text.front() == 'h') {
      unit = 3'600'000;
      text.remove_prefix(1);
    } else if (!text.empty() && text.front() == 'm') {
      unit = 60'000;
      text.remove_prefix(1);
    } else if (!text.empty() && text.front() == 's') {
      unit = 1000;
      text.remove_prefix(1);
    } else {
      return std::nullopt;
    }
    total_ms += value * unit;
  }
  return milliseconds{std::llround(total_ms)};
}

}  // namespace

provider_limit_hint read_limit_headers(const std::vector<header_field>& headers, time_point now) {
  provider_limit_hint hint;
  for (const auto& [raw_name, value] : headers) {
    const std::string name = core::to_lower_ascii(raw_name);
    const auto count = [&value] { return parse_count(value); };
    const auto at = [&value] { return parse_rfc3339(value); };
    const auto after = [&value, now]() -> std::optional<time_point> {
      const auto d = parse_go_duration(value);
      if (!d) return std::nullopt;
      return now + *d;
    };
    if (name == "anthropic-ratelimit-requests-remaining" ||
        name == "x-ratelimit-remaining-requests") {
      if (auto c = count()) hint.requests_remaining = c;
    } else if (name == "anthropic-ratelimit-input-tokens-remaining" ||
               name == "x-ratelimit-remaining-tokens") {
      if (auto c = count()) hint.input_tokens_remaining = c;
    } else if (name == "anthropic-ratelimit-tokens-remaining") {
      // The combined count only when the input-specific one is absent.
      if (auto c = count(); c && !hint.input_tokens_remaining) hint.input_tokens_remaining = c;
    } else if (name == "anthropic-ratelimit-output-tokens-remaining") {
      if (auto c = count()) hint.output_tokens_remaining = c;
    } else if (name == "anthropic-ratelimit-requests-reset") {
      if (auto t = at()) hint.requests_reset = t;
    } else if (name == "anthropic-ratelimit-input-tokens-reset") {
      if (auto t = at()) hint.input_tokens_reset = t;
    } else if (name == "anthropic-ratelimit-tokens-reset") {
      if (auto t = at(); t && !hint.input_tokens_reset) hint.input_tokens_reset = t;
    } else if (name == "anthropic-ratelimit-output-tokens-reset") {
      if (auto t = at()) hint.output_tokens_reset = t;
    } else if (name == "x-ratelimit-reset-requests") {
      if (auto t = after()) hint.requests_reset = t;
    } else if (name == "x-ratelimit-reset-tokens") {
      if (auto t = after()) hint.input_tokens_reset = t;
    }
  }
  return hint;
}

void rate_limiter::bucket::refill(double elapsed_ms) {
  if (capacity <= 0) return;
  level = std::min(capacity, level + elapsed_ms * capacity / 60000.0);
}

double rate_limiter::bucket::wait_ms(double need) const {
  if (capacity <= 0) return 0;
  need = std::min(need, capacity);
  if (level >= need) return 0;
  return (need - level) * 60000.0 / capacity;
}

rate_limiter::rate_limiter(std::map<std::string, config::rate_limit_settings> limits)
    : limits_(std::move(limits)) {}

rate_limiter::model_state& rate_limiter::state_of(const std::string& model, time_point now) {
  auto [i, fresh] = models_.try_emplace(model);
  auto& st = i->second;
  if (fresh) {
    if (const auto l = limits_.find(model); l != limits_.end()) {
      st.requests.capacity = static_cast<double>(l->second.requests_per_minute);
      st.input.capacity = static_cast<double>(l->second.input_tokens_per_minute);
      st.output.capacity = static_cast<double>(l->second.output_tokens_per_minute);
    }
    // Start full: a node that just started has used nothing this minute.
    st.requests.level = st.requests.capacity;
    st.input.level = st.input.capacity;
    st.output.level = st.output.capacity;
    st.last = now;
    return st;
  }
  if (now > st.last) {
    const double elapsed = std::chrono::duration<double, std::milli>(now - st.last).count();
    st.requests.refill(elapsed);
    st.input.refill(elapsed);
    st.output.refill(elapsed);
    st.last = now;
  }
  return st;
}

milliseconds rate_limiter::try_acquire(const std::string& model, std::int64_t input_tokens,
                                       std::int64_t output_tokens, time_point now) {
  auto& st = state_of(model, now);
  double wait = 0;
  if (st.paused_until > now)
    wait = std::chrono::duration<double, std::milli>(st.paused_until - now).count();
  const auto in = static_cast<double>(std::max<std::int64_t>(input_tokens, 0));
  const auto out = static_cast<double>(std::max<std::int64_t>(output_tokens, 0));
  wait = std::max({wait, st.requests.wait_ms(1), st.input.wait_ms(in), st.output.wait_ms(out)});
  if (wait > 0) {
    // Round up: asking again a little early would only wait once more.
    return milliseconds{std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait)))};
  }
  const auto take = [](bucket& b, double need) {
    if (b.capacity > 0) b.level = std::max(0.0, b.level - std::min(need, b.capacity));
  };
  take(st.requests, 1);
  take(st.input, in);
  take(st.output, out);
  return milliseconds{0};
}

void rate_limiter::settle(const std::string& model, std::int64_t charged_output,
                          std::int64_t used_output, time_point now) {
  auto& st = state_of(model, now);
  if (st.output.capacity <= 0 || used_output >= charged_output) return;
  st.output.level = std::min(st.output.capacity,
                             st.output.level + static_cast<double>(charged_output - used_output));
}

void rate_limiter::pause(const std::string& model, milliseconds delay, time_point now) {
  auto& st = state_of(model, now);
  st.paused_until = std::max(st.paused_until, now + delay);
}

void rate_limiter::observe(const std::string& model, const provider_limit_hint& hint,
                           time_point now) {
  auto& st = state_of(model, now);
  const auto apply = [&](bucket& b, const std::optional<std::int64_t>& remaining,
                         const std::optional<time_point>& reset) {
    if (!remaining) return;
    // Our own count may be behind the provider's (other nodes share the key).
    if (b.capacity > 0) b.level = std::min(b.level, static_cast<double>(*remaining));
    if (*remaining == 0 && reset && *reset > now)
      st.paused_until = std::max(st.paused_until, *reset);
  };
  apply(st.requests, hint.requests_remaining, hint.requests_reset);
  apply(st.input, hint.input_tokens_remaining, hint.input_tokens_reset);
  apply(st.output, hint.output_tokens_remaining, hint.output_tokens_reset);
}

}  // namespace openhouse::llm
