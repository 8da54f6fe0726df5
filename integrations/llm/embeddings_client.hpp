#pragma once

#include "core/llm_messages.hpp"
#include "integrations/llm/curl_transport.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace openhouse::llm {

/// One vector per input text, in input order, all of the same dimension.
using embeddings = std::vector<std::vector<float>>;

/// The OpenAI-compatible body {"model","input":[...]} (plus "dimensions" when
/// asked for; models that cannot shorten their vectors reject it).
[[nodiscard]] nlohmann::json to_embeddings_json(
    std::string_view model, const std::vector<std::string>& texts,
    std::optional<std::size_t> dimensions = std::nullopt);

/// Reads an OpenAI-compatible embeddings list. The vectors are ordered by each
/// item's "index" (not by position: the API does not promise the order). A
/// 2xx is malformed_response unless there is exactly one finite, non-empty
/// vector per input (`expected_count`) and all have the same dimension (equal
/// to `dimensions` when given). Errors as parse_messages_response. Never throws.
[[nodiscard]] std::variant<embeddings, client_error> parse_embeddings_response(
    int http_status, std::string_view body, std::optional<std::string> retry_after,
    std::size_t expected_count, std::optional<std::size_t> dimensions = std::nullopt);

/// A blocking OpenAI-compatible embeddings client (POST {base}/v1/embeddings)
/// for the semantic cache tier: OpenAI, Ollama, vLLM, llama.cpp or the
/// simulator. Not thread-safe: one per worker thread; the connection is reused.
class embeddings_client {
 public:
  /// `model` is sent with every call; `dimensions`, when given, is sent and
  /// checked. options.api_key is a Bearer token, omitted when empty.
  embeddings_client(client_options options, std::string model,
                    std::optional<std::size_t> dimensions = std::nullopt);
  ~embeddings_client();
  embeddings_client(embeddings_client&&) noexcept;
  embeddings_client& operator=(embeddings_client&&) noexcept;
  embeddings_client(const embeddings_client&) = delete;
  embeddings_client& operator=(const embeddings_client&) = delete;

  /// Embeds `texts` in one call (the batch is the caller's: providers cap it,
  /// OpenAI at 2048 inputs). No texts: no call, no vectors. Never throws.
  [[nodiscard]] std::variant<embeddings, client_error> embed(const std::vector<std::string>& texts);

  /// Connections opened so far; stays at 1 across calls while keep-alive works.
  [[nodiscard]] std::int64_t connections_opened() const noexcept;

 private:
  client_options options_;
  std::string model_;
  std::optional<std::size_t> dimensions_;
  std::string url_;
  std::unique_ptr<curl_transport> transport_;
};

}  // namespace openhouse::llm
