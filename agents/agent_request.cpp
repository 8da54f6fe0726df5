#include "agents/agent_request.hpp"

#include <fmt/format.h>

namespace openhouse::agents {

std::string_view to_string(agent_request_kind kind) noexcept {
  switch (kind) {
    case agent_request_kind::valuation:
      return "valuation";
    case agent_request_kind::tour:
      break;
  }
  return "tour";
}

std::optional<agent_request> agent_request_of(bot_kind answering, const intent_ranking& intents,
                                              std::string_view text) {
  const auto* top = intents.empty() ? nullptr : &intents.front();
  if (top != nullptr && top->kind == intent::scheduling && top->confidence >= tour_min_confidence) {
    return agent_request{
        agent_request_kind::tour,
        fmt::format("Tour or appointment requested ({} bot): \"{}\"", to_string(answering), text)};
  }
  const bool seller_turn =
      answering == bot_kind::seller || (top != nullptr && top->kind == intent::seller);
  if (seller_turn && mentions_valuation(text)) {
    return agent_request{agent_request_kind::valuation,
                         fmt::format("Home valuation requested: \"{}\"", text)};
  }
  return std::nullopt;
}

}  // namespace openhouse::agents
