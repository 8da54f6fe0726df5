#include "runtime/replay_tally.hpp"

#include "agents/lead_state.hpp"
#include "agents/question_flow.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace openhouse::runtime {

replay_tally::replay_tally(std::optional<std::unordered_set<std::string>> opt_out_labels)
    : opt_out_labels_(std::move(opt_out_labels)) {}

bool replay_tally::labelled_opt_out(const std::string& sid) const {
  return opt_out_labels_ && opt_out_labels_->contains(sid);
}

bool replay_tally::begin_sms(const trace_event& e) {
  ++counts_.messages;
  contacts_.insert(e.from);
  const bool repeated = seen_sids_.contains(e.sid);
  if (repeated) {
    ++counts_.duplicate_deliveries;
  } else {
    known_at_turn_[e.sid] = known_[e.from];
  }
  return repeated;
}

void replay_tally::end_sms(const trace_event& e, bool repeated,
                           const std::optional<turn_result>& result, std::int64_t now_ms,
                           double latency_ms) {
  if (!result) {
    ++counts_.failed_turns;
  }
  latencies_.push_back(latency_ms);
  if (!repeated) {
    count_inbound(e, result);
  }
  if (!result) {
    seen_sids_.emplace(e.sid, false);
    return;
  }
  const bool new_reply = !result->reply.empty() && !result->duplicate;
  if (!result->reply.empty()) {
    ++counts_.replies;
  }
  if (result->fallback) {
    ++counts_.fallbacks;
  }
  if (repeated && new_reply && seen_sids_[e.sid]) {
    ++counts_.duplicate_replies;
  }
  if (new_reply && !repeated) {
    count_questions(e, *result);
  }
  if (!repeated) {
    count_opt_out(e, *result, new_reply, now_ms);
  }
  seen_sids_[e.sid] = seen_sids_[e.sid] || new_reply;
}

void replay_tally::count_inbound(const trace_event& e, const std::optional<turn_result>& result) {
  // A turn's result says whether the lead is muted after it; a failed turn
  // changes nothing.
  if (result && !result->escalation.empty()) {
    ++counts_.escalations[result->escalation];
    muted_for_[e.from] = result->escalation;
  } else if (result && result->muted) {
    muted_for_.try_emplace(e.from, "before the replay");
  } else if (result) {
    muted_for_.erase(e.from);
  }
  const auto& done_by = result ? result->compliance : std::string{};
  const auto reason = muted_for_.find(e.from);
  // A lead who asked for a person waits for that person; an opt-out is
  // answered by its confirmation or, rightly, by nothing.
  const bool excused = done_by.starts_with("opt_out") || done_by == "suppressed" ||
                       (reason != muted_for_.end() && reason->second == "human_request");
  if (!excused) {
    ++counts_.answerable_inbound;
    if (!result || result->reply.empty()) ++counts_.unanswered_inbound;
  }
}

void replay_tally::count_questions(const trace_event& e, const turn_result& result) {
  // What the lead reads: one question at most, and none whose answer the
  // lead's state already holds.
  const auto questions = agents::questions_in(result.reply);
  counts_.multi_question_replies += questions.size() >= 2 ? 1 : 0;
  const auto& facts = result.facts;
  const bool known = std::any_of(questions.begin(), questions.end(), [&](const auto& q) {
    const auto asked = agents::facts_asked(q);
    return std::any_of(asked.begin(), asked.end(),
                       [&](const auto& f) { return agents::fact_known(facts, f); });
  });
  counts_.known_fact_questions += known ? 1 : 0;
  if (known) {
    spdlog::debug("replay: {} asks a known fact: {} (facts {})", e.sid, result.reply,
                  agents::facts_to_json(result.facts));
  }
}

void replay_tally::count_opt_out(const trace_event& e, const turn_result& result, bool new_reply,
                                 std::int64_t now_ms) {
  const auto& done_by = result.compliance;
  const bool was_out = opted_out_[e.from];
  if (done_by.starts_with("opt_out")) {
    // The reply is the one confirmation, and only on the first opt-out.
    ++counts_.opt_outs;
    ++counts_.opt_outs_by_rule[done_by.size() > 8 ? done_by.substr(8) : "keyword"];
    if (was_out && new_reply) {
      ++counts_.messages_after_opt_out;
    }
    opted_out_[e.from] = true;
    opt_history_[e.from].emplace_back(now_ms, true);
  } else if (done_by == "opt_in") {
    opted_out_[e.from] = false;
    opt_history_[e.from].emplace_back(now_ms, false);
  } else if (labelled_opt_out(e.sid)) {
    // The labels say opt-out and the runtime did not honour it: its reply is
    // a text after an opt-out, and so is every later one.
    ++counts_.opt_outs_missed;
    if (new_reply) {
      ++counts_.messages_after_opt_out;
    }
    opted_out_[e.from] = true;
    opt_history_[e.from].emplace_back(now_ms, true);
  } else if (was_out && new_reply) {
    ++counts_.messages_after_opt_out;
  }
  if (labelled_opt_out(e.sid)) {
    ++counts_.opt_outs_labelled;
  }
}

void replay_tally::crm_change(const trace_event& e, const std::optional<crm_result>& result) {
  const bool tags = e.type == "crm_tag";
  if (!result) {
    ++(tags ? counts_.crm_tags_not_applied : counts_.crm_updates_not_applied);
    return;
  }
  ++(tags ? counts_.crm_tags_applied : counts_.crm_updates_applied);
  counts_.crm_person_temperatures += result->person_temperature ? 1 : 0;
  counts_.crm_fields_rejected += result->fields_rejected.size();
  if (result->released) muted_for_.erase(e.contact);
}

void replay_tally::generation_read(const std::string& contact, std::uint64_t contact_generation) {
  auto& known = known_[contact];
  known = std::max(known, contact_generation);
}

void replay_tally::follow_up_tick(std::int32_t written, bool held) {
  counts_.follow_ups_written += static_cast<std::size_t>(written);
  counts_.follow_up_ticks_held += held ? 1 : 0;
}

}  // namespace openhouse::runtime
