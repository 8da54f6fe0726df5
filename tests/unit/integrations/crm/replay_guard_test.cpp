#include "integrations/crm/replay_guard.hpp"

#include <catch2/catch.hpp>

using namespace openhouse;
using namespace std::chrono_literals;

TEST_CASE("the replay guard refuses timestamps outside the window and remembers ids",
          "[crm][replay]") {
  auto time = std::make_shared<runtime::manual_clock>(
      runtime::clock::time_point{std::chrono::milliseconds{1'700'000'000'000}});
  crm::replay_guard guard{time, 300s};
  const std::int64_t now = time->now_ms();
  struct row {
    const char* name;
    std::int64_t ts;
    crm::delivery_verdict verdict;
  };
  const std::vector<row> rows{
      {"now", now, crm::delivery_verdict::fresh},
      {"at the old edge", now - 300'000, crm::delivery_verdict::fresh},
      {"just too old", now - 300'001, crm::delivery_verdict::too_old},
      {"at the new edge", now + 300'000, crm::delivery_verdict::fresh},
      {"just too new", now + 300'001, crm::delivery_verdict::too_new},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(guard.check("wh-1", r.ts) == r.verdict);
  }
  CHECK(guard.size() == 0);  // checking remembers nothing

  guard.remember("wh-1", now);
  CHECK(guard.check("wh-1", now) == crm::delivery_verdict::duplicate);
  CHECK(guard.check("wh-2", now) == crm::delivery_verdict::fresh);
  // A redelivery whose timestamp has left the window is refused, not "duplicate".
  time->advance(301s);
  CHECK(guard.check("wh-1", now) == crm::delivery_verdict::too_old);
  // Memory stays bounded by the window: old ids go with the next remember.
  guard.remember("wh-3", time->now_ms());
  CHECK(guard.size() == 1);
}
