#include "integrations/llm/model_router.hpp"

namespace openhouse::llm {

namespace {

/// The model used for tasks missing from the routing table.
constexpr std::string_view default_task = "reply";

}  // namespace

std::size_t estimate_tokens(std::string_view text) noexcept { return (text.size() + 3) / 4; }

std::size_t estimate_input_tokens(const messages_request& request) noexcept {
  std::size_t tokens = 0;
  for (const auto& block : request.system) tokens += estimate_tokens(block.text);
  for (const auto& message : request.messages) tokens += estimate_tokens(message.content);
  return tokens;
}

model_router::model_router(const config::llm_settings& llm)
    : routing_(llm.routing.begin(), llm.routing.end()),
      prices_(llm.prices.begin(), llm.prices.end()),
      long_input_tokens_(llm.long_input_tokens),
      long_input_model_(llm.long_input_model) {
  if (const auto it = routing_.find(default_task); it != routing_.end()) {
    default_model_ = it->second;
  } else if (!routing_.empty()) {
    default_model_ = routing_.begin()->second;
  }
}

std::string model_router::route(std::string_view task, std::size_t estimated_input_tokens) const {
  const auto it = routing_.find(task);
  const std::string& routed = it != routing_.end() ? it->second : default_model_;
  if (long_input_tokens_ > 0 && !long_input_model_.empty() &&
      estimated_input_tokens >= long_input_tokens_ && pricier(long_input_model_, routed)) {
    return long_input_model_;
  }
  return routed;
}

bool model_router::pricier(std::string_view model, std::string_view than) const {
  const auto price = [this](std::string_view name) {
    const auto it = prices_.find(name);
    return it == prices_.end() ? 0.0 : it->second.input;
  };
  return price(model) > price(than);
}

}  // namespace openhouse::llm
