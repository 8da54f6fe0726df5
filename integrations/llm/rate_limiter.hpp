#pragma once

#include "config/market.hpp"
#include "integrations/llm/curl_transport.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openhouse::llm {

/// The provider's own view of a limit, read from its response headers.
struct provider_limit_hint {
  std::optional<std::int64_t> requests_remaining;
  std::optional<std::int64_t> input_tokens_remaining;
  std::optional<std::int64_t> output_tokens_remaining;
  /// When each count is full again (absolute wall time).
  std::optional<std::chrono::system_clock::time_point> requests_reset, input_tokens_reset,
      output_tokens_reset;
};

/// Reads Anthropic's `anthropic-ratelimit-{requests,input-tokens,output-tokens,
/// tokens}-{remaining,reset}` (reset: an RFC 3339 time) and OpenAI's
/// `x-ratelimit-{remaining,reset}-{requests,tokens}` (reset: a duration such as
/// "6m0s" or "20ms", from `now`). Names are matched case-insensitively;
/// unparsable values are ignored. A combined "tokens" count applies to input.
[[nodiscard]] provider_limit_hint read_limit_headers(const std::vector<header_field>& headers,
                                                     std::chrono::system_clock::time_point now);

/// Token buckets per model: requests, input tokens and output tokens per
/// minute (config::rate_limit_settings; 0 = unlimited), refilled continuously.
/// The provider's own signals tighten them: a retry-after pauses the model, a
/// header's "remaining" lowers a bucket, a "remaining 0" pauses until its
/// reset. Plain logic on an injected time: no threads, no clock of its own.
class rate_limiter {
 public:
  using time_point = std::chrono::system_clock::time_point;

  explicit rate_limiter(std::map<std::string, config::rate_limit_settings> limits);

  /// Charges a call of `model` with `input_tokens` in and at most
  /// `output_tokens` out and returns zero when it may start at `now`; else
  /// charges nothing and returns how long to wait before asking again. A call
  /// larger than a whole minute's allowance waits for a full bucket, then goes.
  [[nodiscard]] std::chrono::milliseconds try_acquire(const std::string& model,
                                                      std::int64_t input_tokens,
                                                      std::int64_t output_tokens, time_point now);

  /// Gives back what a finished call did not use of its output estimate
  /// (`charged` - `used`, when positive).
  void settle(const std::string& model, std::int64_t charged_output, std::int64_t used_output,
              time_point now);

  /// The provider said "retry after `delay`": nothing of `model` starts before.
  void pause(const std::string& model, std::chrono::milliseconds delay, time_point now);

  /// Applies the provider's rate-limit headers of an answer for `model`.
  void observe(const std::string& model, const provider_limit_hint& hint, time_point now);

 private:
  struct bucket {
    double capacity = 0;  ///< per minute; 0 = unlimited
    double level = 0;
    void refill(double elapsed_ms);
    /// Milliseconds until `need` (capped at capacity) is available.
    [[nodiscard]] double wait_ms(double need) const;
  };
  struct model_state {
    bucket requests, input, output;
    time_point last;
    time_point paused_until;
  };

  model_state& state_of(const std::string& model, time_point now);

  std::map<std::string, config::rate_limit_settings> limits_;
  std::map<std::string, model_state> models_;
};

}  // namespace openhouse::llm
