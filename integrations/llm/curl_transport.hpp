#pragma once

#include "core/llm_messages.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace openhouse::llm {

/// How a provider client reaches its provider.
struct client_options {
  /// Provider root, e.g. "https://api.anthropic.com", "https://api.openai.com",
  /// "http://localhost:11434" (Ollama) or the simulator's "http://127.0.0.1:PORT".
  /// A trailing "/" or "/v1" is tolerated.
  std::string base_url;
  /// x-api-key (Anthropic) or Bearer token (OpenAI-compatible). The
  /// OpenAI-compatible clients send no Authorization header when it is empty
  /// (Ollama, vLLM and llama.cpp need none).
  std::string api_key;
  /// Whole-call limit (connect + send + answer, the whole stream included).
  std::chrono::milliseconds timeout{20000};
  std::string anthropic_version = "2023-06-01";
  /// Extra "name: value" header lines sent with every call (a beta flag, an
  /// OpenAI-Organization, or x-sim-fault when testing against the simulator).
  std::vector<std::string> extra_headers;
};

/// `base` (as in client_options::base_url) joined with an API path such as
/// "/v1/messages".
[[nodiscard]] std::string endpoint_url(std::string base, std::string_view path);

/// An HTTP answer as the provider clients need it.
struct http_answer {
  int status = 0;
  std::optional<std::string> retry_after;  ///< raw retry-after header
  std::string body;                        ///< empty when the body went to a sink
};

/// Blocking JSON POSTs on one libcurl easy handle, shared by the provider
/// clients. The handle lives as long as the transport, so its connection (and
/// TLS session) is reused across calls. Not thread-safe: one per worker thread.
class curl_transport {
 public:
  /// Receives body bytes as they arrive (a stream); may throw to abort.
  using body_sink = std::function<void(std::string_view bytes)>;

  explicit curl_transport(std::chrono::milliseconds timeout);
  ~curl_transport();
  curl_transport(curl_transport&&) noexcept;
  curl_transport& operator=(curl_transport&&) noexcept;
  curl_transport(const curl_transport&) = delete;
  curl_transport& operator=(const curl_transport&) = delete;

  /// POSTs `payload` to `url` with `headers` ("name: value"). The body goes to
  /// `sink` when one is given, else into http_answer::body. Transport failures
  /// and timeouts are client_errors (http_status 0); an exception from `sink`
  /// aborts the call and becomes a transport error naming it. Never throws
  /// except std::bad_alloc.
  [[nodiscard]] std::variant<http_answer, client_error> post(
      const std::string& url, const std::vector<std::string>& headers, const std::string& payload,
      const body_sink& sink = {});

  /// Connections opened so far; stays at 1 across calls while keep-alive works.
  [[nodiscard]] std::int64_t connections_opened() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace openhouse::llm
