#include "integrations/llm/retry_policy.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace openhouse::llm {

namespace {

/// splitmix64: a cheap, well-mixed hash so nearby seeds give unrelated jitter.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Uniform in [0, 1) from (seed, attempt): the top 53 bits as a double.
double unit_interval(std::uint64_t seed, int attempt) {
  const std::uint64_t h = mix(seed ^ mix(static_cast<std::uint64_t>(attempt)));
  return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace

std::string_view to_string(retry_class c) noexcept {
  switch (c) {
    case retry_class::retry:
      return "retry";
    case retry_class::give_up:
      return "give_up";
  }
  return "unknown";
}

bool is_billing_failure(const client_error& error) {
  // 402 Payment Required is how some OpenAI-compatible gateways say "no credit".
  if (error.http_status == 402) return true;
  if (is_spend_limit(error)) return true;
  // Wording is_spend_limit() does not cover, and the same trouble reported as
  // 400/403 (Anthropic's "credit balance is too low", "API usage limits").
  // A plain rate limit talks about requests or tokens per minute instead.
  const std::string text = core::to_lower_ascii(error.message);
  static constexpr std::array<std::string_view, 8> markers = {
      "spend limit",        "spending limit",
      "credit balance",     "billing",
      "insufficient_quota", "exceeded your current quota",
      "usage limit",        "credits"};
  return std::any_of(markers.begin(), markers.end(),
                     [&text](std::string_view m) { return text.find(m) != std::string::npos; });
}

retry_class classify(const client_error& error) {
  if (is_billing_failure(error)) return retry_class::give_up;
  switch (error.code) {
    case client_errc::transport:
    case client_errc::timeout:
    case client_errc::rate_limited:
    case client_errc::overloaded:
    // A 2xx with a broken body is a provider glitch; a second call usually parses.
    case client_errc::malformed_response:
      return retry_class::retry;
    case client_errc::server_error:
      // 501 Not Implemented / 505 Version Not Supported answer the same forever.
      return error.http_status == 501 || error.http_status == 505 ? retry_class::give_up
                                                                  : retry_class::retry;
    case client_errc::bad_request:
    case client_errc::unauthorized:
      return retry_class::give_up;
  }
  return retry_class::give_up;
}

retry_policy::retry_policy(config::retry_settings settings) : settings_(settings) {
  settings_.max_attempts = std::max(settings_.max_attempts, 1);
  settings_.base_delay = std::max(settings_.base_delay, std::chrono::milliseconds{0});
  settings_.max_delay = std::max(settings_.max_delay, settings_.base_delay);
  settings_.jitter = std::clamp(settings_.jitter, 0.0, 1.0);
}

std::chrono::milliseconds retry_policy::backoff_cap(int attempt) const {
  const auto base = settings_.base_delay.count();
  const auto cap = settings_.max_delay.count();
  // Double step by step so a large attempt number cannot overflow the shift.
  std::int64_t delay = base;
  for (int i = 1; i < attempt && delay < cap; ++i) delay *= 2;
  return std::chrono::milliseconds{std::min<std::int64_t>(delay, cap)};
}

std::optional<std::chrono::milliseconds> retry_policy::next_delay(int attempt,
                                                                  const client_error& error,
                                                                  time_point started,
                                                                  time_point now,
                                                                  std::uint64_t jitter_seed) const {
  attempt = std::max(attempt, 1);
  if (classify(error) == retry_class::give_up) return std::nullopt;
  if (attempt >= settings_.max_attempts) return std::nullopt;

  const auto cap = static_cast<double>(backoff_cap(attempt).count());
  const double fixed = cap * (1.0 - settings_.jitter);
  const double random = cap * settings_.jitter * unit_interval(jitter_seed, attempt);
  auto delay = std::chrono::milliseconds{static_cast<std::int64_t>(fixed + random)};
  if (error.retry_after) {
    delay =
        std::max(delay, std::chrono::duration_cast<std::chrono::milliseconds>(*error.retry_after));
  }

  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - started);
  if (elapsed + delay >= settings_.deadline) return std::nullopt;
  return delay;
}

}  // namespace openhouse::llm
