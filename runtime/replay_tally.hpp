#pragma once

#include "core/messages.hpp"
#include "runtime/replay.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace openhouse::runtime {

/// What a replay counts of the turns and CRM changes it drove: the figures
/// of the report that do not come from the cache's audit or the metrics.
struct replay_counts {
  std::size_t messages = 0;  ///< SMS events, duplicates included
  std::size_t replies = 0;   ///< turns that answered with a text
  std::size_t duplicate_deliveries = 0;
  std::size_t duplicate_replies = 0;  ///< a second text for one sid: must be 0
  std::size_t opt_outs = 0;
  std::map<std::string, std::size_t> opt_outs_by_rule;  ///< the rule that recognised each
  std::size_t opt_outs_labelled = 0;  ///< labelled opt-outs seen (with labels only)
  std::size_t opt_outs_missed = 0;    ///< labelled opt-outs the runtime did not honour
  /// Texts sent to a lead opted out at that moment (or by a missed label).
  std::size_t messages_after_opt_out = 0;
  std::size_t failed_turns = 0;
  std::size_t fallbacks = 0;
  std::size_t multi_question_replies = 0;
  std::size_t known_fact_questions = 0;            ///< replies asking what the lead's state holds
  std::map<std::string, std::size_t> escalations;  ///< by reason
  std::size_t unanswered_inbound = 0;              ///< of answerable_inbound
  std::size_t answerable_inbound = 0;
  std::size_t crm_tags_applied = 0, crm_tags_not_applied = 0;
  std::size_t crm_updates_applied = 0, crm_updates_not_applied = 0;
  std::size_t crm_person_temperatures = 0, crm_fields_rejected = 0;
  std::size_t follow_ups_written = 0, follow_up_ticks_held = 0;
};

/// A contact's STOP/START history: (time in ms, opted out afterwards), oldest first.
using opt_history_map = std::unordered_map<std::string, std::vector<std::pair<std::int64_t, bool>>>;

/// Counts what leads received during a replay, event by event, in trace
/// order: the replay's plain bookkeeping, kept apart from the actors that
/// produce the results so it can be tested with made-up ones.
class replay_tally {
 public:
  /// `opt_out_labels`: the sids labelled as opt-outs, when labels were given.
  explicit replay_tally(std::optional<std::unordered_set<std::string>> opt_out_labels = {});

  /// An SMS event is about to be handed to the runtime; answers whether its
  /// sid was delivered before (a duplicate delivery).
  bool begin_sms(const trace_event& e);
  /// The runtime's answer to that SMS (none: the turn failed), `now_ms` the
  /// virtual time, `latency_ms` the wall time it took.
  void end_sms(const trace_event& e, bool repeated, const std::optional<turn_result>& result,
               std::int64_t now_ms, double latency_ms);
  /// The runtime's answer to a CRM event (none: not applied).
  void crm_change(const trace_event& e, const std::optional<crm_result>& result);
  /// The contact's generation as the cache reported it after an event.
  void generation_read(const std::string& contact, std::uint64_t contact_generation);
  /// One tick of the follow-up worker: follow-ups written, held for quiet hours.
  void follow_up_tick(std::int32_t written, bool held);

  [[nodiscard]] const replay_counts& counts() const { return counts_; }
  [[nodiscard]] std::size_t leads() const { return contacts_.size(); }
  /// Who is muted for a person at the end, and why.
  [[nodiscard]] const std::unordered_map<std::string, std::string>& muted_for() const {
    return muted_for_;
  }
  [[nodiscard]] const opt_history_map& opt_history() const { return opt_history_; }
  /// sid -> the contact generation the replay knew before that turn.
  [[nodiscard]] const std::unordered_map<std::string, std::uint64_t>& known_at_turn() const {
    return known_at_turn_;
  }
  [[nodiscard]] const std::vector<double>& latencies_ms() const { return latencies_; }
  [[nodiscard]] bool labelled() const { return opt_out_labels_.has_value(); }

 private:
  void count_inbound(const trace_event& e, const std::optional<turn_result>& result);
  void count_questions(const trace_event& e, const turn_result& result);
  void count_opt_out(const trace_event& e, const turn_result& result, bool new_reply,
                     std::int64_t now_ms);
  [[nodiscard]] bool labelled_opt_out(const std::string& sid) const;

  std::optional<std::unordered_set<std::string>> opt_out_labels_;
  replay_counts counts_;
  std::set<std::string> contacts_;
  std::unordered_map<std::string, std::string> muted_for_;  // contact -> escalation reason
  opt_history_map opt_history_;
  std::unordered_map<std::string, bool> seen_sids_;               // sid -> answered
  std::unordered_map<std::string, bool> opted_out_;               // contact -> opted out
  std::unordered_map<std::string, std::uint64_t> known_;          // contact -> contact generation
  std::unordered_map<std::string, std::uint64_t> known_at_turn_;  // sid -> generation before it
  std::vector<double> latencies_;
};

}  // namespace openhouse::runtime
