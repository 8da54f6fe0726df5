#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

/// Wire types of the Anthropic Messages API (POST /v1/messages) and of
/// OpenAI-compatible chat completions (POST /v1/chat/completions) as openhouse
/// uses them: text system blocks and messages, optional streaming and tools.
/// Both providers' answers map to the same messages_response.
namespace openhouse::llm {

/// One system block. `cache = true` marks the end of a cacheable prefix
/// ("cache_control": {"type": "ephemeral"}).
struct system_block {
  std::string text;
  bool cache = false;
};

/// One turn of the conversation sent to the model.
struct chat_message {
  std::string role;  ///< "user" | "assistant"
  std::string content;
};

/// A Messages request. `task` is not part of the body: it travels as the
/// `x-openhouse-task` header so that the simulator and metrics can tell units apart.
struct messages_request {
  std::string model;
  std::vector<system_block> system;
  std::vector<chat_message> messages;
  std::size_t max_tokens = 300;
  std::string task;
  /// Ask for a server-sent-event stream; the clients still return the whole
  /// answer (and can report each text delta as it arrives). Never cached.
  bool stream = false;
  /// Tool definitions as a JSON array, empty for none. Either provider's shape
  /// is accepted — Anthropic {"name","description","input_schema"} or OpenAI
  /// {"type":"function","function":{"name","description","parameters"}} — and
  /// converted to the shape of the provider called. Never cached.
  std::string tools_json;
};

/// True when the cache must not serve or store the answer to `request`:
/// streamed answers and tool-use requests (whose answers are actions, not text).
[[nodiscard]] bool is_cache_bypass(const messages_request& request) noexcept;

/// Token usage as the provider bills it.
struct usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cache_creation_input_tokens = 0;
  std::int64_t cache_read_input_tokens = 0;
};

/// A successful answer: the text blocks of `content`, concatenated.
struct messages_response {
  std::string id;
  std::string model;
  std::string text;
  /// Anthropic's vocabulary for both providers: "end_turn" | "max_tokens" |
  /// "stop_sequence" | "tool_use" | "refusal" | ...
  std::string stop_reason;
  usage tokens;
  /// The tool calls the model asked for, provider-neutral, as a JSON array of
  /// {"id": "...", "name": "...", "input": {...}}; empty when there are none.
  /// `input` is the raw argument string when a model sent arguments that are
  /// not JSON (OpenAI passes them as a string; models do get them wrong).
  std::string tool_calls_json;
};

/// Why a call failed. Values start at 1 so that 0 never means an error.
enum class client_errc : std::uint8_t {
  transport = 1,       ///< connect/DNS/TLS/reset: no HTTP answer
  timeout,             ///< no complete answer within the client's timeout
  rate_limited,        ///< 429
  overloaded,          ///< 529
  server_error,        ///< other 5xx
  bad_request,         ///< 400 and other 4xx the caller caused
  unauthorized,        ///< 401 / 403
  malformed_response,  ///< 2xx whose body is not a Messages response
};

/// Name of an error code, for logs and metrics labels.
[[nodiscard]] std::string_view to_string(client_errc code) noexcept;

/// True for errors a caller may retry (after `retry_after`, if given).
[[nodiscard]] bool is_retryable(client_errc code) noexcept;

struct client_error {
  client_errc code;
  int http_status = 0;  ///< 0 when no HTTP answer arrived
  std::string message;
  std::optional<std::chrono::seconds> retry_after;
};

/// True for a 429 that is a spend or quota limit (OpenAI "insufficient_quota",
/// a billing or spend-limit message) rather than a rate limit: waiting does not
/// help, so it must not be retried although its code is rate_limited.
[[nodiscard]] bool is_spend_limit(const client_error& error) noexcept;

/// The error for a non-2xx HTTP answer of either provider: code from the
/// status, message from the body's error object (Anthropic, OpenAI, vLLM and
/// Ollama shapes) or an excerpt of it, retry_after parsed. Never throws.
[[nodiscard]] client_error error_from_http(int http_status, std::string_view body,
                                           const std::optional<std::string>& retry_after);

/// The exact Anthropic request body for `request` (task is not included).
/// Throws std::invalid_argument when tools_json is not a JSON array of tools.
[[nodiscard]] nlohmann::json to_json(const messages_request& request);

/// Turns an HTTP answer into a response or an error. `retry_after` is the raw
/// value of the retry-after header, if there was one. Never throws.
[[nodiscard]] std::variant<messages_response, client_error> parse_messages_response(
    int http_status, std::string_view body, std::optional<std::string> retry_after);

/// The OpenAI-compatible chat-completions body for `request`: each system
/// block becomes a leading "system" message (in order, so the stable prefix
/// stays byte-identical for automatic prompt caching), then the messages.
/// Streaming adds stream_options.include_usage so that usage arrives.
/// Throws std::invalid_argument when tools_json is not a JSON array of tools.
[[nodiscard]] nlohmann::json to_chat_json(const messages_request& request);

/// Maps an OpenAI-compatible chat completion to a messages_response: text from
/// choices[0].message.content; finish_reason stop/length/tool_calls/
/// content_filter as end_turn/max_tokens/tool_use/refusal; input_tokens =
/// prompt_tokens - cached_tokens, cache_read_input_tokens = cached_tokens.
/// Never throws.
[[nodiscard]] std::variant<messages_response, client_error> parse_chat_response(
    int http_status, std::string_view body, std::optional<std::string> retry_after);

/// OpenAI finish_reason in Anthropic's stop_reason vocabulary.
[[nodiscard]] std::string stop_reason_from_finish(std::string_view finish_reason);

/// One entry of tool_calls_json from a call whose arguments arrive as a JSON
/// string (OpenAI; Anthropic streams them in pieces): {"id","name","input"},
/// `input` parsed, or the raw string when it is not JSON. Empty arguments: {}.
[[nodiscard]] nlohmann::json make_tool_call(std::string id, std::string name,
                                            std::string_view arguments);

/// Anthropic's error type ("rate_limit_error", ...) or OpenAI's error code or
/// type ("rate_limit_exceeded", "insufficient_quota", ...) as a client_errc, for
/// errors that arrive inside a 2xx body or an event stream. Unknown: server_error.
[[nodiscard]] client_errc errc_for_error_type(std::string_view type) noexcept;

}  // namespace openhouse::llm
