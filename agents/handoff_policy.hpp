#pragma once

#include "agents/facts.hpp"
#include "agents/intent.hpp"
#include "agents/scoring.hpp"
#include "config/market.hpp"
#include "core/lead_state.hpp"
#include "core/time_zone.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Which bot answers a contact, and when the conversation moves to another.
/// Pure: the conversation actor passes its state and the injected clock's
/// time, persists the decision and counts it in metrics.
namespace openhouse::agents {

/// Why the policy decided as it did; stable names for metrics labels.
enum class handoff_reason {
  handed_off,        ///< every rule passed
  no_bot_intent,     ///< the top intent is not buyer or seller (faq, scheduling, ...)
  already_there,     ///< the top intent is the current bot's
  below_threshold,   ///< confidence under the direction's threshold
  margin_too_small,  ///< the top two intents are too close to call
  return_window,     ///< the target bot was left less than return_window ago
  hourly_limit,      ///< max_per_hour handoffs in the last rolling hour
  daily_limit,       ///< max_per_day handoffs on this market-local day
};

/// "handed_off", "no_bot_intent", ... as the enumerators are spelled.
[[nodiscard]] std::string_view to_string(handoff_reason reason) noexcept;

struct handoff_decision {
  std::optional<bot_kind> target;  ///< the bot to hand to; nullopt: stay
  handoff_reason reason = handoff_reason::no_bot_intent;
  std::string detail;  ///< human-readable, for logs and the persisted history

  [[nodiscard]] bool hands_off() const noexcept { return target.has_value(); }
};

/// The handoff rules of one market (DESIGN.md "Scoring, temperature,
/// handoff"). Immutable; cheap to copy.
///
/// Rules, in order:
///  1. The top intent decides the target: buyer -> buyer bot, seller -> seller
///     bot; any other intent stays (human requests are escalation's business).
///     No bot hands back to the Lead bot.
///  2. Its confidence must reach the direction's threshold (lead_to_buyer,
///     lead_to_seller, buyer_to_seller, seller_to_buyer).
///  3. It must lead the second intent by at least `margin` (a lone intent
///     leads by its whole confidence).
///  4. No return to a bot left less than `return_window` ago (0 disables).
///  5. At most `max_per_hour` handoffs in the rolling hour before `now`
///     (records with at > now - 1h), and at most `max_per_day` on the
///     market-local calendar day of `now` (the zone's day_key), the same
///     days the budgets use. A limit of 0 allows no handoff.
/// The first turn is no exception: clear intent on the first message hands
/// off on that turn, and counts.
class handoff_policy {
 public:
  handoff_policy(config::handoff_settings settings, runtime::time_zone zone);

  /// Decides for the current turn. `history` is the contact's handoffs in any
  /// order; only its entries up to `now` count.
  [[nodiscard]] handoff_decision decide(bot_kind current, const intent_ranking& intents,
                                        const std::vector<handoff_record>& history,
                                        std::chrono::system_clock::time_point now) const;

  /// The threshold of a direction; nullopt when the policy never takes it
  /// (to the Lead bot, or to the same bot).
  [[nodiscard]] std::optional<double> threshold(bot_kind from, bot_kind to) const noexcept;

 private:
  config::handoff_settings settings_;
  runtime::time_zone zone_;
};

/// What the receiving bot is told about the lead.
struct handoff_context {
  bot_kind from = bot_kind::lead;
  bot_kind to = bot_kind::lead;
  lead_score score;
  lead_facts facts;
  std::string summary;  ///< a few sentences on the conversation so far (from the caller)
};

/// Builds the context for a handoff that `decision` approved.
[[nodiscard]] handoff_context make_handoff_context(bot_kind from, bot_kind to,
                                                   const lead_facts& facts, const lead_score& score,
                                                   std::string summary);

/// The context as a block for the receiving bot's prompt: scores and
/// temperature, the known facts (budget as "$450,000", timeline in months,
/// ...), and the summary on one line, marked as conversation content rather
/// than instructions and capped at 600 bytes. Contact-scoped: it changes
/// whenever the facts do, so it belongs after the stable system prefix.
[[nodiscard]] std::string render_handoff_context(const handoff_context& context);

}  // namespace openhouse::agents
