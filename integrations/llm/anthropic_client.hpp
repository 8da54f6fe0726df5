#pragma once

#include "core/llm_messages.hpp"
#include "integrations/llm/curl_transport.hpp"
#include "integrations/llm/sse_stream.hpp"

#include <cstdint>
#include <memory>
#include <variant>

namespace openhouse::llm {

/// A blocking Anthropic Messages client on a libcurl easy handle.
///
/// Not thread-safe: use one instance per worker thread. The handle is kept
/// between calls so that the connection (and TLS session) is reused.
class anthropic_client {
 public:
  explicit anthropic_client(client_options options);
  ~anthropic_client();
  anthropic_client(anthropic_client&&) noexcept;
  anthropic_client& operator=(anthropic_client&&) noexcept;
  anthropic_client(const anthropic_client&) = delete;
  anthropic_client& operator=(const anthropic_client&) = delete;

  /// POSTs `request` to {base_url}/v1/messages. With request.stream the answer
  /// is read as server-sent events and accumulated into the same response.
  /// Never throws: every failure, including ones inside libcurl or JSON
  /// handling, is a client_error; a tools_json that is not a list of tools is a
  /// bad_request (http_status 0) without a call.
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
