#include "cache/key.hpp"
#include "core/cache_unit.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

using openhouse::cache::canonical_encoding;
using openhouse::cache::is_key_digest;
using openhouse::cache::key_digest;
using openhouse::cache::key_digest_size;
using openhouse::cache::make_key;
using openhouse::cache::partition;
using openhouse::cache::scope;
using openhouse::cache::unit;
using openhouse::cache::validate;
using openhouse::cache::xxh128_hex;

namespace {

unit faq_unit() {
  unit u;
  u.task = "faq";
  u.model = "claude-3-5-haiku";
  u.template_version = "faq@3";
  u.system_prompt = "You answer real-estate FAQs for Inland Empire Homes.";
  u.scope = scope::market;
  u.market_id = "inland-empire";
  u.generation = {.global = 1, .market = 7, .contact = 0};
  u.max_tokens = 300;
  u.with("question", "what are closing costs").with("city", "Riverside");
  return u;
}

unit reply_unit() {
  unit u;
  u.task = "reply";
  u.model = "claude-sonnet";
  u.template_version = "reply@2";
  u.system_prompt = "You are Sarah, a buyer's agent.";
  u.scope = scope::contact;
  u.market_id = "inland-empire";
  u.contact_id = "contact-42";
  u.generation = {.global = 1, .market = 7, .contact = 3};
  u.max_tokens = 300;
  u.with("facts", "budget=450000;timeline=3mo").with("message", "any 3bd in riverside?");
  return u;
}

}  // namespace

// The golden values in this file come from an independent implementation:
// xxhsum 0.8.1 (`xxhsum -H2`, Debian package xxhash) over the bytes, and for
// units over an encoding written by a separate Python script from the format
// documented in cache/key.hpp. Nothing here needs either at run time.

namespace {

/// A conversation-scoped unit whose encoding (12,710 bytes) is larger than
/// the hasher's stack buffer, with a task generation, an epoch, tools and 20
/// inputs given out of order.
unit long_unit() {
  unit u;
  u.task = "reply";
  u.model = "claude-sonnet";
  u.template_version = "reply@2";
  for (int i = 0; i < 5000; ++i) {
    u.system_prompt.push_back(static_cast<char>('a' + i % 26));
  }
  u.scope = scope::conversation;
  u.market_id = "inland-empire";
  u.contact_id = "contact-42";
  u.conversation_id = "conv-9";
  u.generation = {.global = 2, .market = 7, .contact = 3};
  u.generation.task = 5;
  u.generation.epoch = 0x1234;
  u.max_tokens = 300;
  u.tools = true;
  for (int i = 0; i < 20; ++i) {
    const int n = 19 - i;
    u.with(std::string("in") + static_cast<char>('0' + n / 10) + static_cast<char>('0' + n % 10),
           std::string(static_cast<std::size_t>(i) * 37, 'v'));
  }
  return u;
}

}  // namespace

TEST_CASE("xxh128_hex matches xxhsum -H2", "[cache][key]") {
  CHECK(xxh128_hex("") == "99aa06d3014798d86001c324468d497f");
  CHECK(xxh128_hex("abc") == "06b05ab6733a618578af5f94892f3950");
  CHECK(xxh128_hex(std::string(1000, 'a')) == "b01da365eddaa29cb3e7af627147db7c");
  std::string pattern;
  for (int i = 0; i < 300; ++i) {
    pattern.push_back(static_cast<char>(i % 256));
  }
  CHECK(xxh128_hex(pattern) == "a699035354fc0bebd44052f5a3485425");
}

TEST_CASE("a unit's key is a fixed 32-hex digest, the same in every process", "[cache][key]") {
  // A golden value: if this changes, keys written by an older build (L2 in
  // Redis, other nodes) no longer match. Change it only together with
  // key_format.
  const auto key = key_digest(faq_unit());
  CHECK(key.size() == key_digest_size);
  CHECK(key_digest_size == 32);
  CHECK(is_key_digest(key));
  CHECK(key == "e9f39fdeb5c79857b2816c4509e27346");
  CHECK(key_digest(reply_unit()) == "1c201a40c1e5dc45fa77309569770e29");
  CHECK(key_digest(long_unit()) == "3a201d7a3cd36c05822c190a75c91706");
  CHECK(key_digest(faq_unit()) == key);
}

TEST_CASE("key_digest is the XXH3-128 of the canonical encoding", "[cache][key]") {
  // key_digest streams the encoding into the hash without building it; this
  // proves it hashes exactly the bytes canonical_encoding() documents.
  CHECK(xxh128_hex(canonical_encoding(faq_unit())) == "e9f39fdeb5c79857b2816c4509e27346");
  CHECK(xxh128_hex(canonical_encoding(long_unit())) == "3a201d7a3cd36c05822c190a75c91706");
  CHECK(canonical_encoding(faq_unit()).size() == 303);
  CHECK(canonical_encoding(long_unit()).size() == 12710);
  for (const auto& u : {faq_unit(), reply_unit(), long_unit()}) {
    CHECK(key_digest(u) == xxh128_hex(canonical_encoding(u)));
  }
  // Every encoding size around the hasher's 1 KiB buffer and its refill (the
  // faq unit encodes to 303 bytes): the system prompt fitting just before the
  // boundary, straddling it, and as large as the buffer; an input crossing it.
  std::vector<std::size_t> extras;
  for (const auto& [from, to] : {std::pair{0, 40}, std::pair{680, 1100}, std::pair{1700, 2200}}) {
    for (int e = from; e <= to; ++e) {
      extras.push_back(static_cast<std::size_t>(e));
    }
  }
  for (const auto extra : extras) {
    INFO("+" << extra << " bytes");
    auto u = faq_unit();
    u.system_prompt.append(extra, 's');
    CHECK(key_digest(u) == xxh128_hex(canonical_encoding(u)));
    auto v = faq_unit();
    v.inputs[0].second.append(extra, 'q');
    CHECK(key_digest(v) == xxh128_hex(canonical_encoding(v)));
  }
}

TEST_CASE("is_key_digest accepts exactly 32 lower-case hex characters", "[cache][key]") {
  CHECK(is_key_digest("0123456789abcdef0123456789abcdef"));
  CHECK_FALSE(is_key_digest("0123456789ABCDEF0123456789abcdef"));
  CHECK_FALSE(is_key_digest("0123456789abcdef0123456789abcde"));
  CHECK_FALSE(is_key_digest(std::string(64, 'a')));  // a SHA-256 key of format /1
  CHECK_FALSE(is_key_digest("0123456789abcdef0123456789abcdeg"));
  CHECK_FALSE(is_key_digest(""));
}

TEST_CASE("the canonical encoding is length-prefixed and tagged", "[cache][key]") {
  const auto enc = canonical_encoding(faq_unit());
  // format tag, 8-byte big-endian length, the format string
  CHECK(enc.substr(0, 9) == std::string("F\0\0\0\0\0\0\0\x15", 9));
  CHECK(enc.substr(9, 21) == "openhouse.cache.key/2");
}

TEST_CASE("changing any field that decides the output changes the key", "[cache][key]") {
  struct variation {
    const char* name;
    std::function<void(unit&)> change;
  };
  const std::vector<variation> variations = {
      {"task", [](unit& u) { u.task = "faq2"; }},
      {"model", [](unit& u) { u.model = "claude-3-5-sonnet"; }},
      {"template version", [](unit& u) { u.template_version = "faq@4"; }},
      {"system prompt", [](unit& u) { u.system_prompt += " "; }},
      {"scope", [](unit& u) { u.scope = scope::global; }},
      {"market id", [](unit& u) { u.market_id = "coachella"; }},
      {"global generation", [](unit& u) { u.generation.global = 2; }},
      {"market generation", [](unit& u) { u.generation.market = 8; }},
      {"max tokens", [](unit& u) { u.max_tokens = 301; }},
      {"tools", [](unit& u) { u.tools = true; }},
      {"input value", [](unit& u) { u.inputs[0].second = "what are closing cost"; }},
      {"input value case", [](unit& u) { u.inputs[1].second = "riverside"; }},
      {"input name", [](unit& u) { u.inputs[1].first = "town"; }},
      {"extra input", [](unit& u) { u.with("zip", "92501"); }},
      {"empty extra input", [](unit& u) { u.with("zip", ""); }},
      {"dropped input", [](unit& u) { u.inputs.pop_back(); }},
  };
  const auto base = key_digest(faq_unit());
  std::set<std::string> seen{base};
  for (const auto& v : variations) {
    auto u = faq_unit();
    v.change(u);
    INFO(v.name);
    const auto k = key_digest(u);
    CHECK(k != base);
    CHECK(seen.insert(k).second);  // and differs from every other variation
  }
}

TEST_CASE("contact-scoped keys change with the contact id and generation", "[cache][key]") {
  const auto base = key_digest(reply_unit());
  auto other_contact = reply_unit();
  other_contact.contact_id = "contact-43";
  CHECK(key_digest(other_contact) != base);

  auto bumped = reply_unit();
  bumped.generation.contact = 4;
  CHECK(key_digest(bumped) != base);

  auto market_bumped = reply_unit();
  market_bumped.generation.market = 8;
  CHECK(key_digest(market_bumped) != base);

  // The encoding really carries both.
  const auto enc = canonical_encoding(reply_unit());
  CHECK(enc.find("contact-42") != std::string::npos);
  CHECK(enc.find(std::string("d\0\0\0\0\0\0\0\x03", 9)) != std::string::npos);
}

TEST_CASE("the Redis epoch enters the key only when it is known", "[cache][key][epoch]") {
  // Epoch 0 (unknown) leaves the encoding as it was: the golden keys above hold.
  auto zero = faq_unit();
  zero.generation.epoch = 0;
  CHECK(canonical_encoding(zero) == canonical_encoding(faq_unit()));
  CHECK(key_digest(zero) == "e9f39fdeb5c79857b2816c4509e27346");

  // A known epoch changes the key and the partition, for every scope: entries
  // of another Redis life never match, whatever their counters.
  for (auto base : {faq_unit(), reply_unit()}) {
    auto e1 = base;
    e1.generation.epoch = 0x1234;
    auto e2 = base;
    e2.generation.epoch = 0x5678;
    CHECK(key_digest(e1) != key_digest(base));
    CHECK(key_digest(e2) != key_digest(base));
    CHECK(key_digest(e1) != key_digest(e2));
    CHECK(partition(e1, "question") != partition(e2, "question"));
    // Tagged, so it cannot be read as another number.
    CHECK(canonical_encoding(e1).find(std::string("e\0\0\0\0\0\0\x12\x34", 9)) !=
          std::string::npos);
  }
  auto global_a = faq_unit();
  global_a.scope = scope::global;
  auto global_b = global_a;
  global_b.generation.epoch = 7;
  CHECK(key_digest(global_a) != key_digest(global_b));
}

TEST_CASE("conversation-scoped keys carry the conversation and its contact", "[cache][key]") {
  auto u = reply_unit();
  u.scope = scope::conversation;
  u.conversation_id = "conv-1";
  const auto base = key_digest(u);
  auto other = u;
  other.conversation_id = "conv-2";
  CHECK(key_digest(other) != base);
  other = u;
  other.generation.contact = 4;
  CHECK(key_digest(other) != base);
  other = u;
  other.contact_id = "contact-43";
  CHECK(key_digest(other) != base);
}

TEST_CASE("ids and generations of narrower scopes stay out of a shared unit's key",
          "[cache][key]") {
  // Two leads asking the same FAQ share the market-scoped entry.
  auto lead_a = faq_unit();
  lead_a.contact_id = "contact-1";
  lead_a.conversation_id = "conv-1";
  lead_a.generation.contact = 5;
  auto lead_b = faq_unit();
  lead_b.contact_id = "contact-2";
  lead_b.conversation_id = "conv-2";
  lead_b.generation.contact = 9;
  CHECK(key_digest(lead_a) == key_digest(lead_b));
  CHECK(key_digest(lead_a) == key_digest(faq_unit()));
  CHECK(canonical_encoding(lead_a).find("contact-1") == std::string::npos);

  // A global unit is shared across markets and ignores market generations.
  auto global_a = faq_unit();
  global_a.scope = scope::global;
  auto global_b = global_a;
  global_b.market_id = "coachella";
  global_b.generation.market = 99;
  CHECK(key_digest(global_a) == key_digest(global_b));
  global_b.generation.global = 2;
  CHECK(key_digest(global_a) != key_digest(global_b));
}

TEST_CASE("input order does not matter: inputs are sorted by name", "[cache][key]") {
  auto a = faq_unit();
  auto b = faq_unit();
  std::swap(b.inputs[0], b.inputs[1]);
  CHECK(key_digest(a) == key_digest(b));
}

TEST_CASE("concatenation is unambiguous", "[cache][key]") {
  SECTION("between an input's name and value") {
    unit a = faq_unit();
    a.inputs = {{"ab", "c"}};
    unit b = faq_unit();
    b.inputs = {{"a", "bc"}};
    CHECK(key_digest(a) != key_digest(b));
  }
  SECTION("between two inputs") {
    unit a = faq_unit();
    a.inputs = {{"a", "x|b"}, {"c", "y"}};
    unit b = faq_unit();
    b.inputs = {{"a", "x"}, {"b", "c|y"}};
    CHECK(key_digest(a) != key_digest(b));
  }
  SECTION("between neighbouring fields") {
    unit a = faq_unit();
    a.task = "faqx";
    a.model = "m";
    unit b = faq_unit();
    b.task = "faq";
    b.model = "xm";
    CHECK(key_digest(a) != key_digest(b));
  }
  SECTION("between the system prompt and the template version") {
    unit a = faq_unit();
    a.template_version = "v1";
    a.system_prompt = "2sys";
    unit b = faq_unit();
    b.template_version = "v12";
    b.system_prompt = "sys";
    CHECK(key_digest(a) != key_digest(b));
  }
  SECTION("between a market id and an input") {
    unit a = faq_unit();
    a.market_id = "ie";
    a.inputs = {{"q", "x"}};
    unit b = faq_unit();
    b.market_id = "i";
    b.inputs = {{"eq", "x"}};
    CHECK(key_digest(a) != key_digest(b));
  }
}

TEST_CASE("stream is transport, not content: it does not change the key", "[cache][key]") {
  auto u = faq_unit();
  u.stream = true;
  CHECK(key_digest(u) == key_digest(faq_unit()));
}

TEST_CASE("partition names task, model, template, market and scope", "[cache][key]") {
  const auto p = partition(faq_unit(), "question");
  CHECK(p.starts_with("faq|claude-3-5-haiku|faq@3|inland-empire|market|"));
  // The trailing digest is golden too (xxhsum over the encoding without the
  // semantic input).
  CHECK(p == "faq|claude-3-5-haiku|faq@3|inland-empire|market|c67913d60213861e8b7ec2cda8012a26");

  auto global = faq_unit();
  global.scope = scope::global;
  CHECK(partition(global, "question").starts_with("faq|claude-3-5-haiku|faq@3||global|"));
}

TEST_CASE("partition ignores only the semantic input", "[cache][key]") {
  auto paraphrase = faq_unit();
  paraphrase.inputs[0].second = "how much r closing costs";
  CHECK(partition(paraphrase, "question") == partition(faq_unit(), "question"));
  CHECK(key_digest(paraphrase) != key_digest(faq_unit()));

  // Everything else still separates partitions.
  auto other_city = faq_unit();
  other_city.inputs[1].second = "Corona";
  CHECK(partition(other_city, "question") != partition(faq_unit(), "question"));
  auto bumped = faq_unit();
  bumped.generation.market = 8;
  CHECK(partition(bumped, "question") != partition(faq_unit(), "question"));
  auto prompt = faq_unit();
  prompt.system_prompt = "other";
  CHECK(partition(prompt, "question") != partition(faq_unit(), "question"));
  auto market = faq_unit();
  market.market_id = "coachella";
  CHECK(partition(market, "question") != partition(faq_unit(), "question"));

  // The digest is that of the unit without the semantic input.
  auto without = faq_unit();
  without.inputs.erase(without.inputs.begin());
  CHECK(partition(faq_unit(), "question").ends_with("|" + key_digest(without)));
  CHECK(partition(long_unit(), "in07").ends_with([] {
    auto u = long_unit();
    std::erase_if(u.inputs, [](const auto& in) { return in.first == "in07"; });
    return "|" + key_digest(u);
  }()));

  const auto k = make_key(faq_unit(), "question");
  CHECK(k.digest == key_digest(faq_unit()));
  CHECK(k.partition == partition(faq_unit(), "question"));
}

TEST_CASE("partition escapes the separator", "[cache][key]") {
  auto a = faq_unit();
  a.task = "a|b";
  a.model = "c";
  auto b = faq_unit();
  b.task = "a";
  b.model = "b|c";
  const auto pa = partition(a, "question");
  const auto pb = partition(b, "question");
  CHECK(pa.starts_with("a%7Cb|c|"));
  CHECK(pb.starts_with("a|b%7Cc|"));
  CHECK(pa != pb);
}

TEST_CASE("validate checks what a unit's scope needs", "[cache][key]") {
  CHECK_FALSE(validate(faq_unit()).has_value());
  CHECK_FALSE(validate(reply_unit()).has_value());

  auto u = reply_unit();
  u.contact_id.clear();
  CHECK(validate(u).value_or("").find("no contact id") != std::string::npos);

  u = faq_unit();
  u.market_id.clear();
  CHECK(validate(u).value_or("").find("no market id") != std::string::npos);

  u = reply_unit();
  u.scope = scope::conversation;
  CHECK(validate(u).value_or("").find("no conversation id") != std::string::npos);

  u = faq_unit();
  u.with("city", "Corona");
  CHECK(validate(u).value_or("").find("duplicate input 'city'") != std::string::npos);

  u = faq_unit();
  u.task.clear();
  CHECK(validate(u).has_value());

  // A market-scoped unit must not carry the lead's id in its inputs.
  u = faq_unit();
  u.contact_id = "contact-42";
  u.with("lead", "contact-42");
  CHECK(validate(u).value_or("").find("contact-specific") != std::string::npos);
}
