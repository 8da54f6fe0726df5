#pragma once

#include "core/llm_messages.hpp"
#include "integrations/llm/curl_transport.hpp"
#include "integrations/llm/sse_stream.hpp"

#include <cstdint>
#include <memory>
#include <variant>

namespace openhouse::llm {

/// A blocking OpenAI-compatible chat-completions client (OpenAI, Ollama, vLLM,
/// llama.cpp server) on a libcurl easy handle, with the same request and
/// response types as anthropic_client so that the gateway can route a task to
/// either (see to_chat_json / parse_chat_response for the mapping).
///
/// Not thread-safe: use one instance per worker thread. The handle is kept
/// between calls so that the connection (and TLS session) is reused.
class openai_client {
 public:
  /// options.api_key is sent as "Authorization: Bearer KEY" when not empty;
  /// options.anthropic_version is not used.
  explicit openai_client(client_options options);
  ~openai_client();
  openai_client(openai_client&&) noexcept;
  openai_client& operator=(openai_client&&) noexcept;
  openai_client(const openai_client&) = delete;
  openai_client& operator=(const openai_client&) = delete;

  /// POSTs `request` to {base_url}/v1/chat/completions. With request.stream the
  /// answer is read as server-sent events (usage requested through
  /// stream_options) and accumulated into the same response. Never throws:
  /// every failure is a client_error; a tools_json that is not a list of tools
  /// is a bad_request (http_status 0) without a call.
  [[nodiscard]] std::variant<messages_response, client_error> send(const messages_request& request);

  /// As send(), calling `on_text` with each piece of answer text as it arrives
  /// (once with the whole text when the request does not stream). An exception
  /// from `on_text` aborts the call (a transport error).
  [[nodiscard]] std::variant<messages_response, client_error> send(const messages_request& request,
                                                                   const text_chunk_fn& on_text);

  /// Connections opened so far; stays at 1 across calls while keep-alive works.
  [[nodiscard]] std::int64_t connections_opened() const noexcept;

 private:
  client_options options_;
  std::string url_;
  std::unique_ptr<curl_transport> transport_;
};

}  // namespace openhouse::llm
