#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "config/market.hpp"
#include "core/llm_messages.hpp"

namespace openhouse::llm {

/// Tokens in `text` by the ≈4-characters-a-token rule (rounded up), the same
/// estimate the provider simulator bills by. Good enough for routing, budget
/// checks and the cacheable-prefix test; real counts come back in `usage`.
[[nodiscard]] std::size_t estimate_tokens(std::string_view text) noexcept;

/// Estimated input tokens of a request: every system block and message.
[[nodiscard]] std::size_t estimate_input_tokens(const messages_request& request) noexcept;

/// Picks the model for a task from the market's llm settings.
///
/// - A task listed in llm.routing gets its model (so "escalation" gets the
///   escalation model, e.g. claude-opus-4-6).
/// - An unlisted task gets the "reply" model: it is a required route, and a
///   reply-class model is the safe middle for an unknown task.
/// - When the estimated input reaches llm.long_input_tokens, the task gets
///   llm.long_input_model instead — but only if that model's input price is
///   higher than the routed one's: the override exists to give long or complex
///   inputs a stronger model, never to downgrade an escalation.
class model_router {
 public:
  /// Copies what it needs from `llm`.
  explicit model_router(const config::llm_settings& llm);

  /// The model for `task` with an input of about `estimated_input_tokens`.
  [[nodiscard]] std::string route(std::string_view task, std::size_t estimated_input_tokens) const;

  /// True when `model`'s input price is above `than`'s (unpriced counts as 0).
  [[nodiscard]] bool pricier(std::string_view model, std::string_view than) const;

 private:
  std::map<std::string, std::string, std::less<>> routing_;
  std::map<std::string, config::model_price, std::less<>> prices_;
  std::string default_model_;
  std::size_t long_input_tokens_ = 0;
  std::string long_input_model_;
};

}  // namespace openhouse::llm
