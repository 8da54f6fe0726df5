#pragma once

#include "cache/embedder.hpp"
#include "integrations/llm/embeddings_client.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace openhouse::cache {

/// An embedder over an OpenAI-compatible /v1/embeddings endpoint
/// (`cache.semantic.embedder: openai`). Blocking (libcurl): use it only from
/// a detached actor or a command-line tool. Vectors are L2-normalised here
/// (providers do not all normalise), and kept in a memo so a text is sent
/// once; `prefetch` embeds many texts per call. Not thread-safe.
class remote_embedder final : public embedder {
 public:
  /// `dimension` is learnt from the first answer when 0 (one probe call).
  remote_embedder(llm::client_options options, std::string model, std::size_t dimension = 0);
  ~remote_embedder() override;

  /// Throws std::runtime_error when the provider fails.
  std::vector<float> embed(std::string_view text) const override;
  std::size_t dimension() const override;
  bool blocking() const noexcept override { return true; }

  /// Embeds every text not embedded yet, `batch` texts per call.
  void prefetch(const std::vector<std::string>& texts, std::size_t batch = 256) const;

 private:
  std::unique_ptr<llm::embeddings_client> client_;
  mutable std::size_t dimension_;
  mutable std::map<std::string, std::vector<float>, std::less<>> memo_;
};

}  // namespace openhouse::cache
