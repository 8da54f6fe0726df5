#include "cache/l1_store.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

using openhouse::cache::l1_store;
using namespace std::chrono_literals;

namespace {

const l1_store::time_point t0 = l1_store::time_point{} + 1000h;

std::size_t cost(std::string_view key, std::string_view value, std::vector<std::string> tags = {}) {
  return l1_store::entry_cost(key, value, tags);
}

}  // namespace

TEST_CASE("L1 get returns what put stored", "[cache][l1]") {
  l1_store s{1 << 20};
  CHECK(s.get("k", t0) == nullptr);
  CHECK(s.put("k", "v", t0, 60s));
  const auto* v = s.get("k", t0);
  REQUIRE(v != nullptr);
  CHECK(*v == "v");
  CHECK(s.size() == 1);
  CHECK(s.bytes() == cost("k", "v"));
  CHECK(s.stats().hits == 1);
  CHECK(s.stats().misses == 1);
}

TEST_CASE("L1 entries expire at now + ttl on the injected clock", "[cache][l1]") {
  l1_store s{1 << 20};
  REQUIRE(s.put("k", "v", t0, 60s));
  CHECK(s.expires_at("k") == t0 + 60s);
  CHECK(s.get("k", t0 + 59s) != nullptr);
  CHECK(s.contains("k", t0 + 59s));
  CHECK_FALSE(s.contains("k", t0 + 60s));
  CHECK(s.get("k", t0 + 60s) == nullptr);  // expiry is exclusive
  CHECK(s.size() == 0);                    // and the expired entry is gone
  CHECK(s.bytes() == 0);
  CHECK(s.stats().expired == 1);
  CHECK(s.stats().misses == 1);
}

TEST_CASE("L1 rejects non-positive TTLs and entries larger than the bound", "[cache][l1]") {
  l1_store s{cost("k", std::string(100, 'x'))};
  CHECK_FALSE(s.put("k", "v", t0, 0s));
  CHECK_FALSE(s.put("k", "v", t0, -1s));
  CHECK(s.put("k", std::string(100, 'x'), t0, 1s));  // exactly the bound fits
  CHECK_FALSE(s.put("k", std::string(101, 'x'), t0, 1s));
  // The refused update also dropped the old value: never keep a value the
  // caller tried to replace.
  CHECK(s.get("k", t0) == nullptr);
  CHECK(s.size() == 0);
  CHECK(s.stats().rejected == 3);
}

TEST_CASE("L1 evicts the least recently used entry first", "[cache][l1]") {
  const auto one = cost("a", "1");
  l1_store s{3 * one};
  s.put("a", "1", t0, 1h);
  s.put("b", "1", t0, 1h);
  s.put("c", "1", t0, 1h);
  CHECK(s.keys_by_recency() == std::vector<std::string>{"c", "b", "a"});

  REQUIRE(s.get("a", t0) != nullptr);  // a becomes most recent; b is now LRU
  CHECK(s.keys_by_recency() == std::vector<std::string>{"a", "c", "b"});

  s.put("d", "1", t0, 1h);
  CHECK(s.keys_by_recency() == std::vector<std::string>{"d", "a", "c"});
  CHECK(s.get("b", t0) == nullptr);
  CHECK(s.stats().evictions == 1);
  CHECK(s.bytes() == 3 * one);
}

TEST_CASE("L1 put of an existing key replaces it, adjusts bytes and recency", "[cache][l1]") {
  l1_store s{1 << 20};
  s.put("a", "short", t0, 1h);
  s.put("b", "x", t0, 1h);
  const auto before = s.bytes();
  s.put("a", std::string(1000, 'y'), t0, 2h);
  CHECK(s.size() == 2);
  CHECK(s.bytes() == before - cost("a", "short") + cost("a", std::string(1000, 'y')));
  CHECK(*s.get("a", t0) == std::string(1000, 'y'));
  CHECK(s.expires_at("a") == t0 + 2h);
  CHECK(s.keys_by_recency().front() == "a");
  s.put("a", "s", t0, 1h);
  CHECK(s.bytes() == cost("a", "s") + cost("b", "x"));
}

TEST_CASE("L1 growing an entry evicts others to stay within the bound", "[cache][l1]") {
  l1_store s{4 * cost("k0", "v")};
  for (int i = 0; i < 4; ++i) {
    REQUIRE(s.put("k" + std::to_string(i), "v", t0, 1h));
  }
  // k0 grows to three entries' worth: the two least recently used others
  // (k1, k2) make room, k3 stays.
  REQUIRE(s.put("k0", std::string(3 * cost("k0", "v") - cost("k0", ""), 'z'), t0, 1h));
  CHECK(s.stats().evictions == 2);
  CHECK(s.bytes() <= s.max_bytes());
  CHECK(s.keys_by_recency() == std::vector<std::string>{"k0", "k3"});
}

TEST_CASE("L1 stays within its byte bound after every put and matches a reference LRU",
          "[cache][l1]") {
  l1_store s{64 * 1024};
  // A naive model of the same policy: recency list of (key, cost).
  std::vector<std::pair<std::string, std::size_t>> model;  // front = most recent
  std::size_t model_bytes = 0;
  std::mt19937 rng{42};
  std::uniform_int_distribution<int> key_of{0, 499};
  std::uniform_int_distribution<std::size_t> size_of{0, 3000};
  for (int i = 0; i < 5000; ++i) {
    const auto key = "key-" + std::to_string(key_of(rng));
    std::vector<std::string> tags;
    if (i % 3 == 0) tags.push_back("contact-" + std::to_string(i % 7));
    const std::string value(size_of(rng), 'v');
    if (i % 5 == 4) {  // reads refresh recency in both
      const bool hit = s.get(key, t0) != nullptr;
      auto it = std::find_if(model.begin(), model.end(), [&](auto& e) { return e.first == key; });
      REQUIRE(hit == (it != model.end()));
      if (it != model.end()) std::rotate(model.begin(), it, it + 1);
      continue;
    }
    REQUIRE(s.put(key, value, t0, 1h, tags));
    REQUIRE(s.bytes() <= s.max_bytes());

    auto it = std::find_if(model.begin(), model.end(), [&](auto& e) { return e.first == key; });
    if (it != model.end()) {
      model_bytes -= it->second;
      model.erase(it);
    }
    const auto c = cost(key, value, tags);
    model.insert(model.begin(), {key, c});
    model_bytes += c;
    while (model_bytes > s.max_bytes()) {
      model_bytes -= model.back().second;
      model.pop_back();
    }
    REQUIRE(s.bytes() == model_bytes);
  }
  std::vector<std::string> expected;
  for (const auto& e : model) expected.push_back(e.first);
  CHECK(s.keys_by_recency() == expected);
  CHECK(s.stats().evictions > 0);
  // Accounting never drifts: erasing everything returns to zero bytes.
  s.erase_if([](std::string_view, std::span<const std::string>) { return true; });
  CHECK(s.bytes() == 0);
  CHECK(s.size() == 0);
}

TEST_CASE("L1 erase by key, tag, prefix and predicate", "[cache][l1]") {
  l1_store s{1 << 20};
  s.put("faq:1", "a", t0, 1h, {"market:ie"});
  s.put("reply:1", "b", t0, 1h, {"contact:1", "market:ie"});
  s.put("reply:2", "c", t0, 1h, {"contact:2", "market:ie"});
  s.put("intent:1", "d", t0, 1h, {"contact:1", "contact:1"});  // duplicate tag counted once
  CHECK(s.bytes() == cost("faq:1", "a", {"market:ie"}) +
                         cost("reply:1", "b", {"contact:1", "market:ie"}) +
                         cost("reply:2", "c", {"contact:2", "market:ie"}) +
                         cost("intent:1", "d", {"contact:1"}));

  SECTION("by key") {
    CHECK(s.erase("reply:1"));
    CHECK_FALSE(s.erase("reply:1"));
    CHECK(s.size() == 3);
    // the erased entry left the tag index too
    CHECK(s.erase_tag("contact:1") == 1);
  }
  SECTION("by tag: every entry of one contact, nothing else") {
    CHECK(s.erase_tag("contact:1") == 2);
    CHECK(s.get("reply:1", t0) == nullptr);
    CHECK(s.get("intent:1", t0) == nullptr);
    CHECK(s.get("reply:2", t0) != nullptr);
    CHECK(s.get("faq:1", t0) != nullptr);
    CHECK(s.erase_tag("contact:1") == 0);
    CHECK(s.erase_tag("market:ie") == 2);
    CHECK(s.size() == 0);
    CHECK(s.bytes() == 0);
    CHECK(s.stats().erased == 4);
  }
  SECTION("by prefix") {
    CHECK(s.erase_prefix("reply:") == 2);
    CHECK(s.size() == 2);
    CHECK(s.erase_tag("market:ie") == 1);
  }
  SECTION("by predicate") {
    CHECK(s.erase_if([](std::string_view key, std::span<const std::string> tags) {
      return key.starts_with("reply") && tags.size() == 2 && tags[0] == "contact:2";
    }) == 1);
    CHECK(s.get("reply:2", t0) == nullptr);
    CHECK(s.size() == 3);
  }
  SECTION("a replaced entry takes its new tags") {
    s.put("reply:1", "b2", t0, 1h, {"contact:9"});
    CHECK(s.erase_tag("contact:1") == 1);  // only intent:1 still carries it
    CHECK(s.erase_tag("contact:9") == 1);
  }
}

TEST_CASE("L1 purge_expired drops only expired entries", "[cache][l1]") {
  l1_store s{1 << 20};
  s.put("short", "v", t0, 10s, {"t"});
  s.put("long", "v", t0, 1h, {"t"});
  CHECK(s.purge_expired(t0 + 10s) == 1);
  CHECK(s.size() == 1);
  CHECK(s.bytes() == cost("long", "v", {"t"}));
  CHECK(s.erase_tag("t") == 1);
}

TEST_CASE("L1 operations are O(1): a big store costs no more per get than a small one",
          "[cache][l1]") {
  // Structural rather than timed: get() on a store of 200k entries touches
  // one index bucket and one list node; check it still behaves with many
  // entries and interleaved erases, quickly enough for a unit test.
  l1_store s{std::size_t{1} << 30};
  for (int i = 0; i < 200000; ++i) {
    s.put("k" + std::to_string(i), "v", t0, 1h, {"c" + std::to_string(i % 1000)});
  }
  CHECK(s.size() == 200000);
  CHECK(s.erase_tag("c7") == 200);
  CHECK(s.get("k7", t0) == nullptr);
  CHECK(s.get("k8", t0) != nullptr);
  CHECK(s.keys_by_recency().front() == "k8");
}

TEST_CASE("L1 can be moved: the index keeps pointing at the entries", "[cache][l1]") {
  l1_store a{1 << 20};
  a.put("k", "v", t0, 1h, {"t"});
  l1_store b = std::move(a);
  REQUIRE(b.get("k", t0) != nullptr);
  CHECK(b.erase_tag("t") == 1);
}
