#include "runtime/orphan_policy.hpp"

namespace openhouse::runtime {

const char* outcome_of(orphan_action a) noexcept {
  switch (a) {
    case orphan_action::answer:
      return "answered";
    case orphan_action::flag:
      return "flagged";
    case orphan_action::supersede:
      return "superseded";
  }
  return "flagged";
}

orphan_action orphan_action_of(bool superseded, std::chrono::milliseconds age,
                               std::chrono::milliseconds max_age,
                               config::reply_mode mode) noexcept {
  if (superseded) return orphan_action::supersede;
  if (mode != config::reply_mode::rest || age > max_age) return orphan_action::flag;
  return orphan_action::answer;
}

postgres::orphan_claim orphan_claim_at(std::int64_t now_ms, const config::runtime_settings& rt,
                                       std::chrono::milliseconds reclaim_after, std::string node,
                                       std::int64_t limit) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  postgres::orphan_claim q;
  q.now_ms = now_ms;
  q.since_ms = now_ms - (rt.orphan_max_age + duration_cast<milliseconds>(orphan_lookback)).count();
  q.settled_before_ms = now_ms - rt.turn_lease.count();
  q.reclaim_before_ms = now_ms - reclaim_after.count();
  q.node = std::move(node);
  q.limit = limit;
  return q;
}

}  // namespace openhouse::runtime
