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

/// Wire types of the Anthropic Messages API (POST /v1/messages) as openhouse
/// uses it: text-only system blocks and messages, no streaming, no tools.
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
};

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
  std::string stop_reason;  ///< "end_turn" | "max_tokens" | "stop_sequence" | ...
  usage tokens;
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

/// The exact Anthropic request body for `request` (task is not included).
[[nodiscard]] nlohmann::json to_json(const messages_request& request);

/// Turns an HTTP answer into a response or an error. `retry_after` is the raw
/// value of the retry-after header, if there was one. Never throws.
[[nodiscard]] std::variant<messages_response, client_error> parse_messages_response(
    int http_status, std::string_view body, std::optional<std::string> retry_after);

}  // namespace openhouse::llm
