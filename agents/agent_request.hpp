#pragma once

#include "agents/handoff_policy.hpp"
#include "agents/intent.hpp"

#include <optional>
#include <string>
#include <string_view>

/// What a lead asks for that only a person can give: a tour, showing or call
/// on the agent's calendar (Buyer bot), or a valuation of their home (Seller
/// bot). The bots have no calendar and never quote a value, so the bot says
/// an agent will follow up and the agent gets a CRM note (the outbox).
namespace openhouse::agents {

enum class agent_request_kind { tour, valuation };

/// "tour" | "valuation".
[[nodiscard]] std::string_view to_string(agent_request_kind kind) noexcept;

struct agent_request {
  agent_request_kind kind = agent_request_kind::tour;
  std::string note;  ///< for the agent: what was asked, in the lead's words

  bool operator==(const agent_request&) const = default;
};

/// A scheduling intent at or above this confidence, ranked first, is a tour request.
inline constexpr double tour_min_confidence = 0.6;

/// The request in the lead's `text`, given the bot that answers it (after any
/// handoff of this turn) and the message's intents; nullopt when it asks for
/// neither. A tour: a confident scheduling intent ranked first. A valuation:
/// valuation words (mentions_valuation) while the Seller bot speaks or the
/// seller intent ranks first.
[[nodiscard]] std::optional<agent_request> agent_request_of(bot_kind answering,
                                                            const intent_ranking& intents,
                                                            std::string_view text);

}  // namespace openhouse::agents
