#include "cache/market_lexicon.hpp"

#include "cache/entity_guard.hpp"
#include "cache/text_normalizer.hpp"

#include <catch2/catch.hpp>

using namespace openhouse;

namespace {

config::market_config market() {
  config::market_config cfg;
  cfg.market.cities = {{"Rancho Cucamonga", {"91701"}}, {"Eastvale", {"92880"}}};
  cfg.cache.semantic.spellings = {{"ie", "inland empire"}, {"hse", "house"}};
  cfg.cache.semantic.synonyms = {{"escrow", "closing"}};
  cfg.cache.semantic.cities = {"Loma  Linda", "Big Bear Lake Village"};
  return cfg;
}

}  // namespace

TEST_CASE("market lexicon: YAML additions on top of the built-in lexicon", "[cache][lexicon]") {
  const auto lex = cache::market_lexicon(market());
  const auto defaults = cache::default_lexicon();
  CHECK(lex.spellings.at("ie") == "inland empire");
  CHECK(lex.spellings.at("hse") == "house");
  CHECK(lex.synonyms.at("escrow") == "closing");
  CHECK(lex.spellings.at("thx") == defaults.spellings.at("thx"));  // built-ins kept
  CHECK(lex.cities.count("rancho cucamonga") == 1);
  CHECK(lex.cities.count("eastvale") == 1);
  CHECK(lex.cities.count("loma linda") == 1);
  CHECK(lex.cities.count("big bear lake village") == 1);
  CHECK(lex.max_phrase_words >= 4);
}

TEST_CASE("market lexicon: market cities are guarded places", "[cache][lexicon]") {
  const auto lex = cache::market_lexicon(market());
  const auto a = cache::extract("homes near big bear lake village", lex);
  const auto b = cache::extract("homes near loma linda", lex);
  CHECK_FALSE(cache::entities_agree(a, b));
  CHECK(cache::text_normalizer(lex).normalize("thx ie") ==
        cache::text_normalizer(lex).normalize("thanks inland empire"));
}

TEST_CASE("market lexicon: a market city that starts with a shorthand keeps its name",
          "[cache][lexicon]") {
  auto cfg = market();
  cfg.cache.semantic.cities.push_back("La Sierra");
  const auto lex = cache::market_lexicon(cfg);
  const auto a = cache::extract("condos in La Sierra", lex);
  CHECK(a.places == std::vector<std::string>{"city:la sierra"});
  CHECK_FALSE(cache::entities_agree(a, cache::extract("condos in LA", lex)));
}
