#include "cache/key.hpp"
#include "cache/unit.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <set>
#include <string>
#include <vector>

using openhouse::cache::canonical_encoding;
using openhouse::cache::key_digest;
using openhouse::cache::make_key;
using openhouse::cache::partition;
using openhouse::cache::scope;
using openhouse::cache::sha256_hex;
using openhouse::cache::unit;
using openhouse::cache::validate;

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

TEST_CASE("sha256_hex matches the FIPS 180-2 test vectors", "[cache][key]") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("a unit's key is a fixed 64-hex digest, the same in every process", "[cache][key]") {
  // A golden value: if this changes, keys written by an older build (L2 in
  // Redis, other nodes) no longer match. Change it only together with
  // key_format.
  const auto key = key_digest(faq_unit());
  CHECK(key.size() == 64);
  CHECK(key.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(key == "2a825422538bbf59feb1f145deecc637d1bd58bdfbe163f7443db820b2186c4c");
  CHECK(key_digest(reply_unit()) == "600733fd2eabde252d3b5196029d7a965dffec7b3148a8900b169b4721e820a3");
  CHECK(key_digest(faq_unit()) == key);
}

TEST_CASE("the canonical encoding is length-prefixed and tagged", "[cache][key]") {
  const auto enc = canonical_encoding(faq_unit());
  // format tag, 8-byte big-endian length, the format string
  CHECK(enc.substr(0, 9) == std::string("F\0\0\0\0\0\0\0\x15", 9));
  CHECK(enc.substr(9, 21) == "openhouse.cache.key/1");
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
  CHECK(key_digest(zero) == "2a825422538bbf59feb1f145deecc637d1bd58bdfbe163f7443db820b2186c4c");

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
  CHECK(p.size() == std::string("faq|claude-3-5-haiku|faq@3|inland-empire|market|").size() + 64);

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
