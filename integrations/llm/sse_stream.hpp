#pragma once

#include "core/llm_messages.hpp"
#include "integrations/llm/curl_transport.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace openhouse::llm {

/// Which provider's wire format a body or stream is in.
enum class wire_format : std::uint8_t {
  anthropic,  ///< POST /v1/messages
  openai,     ///< POST /v1/chat/completions (OpenAI, Ollama, vLLM, llama.cpp)
};

/// Called with each piece of answer text as it arrives.
using text_chunk_fn = std::function<void(std::string_view text)>;

/// Decodes a streamed answer (server-sent events) into one messages_response.
///
/// Bytes may be fed split anywhere — inside a line, a UTF-8 sequence or a CRLF.
/// Anthropic: message_start (id, model, input usage), content_block_start /
/// content_block_delta (text_delta, input_json_delta for tool_use),
/// message_delta (stop_reason, final usage), message_stop, error events.
/// OpenAI: `data: {chunk}` lines with choices[0].delta.content / tool_calls /
/// finish_reason, a usage chunk (stream_options.include_usage), `data: [DONE]`.
///
/// A stream that ends before its terminator (message_stop, or [DONE] / a
/// finish_reason), or without usage, is a malformed_response: the answer may be
/// cut short and could not be billed. A non-2xx answer, or a 2xx that is plain
/// JSON (a server ignoring "stream"), is handed to the non-streaming parser.
class sse_stream {
 public:
  explicit sse_stream(wire_format format, text_chunk_fn on_text = {});

  /// Feeds the next bytes of the body. Throws only what `on_text` throws.
  void feed(std::string_view bytes);

  /// The answer once the body has ended with `http_status`; `retry_after` is
  /// the raw retry-after header. Never throws.
  [[nodiscard]] std::variant<messages_response, client_error> finish(
      int http_status, const std::optional<std::string>& retry_after);

 private:
  struct tool_call {
    std::string id;
    std::string name;
    std::string arguments;  ///< JSON text, accumulated from deltas
  };

  void take_line(std::string_view line);
  void dispatch();
  void on_anthropic(const nlohmann::json& event);
  void on_openai(std::string_view data);
  void emit_text(const std::string& text);
  void fail(client_errc code, std::string message);

  wire_format format_;
  text_chunk_fn on_text_;
  // Line framing.
  std::string line_;
  bool after_cr_ = false;  ///< the last byte was a CR: a following LF belongs to it
  // The event being assembled.
  std::string event_name_;
  std::string data_;
  bool has_data_ = false;
  // The raw body until the first event, for error bodies and plain-JSON answers.
  std::string raw_;
  bool saw_event_ = false;
  // The answer being assembled.
  messages_response response_;
  std::map<std::int64_t, tool_call> tool_calls_;  ///< by block / call index, in order
  bool saw_usage_ = false;
  bool done_ = false;
  std::optional<client_error> error_;
};

/// Parses a complete (non-streaming) provider answer.
using answer_parser = std::variant<messages_response, client_error> (*)(
    int http_status, std::string_view body, std::optional<std::string> retry_after);

/// The exchange both providers' clients share: POST `payload`; with `stream`
/// decode the event stream in `format` as it arrives, otherwise parse the
/// body with `parse` (and hand its text to `on_text` once).
[[nodiscard]] std::variant<messages_response, client_error> exchange(
    curl_transport& transport, const std::string& url, const std::vector<std::string>& headers,
    const std::string& payload, bool stream, wire_format format, answer_parser parse,
    const text_chunk_fn& on_text);

}  // namespace openhouse::llm
