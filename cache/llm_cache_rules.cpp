#include "cache/llm_cache_rules.hpp"

#include <utility>

namespace openhouse::cache {

bool same_counters(const generations& a, const generations& b) noexcept {
  return a.global == b.global && a.market == b.market && a.contact == b.contact && a.task == b.task;
}

bool snapshot_outdated(const generations& known, const generations& asked) noexcept {
  return !same_counters(known, asked) || (asked.epoch != 0 && asked.epoch != known.epoch);
}

std::uint64_t next_local_generation(invalidation::kind kind, const generations& current) noexcept {
  switch (kind) {
    case invalidation::kind::global:
      return current.global + 1;
    case invalidation::kind::market:
      return current.market + 1;
    case invalidation::kind::contact:
      return current.contact + 1;
    case invalidation::kind::task:
      return current.task + 1;
    case invalidation::kind::key:
      break;
  }
  return 0;
}

cached_answer entry_for(const runtime::llm_answer& answer, const std::string& source_sid,
                        const generations& keyed, std::int64_t now_ms,
                        std::chrono::milliseconds ttl) {
  cached_answer entry;
  entry.text = answer.response.text;
  entry.stop_reason = answer.response.stop_reason;
  entry.model = answer.model;
  entry.source_sid = source_sid;
  entry.generation = keyed;
  entry.stored_at_ms = now_ms;
  entry.expires_at_ms = now_ms + ttl.count();
  return entry;
}

verdict answer_verdict(const unit& u, const runtime::llm_answer& answer,
                       std::span<const std::string> known_pii) {
  auto out = check_response(u, answer.response.text, answer.response.stop_reason, known_pii);
  if (out.cacheable() && answer.model != u.model) {
    // A budget downgrade answered with another model than the key names.
    out = {decision::bypass_response, "downgraded", {}};
  }
  return out;
}

bool l2_entry_servable(const cached_answer& entry, const generations& keyed,
                       std::int64_t now_ms) noexcept {
  return same_counters(entry.generation, keyed) && entry.expires_at_ms > now_ms;
}

std::optional<std::chrono::milliseconds> time_left(const cached_answer& entry,
                                                   std::int64_t now_ms) noexcept {
  if (entry.expires_at_ms <= now_ms) {
    return std::nullopt;
  }
  return std::chrono::milliseconds{entry.expires_at_ms - now_ms};
}

cache_reply hit_reply(const cached_answer& entry, outcome o, std::string digest,
                      double similarity) {
  cache_reply out;
  out.answer.response.text = entry.text;
  out.answer.response.stop_reason = entry.stop_reason;
  out.answer.response.model = entry.model;
  out.answer.model = entry.model;
  out.outcome = o;
  out.source_sid = entry.source_sid;
  out.similarity = similarity;
  out.entry_generation = entry.generation;
  out.key = std::move(digest);
  return out;
}

cache_reply flight_reply(const runtime::llm_answer& answer, std::size_t index,
                         const std::string& source_sid, const generations& stored_under,
                         const std::string& digest) {
  cache_reply out;
  out.answer = answer;
  out.outcome = index == 0 ? outcome::miss : outcome::coalesced;
  if (index != 0) {
    out.answer.cost_usd = 0;
    out.answer.baseline_cost_usd = 0;
    out.answer.response.tokens = {};
    out.source_sid = source_sid;
  }
  out.entry_generation = stored_under;
  out.key = digest;
  return out;
}

std::optional<std::string> named_input(const cache_request& req) {
  if (req.semantic_input.empty()) {
    return std::nullopt;
  }
  for (const auto& [name, value] : req.unit.inputs) {
    if (name == req.semantic_input) {
      return value;
    }
  }
  return std::nullopt;
}

bool sampled_for_check(std::uint64_t served, std::uint64_t every) noexcept {
  return every != 0 && served % every == 0;
}

double false_hit_rate(std::uint64_t agree, std::uint64_t disagree) noexcept {
  const auto checked = agree + disagree;
  return checked == 0 ? 0.0 : static_cast<double>(disagree) / static_cast<double>(checked);
}

}  // namespace openhouse::cache
