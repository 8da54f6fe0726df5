#include "cache/semantic_setup.hpp"

#include "cache/local_embedder.hpp"
#include "cache/market_lexicon.hpp"
#include "integrations/postgres/semantic_store.hpp"

#include <spdlog/spdlog.h>

namespace openhouse::cache {

std::shared_ptr<semantic_tier> make_semantic_tier(const config::market_config& cfg) {
  const auto& settings = cfg.cache.semantic;
  if (!settings.enabled || settings.thresholds.empty()) {
    return nullptr;
  }
  if (settings.embedder != "local") {
    spdlog::warn("cache: the semantic tier is off: embedder '{}' cannot serve inside the cache "
                 "actor (use 'local')",
                 settings.embedder);
    return nullptr;
  }
  auto lex = market_lexicon(cfg);
  auto embed = std::make_shared<const local_embedder>(lex);
  return std::make_shared<semantic_tier>(std::move(embed), std::move(lex), settings.thresholds);
}

std::size_t restore_semantic_tier(semantic_tier& tier, const config::market_config& cfg,
                                  std::chrono::system_clock::time_point now) {
  postgres::semantic_store store{cfg.storage.database_url, cfg.market.id};
  std::size_t restored = 0;
  for (const auto& entry : store.load_live(now)) {
    restored += tier.restore(entry, now) ? 1 : 0;
  }
  return restored;
}

}  // namespace openhouse::cache
