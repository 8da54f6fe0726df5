#include "cache/market_lexicon.hpp"

#include <string>
#include <string_view>

namespace openhouse::cache {

namespace {

// The normaliser matches lower-case, single-space phrases; YAML authors write
// "Rancho Cucamonga" or "Loma  Linda".
std::string canonical_phrase(std::string_view text) {
  std::string out;
  bool pending_space = false;
  for (const char raw : text) {
    const char c = raw >= 'A' && raw <= 'Z' ? static_cast<char>(raw - 'A' + 'a') : raw;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '-') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

void merge(std::map<std::string, std::string>& into,
           const std::map<std::string, std::string>& from) {
  for (const auto& [key, value] : from) {
    const auto k = canonical_phrase(key);
    if (k.empty()) continue;
    // The market knows its own words best: its entry replaces a built-in one.
    into[k] = canonical_phrase(value);
  }
}

}  // namespace

lexicon market_lexicon(const config::market_config& market) {
  auto lex = default_lexicon();
  const auto& semantic = market.cache.semantic;
  merge(lex.spellings, semantic.spellings);
  merge(lex.synonyms, semantic.synonyms);
  for (const auto& city : market.market.cities) {
    if (auto name = canonical_phrase(city.name); !name.empty()) lex.cities.insert(std::move(name));
  }
  for (const auto& city : semantic.cities) {
    if (auto name = canonical_phrase(city); !name.empty()) lex.cities.insert(std::move(name));
  }
  protect_place_names(lex);
  refresh_phrase_length(lex);
  return lex;
}

}  // namespace openhouse::cache
