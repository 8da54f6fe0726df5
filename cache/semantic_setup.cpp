#include "cache/semantic_setup.hpp"

#include "cache/local_embedder.hpp"
#include "cache/market_lexicon.hpp"
#include "integrations/postgres/semantic_store.hpp"

#include <spdlog/spdlog.h>

namespace openhouse::cache {

std::unique_ptr<remote_embedder> make_remote_embedder(const config::market_config& cfg) {
  llm::client_options options;
  options.base_url = cfg.llm.base_url;
  options.api_key = cfg.llm.api_key;
  options.timeout = cfg.llm.timeout;
  return std::make_unique<remote_embedder>(options, cfg.cache.semantic.embedding_model);
}

std::shared_ptr<semantic_tier> make_semantic_tier(const config::market_config& cfg) {
  const auto& settings = cfg.cache.semantic;
  if (!settings.enabled || settings.thresholds.empty()) {
    return nullptr;
  }
  auto lex = market_lexicon(cfg);
  std::shared_ptr<const embedder> embed;
  if (settings.embedder == "openai") {
    std::shared_ptr<embedder> remote = make_remote_embedder(cfg);
    try {
      // Learnt now, at start: the tier reads it on the cache's thread.
      spdlog::info("cache: semantic tier embeds with '{}' ({} floats) at {}",
                   settings.embedding_model, remote->dimension(), cfg.llm.base_url);
    } catch (const std::exception& e) {
      spdlog::warn("cache: the semantic tier is off: the embeddings endpoint did not answer: {}",
                   e.what());
      return nullptr;
    }
    embed = std::move(remote);
  } else {
    embed = std::make_shared<const local_embedder>(lex);
  }
  return std::make_shared<semantic_tier>(std::move(embed), std::move(lex), settings.thresholds);
}

embedder_factory embedding_factory(const config::market_config& cfg) {
  if (cfg.cache.semantic.embedder != "openai") {
    auto lex = market_lexicon(cfg);
    return [lex] { return std::make_unique<local_embedder>(lex); };
  }
  return [cfg] {
    auto remote = make_remote_embedder(cfg);
    remote->dimension();  // the probe: fails here, in the worker, if the endpoint is down
    return remote;
  };
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
