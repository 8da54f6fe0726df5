#include "cache/invalidation.hpp"
#include "cache/l2_commands.hpp"
#include "tests/support/hash_slot.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace openhouse::cache;
using kind = invalidation::kind;

namespace {

invalidation make(kind k, std::string market, std::string contact, std::string task,
                  std::string key, std::uint64_t gen) {
  invalidation inv;
  inv.what = k;
  inv.market = std::move(market);
  inv.contact = std::move(contact);
  inv.task = std::move(task);
  inv.key = std::move(key);
  inv.generation = gen;
  return inv;
}

}  // namespace

TEST_CASE("invalidation: encode has the documented shape", "[cache][invalidation]") {
  CHECK(encode(make(kind::contact, "ie", "+19095551234", "", "", 7)) ==
        "oh-inval/1|contact|7|2:ie|12:+19095551234|0:|0:");
  CHECK(encode(make(kind::global, "", "", "", "", 0)) == "oh-inval/1|global|0|0:|0:|0:|0:");
}

TEST_CASE("invalidation: every kind round-trips", "[cache][invalidation]") {
  const std::vector<invalidation> cases{
      make(kind::global, "", "", "", "", 1),
      make(kind::market, "ie", "", "", "", 42),
      make(kind::contact, "ie", "+19095551234", "", "", 3),
      make(kind::task, "", "", "intent", "", 9),
      make(kind::key, "", "", "", "9f86d081884c7d659a2feaa0c55ad015", 0),
      make(kind::global, "", "", "", "", UINT64_MAX),
  };
  for (const auto& inv : cases) {
    INFO(encode(inv));
    const auto back = decode(encode(inv));
    REQUIRE(back);
    CHECK(*back == inv);
  }
}

TEST_CASE("invalidation: hostile ids round-trip", "[cache][invalidation]") {
  const std::string nul{"a\0b", 3};
  const std::vector<std::string> ids{
      "|",
      ":",
      "1:x|",
      "0:|0:|0:",
      "oh-inval/1|global|0|0:|0:|0:|0:",
      "a|b:c",
      "\n\r\t ",
      nul,
      "%3A",
      "ünïcødé ☃",
      "99999999999999999999:",
      "|||:::",
      std::string(300, '|'),
  };
  for (const auto& a : ids) {
    for (const auto& b : {std::string{}, std::string{"x"}, std::string{"2:ab|"}}) {
      const auto inv = make(kind::contact, a, b, a + b, b + a, 5);
      const auto back = decode(encode(inv));
      INFO(encode(inv));
      REQUIRE(back);
      CHECK(*back == inv);
    }
  }
}

TEST_CASE("invalidation: random bytes round-trip", "[cache][invalidation]") {
  std::mt19937 rng{12345};  // fixed seed: the same cases on every run
  std::uniform_int_distribution<int> byte{0, 255};
  std::uniform_int_distribution<int> length{0, 20};
  auto random_id = [&] {
    std::string s(static_cast<std::size_t>(length(rng)), '\0');
    for (auto& c : s) {
      c = static_cast<char>(byte(rng));
    }
    return s;
  };
  for (int i = 0; i < 500; ++i) {
    const auto inv = make(static_cast<kind>(i % 5), random_id(), random_id(), random_id(),
                          random_id(), static_cast<std::uint64_t>(rng()));
    const auto back = decode(encode(inv));
    REQUIRE(back);
    CHECK(*back == inv);
  }
}

TEST_CASE("invalidation: garbage decodes to nullopt", "[cache][invalidation]") {
  const std::vector<std::string> garbage{
      "",
      "oh-inval/1",
      "oh-inval/1|",
      "oh-inval/2|global|0|0:|0:|0:|0:",                     // unknown version
      "OH-INVAL/1|global|0|0:|0:|0:|0:",                     // the tag is case-sensitive
      "oh-inval/1|planet|0|0:|0:|0:|0:",                     // unknown kind
      "oh-inval/1||0|0:|0:|0:|0:",                           // empty kind
      "oh-inval/1|global||0:|0:|0:|0:",                      // no generation
      "oh-inval/1|global|-1|0:|0:|0:|0:",                    // negative generation
      "oh-inval/1|global|+1|0:|0:|0:|0:",                    // signed generation
      "oh-inval/1|global|01|0:|0:|0:|0:",                    // leading zero
      "oh-inval/1|global|18446744073709551616|0:|0:|0:|0:",  // 2^64
      "oh-inval/1|global|0x1|0:|0:|0:|0:",
      "oh-inval/1|global|0|0:|0:|0:",        // a field missing
      "oh-inval/1|global|0|0:|0:|0:|0:|0:",  // a field too many
      "oh-inval/1|global|0|0:|0:|0:|0:x",    // trailing bytes
      "oh-inval/1|global|0|0:|0:|0:|0:\n",
      "oh-inval/1|market|0|5:ie|0:|0:|0:",  // length overruns into the separators
      "oh-inval/1|market|0|999:ie",         // length past the end
      "oh-inval/1|market|0|99999999999999999999999:ie|0:|0:|0:",
      "oh-inval/1|market|0|2ie|0:|0:|0:",    // no ':' after the length
      "oh-inval/1|market|0|:ie|0:|0:|0:",    // empty length
      "oh-inval/1|market|0|02:ie|0:|0:|0:",  // leading zero in a length
      "oh-inval/1|market|0|2:ie0:|0:|0:",    // separator missing
      "oh-inval/1|global|0|0:|0:|0:|0",      // last length without ':'
      std::string{"oh-inval/1\0|global|0|0:|0:|0:|0:", 32},
  };
  for (const auto& g : garbage) {
    INFO(g);
    CHECK_FALSE(decode(g));
  }
}

TEST_CASE("invalidation: decode survives every truncation and random input",
          "[cache][invalidation]") {
  const auto good = encode(make(kind::contact, "i|e", "+1:909", "intent", "k", 12));
  REQUIRE(decode(good));
  for (std::size_t n = 0; n < good.size(); ++n) {
    INFO(n);
    CHECK_FALSE(decode(std::string_view{good}.substr(0, n)));
  }
  std::mt19937 rng{777};
  std::uniform_int_distribution<int> byte{0, 255};
  for (int i = 0; i < 2000; ++i) {
    auto s = good;
    // Flip one to three bytes: decode must answer (value or nullopt), never crash.
    for (int k = 0; k <= i % 3; ++k) {
      s[rng() % s.size()] = static_cast<char>(byte(rng));
    }
    if (auto back = decode(s)) {
      CHECK(encode(*back) == s);  // whatever it accepts is canonical
    }
  }
}

TEST_CASE("invalidation: kind names and well-formedness", "[cache][invalidation]") {
  for (auto k : {kind::global, kind::market, kind::contact, kind::task, kind::key}) {
    CHECK(parse_invalidation_kind(to_string(k)) == k);
  }
  CHECK_FALSE(parse_invalidation_kind("Global"));
  CHECK(well_formed(make(kind::global, "", "", "", "", 1)));
  CHECK(well_formed(make(kind::market, "ie", "", "", "", 1)));
  CHECK_FALSE(well_formed(make(kind::market, "", "", "", "", 1)));
  CHECK(well_formed(make(kind::contact, "ie", "c", "", "", 1)));
  CHECK_FALSE(well_formed(make(kind::contact, "", "c", "", "", 1)));
  CHECK_FALSE(well_formed(make(kind::contact, "ie", "", "", "", 1)));
  CHECK(well_formed(make(kind::task, "", "", "faq", "", 1)));
  CHECK_FALSE(well_formed(make(kind::task, "", "", "", "", 1)));
  CHECK(well_formed(make(kind::key, "", "", "", "d", 0)));
  CHECK_FALSE(well_formed(make(kind::key, "", "", "", "", 0)));
}

TEST_CASE("redis_keys: names under the prefix", "[cache][invalidation][redis_keys]") {
  const redis_keys keys{"oh"};
  CHECK(keys.entry("9f86d0") == "oh:l2:9f86d0");
  CHECK(keys.global_generation() == "{oh:gen}:global");
  CHECK(keys.market_generation("ie") == "{oh:gen}:market:ie");
  CHECK(keys.contact_generation("ie", "+19095551234") == "{oh:gen}:contact:ie:+19095551234");
  CHECK(keys.task_generation("intent") == "{oh:gen}:task:intent");
  CHECK(keys.channel() == "oh:invalidate");
  CHECK(keys.prefix() == "oh");
}

TEST_CASE("redis_keys: ids are escaped so different pairs never share a key",
          "[cache][invalidation][redis_keys]") {
  const redis_keys keys{"oh"};
  CHECK(keys.contact_generation("a:b", "c") == "{oh:gen}:contact:a%3Ab:c");
  CHECK(keys.contact_generation("a", "b:c") == "{oh:gen}:contact:a:b%3Ac");
  CHECK(keys.market_generation("50%") == "{oh:gen}:market:50%25");
  CHECK(keys.market_generation("a b\n") == "{oh:gen}:market:a%20b%0A");
  CHECK(keys.market_generation(std::string{"a\0b", 3}) == "{oh:gen}:market:a%00b");
  CHECK(redis_keys::escape("ünï") == "ünï");  // UTF-8 stays readable

  // Pairs chosen to collide under naive joining or naive escaping.
  const std::vector<std::pair<std::string, std::string>> pairs{
      {"a:b", "c"},  {"a", "b:c"},  {"a%3Ab", "c"}, {"a", "b%3Ac"}, {"a%", "3Ab:c"}, {"", "a:b:c"},
      {"a:b:c", ""}, {"a:", "b:c"}, {"a", ":b:c"},  {"%", ""},      {"%25", ""},     {"a", "b"},
      {"a:b", ""},   {"", ""},      {":", ""},      {"", ":"},
  };
  std::set<std::string> seen;
  for (const auto& [m, c] : pairs) {
    INFO(m << " / " << c);
    CHECK(seen.insert(keys.contact_generation(m, c)).second);
  }

  // Exhaustively over a small alphabet that includes the separator and the escape.
  const std::string alphabet = "a:%3A";
  std::vector<std::string> ids{""};
  for (int len = 1; len <= 3; ++len) {
    std::vector<std::string> next;
    for (const auto& id : ids) {
      if (id.size() + 1 == static_cast<std::size_t>(len)) {
        for (char ch : alphabet) {
          next.push_back(id + ch);
        }
      }
    }
    ids.insert(ids.end(), next.begin(), next.end());
  }
  std::set<std::string> all;
  std::size_t count = 0;
  for (const auto& m : ids) {
    for (const auto& c : ids) {
      all.insert(keys.contact_generation(m, c));
      ++count;
    }
  }
  CHECK(all.size() == count);
}

TEST_CASE("redis_keys: the kinds of names never overlap", "[cache][invalidation][redis_keys]") {
  const redis_keys keys{"oh"};
  // A market named like a contact key's tail still lands elsewhere.
  CHECK(keys.market_generation("ie:c") != keys.contact_generation("ie", "c"));
  CHECK(keys.task_generation("global") != keys.global_generation());
  CHECK(keys.entry("gen:global") != keys.global_generation());
  CHECK(redis_keys{"a"}.channel() != redis_keys{"b"}.channel());
}

TEST_CASE("invalidation: encode_parts puts the generation between head and tail",
          "[cache][invalidation]") {
  auto inv = make(kind::contact, "i|e", "+1:909", "", "", 0);
  const auto parts = encode_parts(inv);
  for (std::uint64_t g : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{10},
                          std::uint64_t{9007199254740993ULL}, UINT64_MAX}) {
    inv.generation = g;
    CHECK(parts.head + std::to_string(g) + parts.tail == encode(inv));
    const auto back = decode(parts.head + std::to_string(g) + parts.tail);
    REQUIRE(back);
    CHECK(back->generation == g);
  }
}

TEST_CASE("hash_slot follows the Redis Cluster specification", "[cache][redis_keys][cluster]") {
  using openhouse::test::hash_slot;
  CHECK(hash_slot("123456789") == 0x31C3);  // the specification's CRC16 check value
  CHECK(hash_slot("foo") == 12182);         // CLUSTER KEYSLOT foo
  CHECK(hash_slot("somekey") == 11058);     // CLUSTER KEYSLOT somekey
  CHECK(hash_slot("{user1000}.following") == hash_slot("{user1000}.followers"));
  CHECK(hash_slot("foo{}{bar}") != hash_slot("bar"));  // an empty tag: the whole key counts
  CHECK(hash_slot("foo{{bar}}zap") == hash_slot("{bar"));
}

TEST_CASE("redis_keys: every counter and the epoch share one cluster slot; entries spread",
          "[cache][redis_keys][cluster]") {
  using openhouse::test::hash_slot;
  for (const std::string prefix : {"openhouse", "oh", "test_oh_test_1_2_3"}) {
    INFO(prefix);
    const redis_keys keys{prefix};
    const auto slot = hash_slot(openhouse::cache::epoch_key(keys));
    CHECK(hash_slot(keys.global_generation()) == slot);
    for (const std::string market : {"inland-empire", "a:b", "x{y}z"}) {
      CHECK(hash_slot(keys.market_generation(market)) == slot);
      for (const std::string contact : {"+19095551234", "+14155550000", "{", "}"}) {
        CHECK(hash_slot(keys.contact_generation(market, contact)) == slot);
      }
    }
    for (const std::string task : {"intent", "facts", "reply", "faq"}) {
      CHECK(hash_slot(keys.task_generation(task)) == slot);
    }
    // What one generations read asks for in one MGET: one slot.
    const auto read = openhouse::cache::make_generation_read(
        keys, openhouse::cache::epoch_key(keys), "inland-empire", "+19095551234", "reply");
    for (const auto& k : read.keys) {
      CHECK(hash_slot(k) == slot);
    }
    // Entries are single-key operations: untagged, they spread over slots.
    std::set<std::uint16_t> entry_slots;
    for (int i = 0; i < 50; ++i) {
      entry_slots.insert(hash_slot(keys.entry("digest" + std::to_string(i))));
    }
    CHECK(entry_slots.size() > 40);
  }
}

TEST_CASE("invalidation: a sequenced bump is version 2 and carries seq and epoch",
          "[cache][invalidation][generation_sync]") {
  auto inv = make(kind::market, "coast", "", "", "", 4);
  inv.seq = 31;
  inv.epoch = 0xfeedULL;
  CHECK(encode(inv) == "oh-inval/2|market|4|31|65261|5:coast|0:|0:|0:");
  CHECK(decode(encode(inv)) == inv);
  // Without a seq it stays the version every older node reads.
  inv.seq = 0;
  inv.epoch = 0;
  CHECK(encode(inv).starts_with("oh-inval/1|"));

  for (const std::string bad : {
           "oh-inval/2|market|4|0|65261|5:coast|0:|0:|0:",  // seq 0 means unsequenced
           "oh-inval/2|market|4|31|0|5:coast|0:|0:|0:",     // no epoch
           "oh-inval/2|market|4|31|5:coast|0:|0:|0:",       // the epoch missing
           "oh-inval/2|market|4|031|65261|5:coast|0:|0:|0:",
           "oh-inval/2|market|4|-1|65261|5:coast|0:|0:|0:",
       }) {
    INFO(bad);
    CHECK_FALSE(decode(bad));
  }
}

TEST_CASE("invalidation: encode_sequenced_parts leaves value, seq and epoch to Redis",
          "[cache][invalidation][generation_sync]") {
  auto inv = make(kind::contact, "i|e", "+1:909", "", "", 0);
  const auto parts = encode_sequenced_parts(inv);
  for (std::uint64_t n : {std::uint64_t{1}, std::uint64_t{77}, UINT64_MAX}) {
    inv.generation = n - 1;
    inv.seq = n;
    inv.epoch = n;
    const auto text = parts.head + std::to_string(n - 1) + "|" + std::to_string(n) + "|" +
                      std::to_string(n) + parts.tail;
    CHECK(text == encode(inv));
    CHECK(decode(text) == inv);
  }
}
