#pragma once

#include "cache/lexicon.hpp"
#include "config/market.hpp"

namespace openhouse::cache {

/// The semantic tier's lexicon for one market: `default_lexicon()` plus the
/// market YAML's `cache.semantic.spellings` and `synonyms` (which override a
/// built-in entry of the same key), the names of `market.cities` and the
/// extra `cache.semantic.cities`, all lower-cased and whitespace-collapsed so
/// that they match normalised tokens; the phrase length is refreshed.
lexicon market_lexicon(const config::market_config& market);

}  // namespace openhouse::cache
