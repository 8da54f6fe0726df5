#include "integrations/llm/messages.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>
#include <utility>

namespace openhouse::llm {

namespace {

// Anthropic omits the cache fields for models without prompt caching and may
// send them as null; both mean zero.
std::int64_t token_field(const nlohmann::json& usage_json, const char* name) {
  const auto it = usage_json.find(name);
  if (it == usage_json.end() || !it->is_number()) return 0;
  return it->get<std::int64_t>();
}

// retry-after is delta-seconds for Anthropic; a fractional or HTTP-date value
// is tolerated by rounding up or ignoring it, never by failing the call.
std::optional<std::chrono::seconds> parse_retry_after(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  std::string_view text = *value;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || end != text.data() + text.size() || seconds < 0 || !std::isfinite(seconds)) {
    return std::nullopt;
  }
  return std::chrono::seconds{static_cast<std::int64_t>(std::ceil(seconds))};
}

client_errc errc_for_status(int status) {
  if (status == 401 || status == 403) return client_errc::unauthorized;
  if (status == 408) return client_errc::timeout;
  if (status == 429) return client_errc::rate_limited;
  if (status == 529) return client_errc::overloaded;
  if (status >= 500) return client_errc::server_error;
  if (status >= 400) return client_errc::bad_request;
  // 1xx/3xx are not answers to a Messages call.
  return client_errc::malformed_response;
}

// The provider's own message is the most useful thing to log; fall back to a
// short excerpt of whatever came back.
std::string error_message(int status, std::string_view body) {
  try {
    const auto json = nlohmann::json::parse(body);
    if (json.is_object()) {
      if (const auto err = json.find("error"); err != json.end()) {
        if (err->is_object()) {
          const std::string type = err->value("type", std::string{});
          const std::string message = err->value("message", std::string{});
          if (!type.empty() || !message.empty()) return type.empty() ? message : type + ": " + message;
        } else if (err->is_string()) {
          return err->get<std::string>();
        }
      }
    }
  } catch (const std::exception&) {
    // not JSON: use the excerpt below
  }
  std::string excerpt{body.substr(0, 200)};
  return "HTTP " + std::to_string(status) + (excerpt.empty() ? std::string{} : ": " + excerpt);
}

client_error make_error(client_errc code, int status, std::string message) {
  return client_error{code, status, std::move(message), std::nullopt};
}

}  // namespace

std::string_view to_string(client_errc code) noexcept {
  switch (code) {
    case client_errc::transport: return "transport";
    case client_errc::timeout: return "timeout";
    case client_errc::rate_limited: return "rate_limited";
    case client_errc::overloaded: return "overloaded";
    case client_errc::server_error: return "server_error";
    case client_errc::bad_request: return "bad_request";
    case client_errc::unauthorized: return "unauthorized";
    case client_errc::malformed_response: return "malformed_response";
  }
  return "unknown";
}

bool is_retryable(client_errc code) noexcept {
  switch (code) {
    case client_errc::transport:
    case client_errc::timeout:
    case client_errc::rate_limited:
    case client_errc::overloaded:
    case client_errc::server_error:
      return true;
    case client_errc::bad_request:
    case client_errc::unauthorized:
    case client_errc::malformed_response:
      return false;
  }
  return false;
}

nlohmann::json to_json(const messages_request& request) {
  nlohmann::json body = nlohmann::json::object();
  body["model"] = request.model;
  body["max_tokens"] = request.max_tokens;
  if (!request.system.empty()) {
    auto blocks = nlohmann::json::array();
    for (const auto& block : request.system) {
      nlohmann::json item = {{"type", "text"}, {"text", block.text}};
      if (block.cache) item["cache_control"] = {{"type", "ephemeral"}};
      blocks.push_back(std::move(item));
    }
    body["system"] = std::move(blocks);
  }
  auto messages = nlohmann::json::array();
  for (const auto& message : request.messages) {
    messages.push_back({{"role", message.role}, {"content", message.content}});
  }
  body["messages"] = std::move(messages);
  return body;
}

std::variant<messages_response, client_error> parse_messages_response(
    int http_status, std::string_view body, std::optional<std::string> retry_after) {
  try {
    if (http_status < 200 || http_status >= 300) {
      auto error = make_error(errc_for_status(http_status), http_status, error_message(http_status, body));
      error.retry_after = parse_retry_after(retry_after);
      return error;
    }
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
      return make_error(client_errc::malformed_response, http_status, std::string{"invalid JSON: "} + e.what());
    }
    if (!json.is_object()) {
      return make_error(client_errc::malformed_response, http_status, "response is not a JSON object");
    }
    // An error object can arrive with a 2xx (e.g. through a proxy); honour its type.
    if (json.value("type", std::string{}) == "error") {
      const auto type = json.contains("error") && json["error"].is_object()
                            ? json["error"].value("type", std::string{})
                            : std::string{};
      client_errc code = client_errc::server_error;
      if (type == "rate_limit_error") code = client_errc::rate_limited;
      else if (type == "overloaded_error") code = client_errc::overloaded;
      else if (type == "invalid_request_error" || type == "not_found_error" || type == "request_too_large") code = client_errc::bad_request;
      else if (type == "authentication_error" || type == "permission_error") code = client_errc::unauthorized;
      auto error = make_error(code, http_status, error_message(http_status, body));
      error.retry_after = parse_retry_after(retry_after);
      return error;
    }
    const auto content = json.find("content");
    if (content == json.end() || !content->is_array()) {
      return make_error(client_errc::malformed_response, http_status, "response has no content array");
    }
    messages_response response;
    response.id = json.value("id", std::string{});
    response.model = json.value("model", std::string{});
    if (const auto stop = json.find("stop_reason"); stop != json.end() && stop->is_string()) {
      response.stop_reason = stop->get<std::string>();
    }
    for (const auto& block : *content) {
      if (!block.is_object()) {
        return make_error(client_errc::malformed_response, http_status, "content block is not an object");
      }
      if (block.value("type", std::string{}) != "text") continue;  // tool_use etc. carry no text
      const auto text = block.find("text");
      if (text == block.end() || !text->is_string()) {
        return make_error(client_errc::malformed_response, http_status, "text block has no text");
      }
      response.text += text->get<std::string>();
    }
    const auto usage_json = json.find("usage");
    if (usage_json == json.end() || !usage_json->is_object()) {
      // Billing depends on usage: an answer without it cannot be accounted.
      return make_error(client_errc::malformed_response, http_status, "response has no usage");
    }
    response.tokens.input_tokens = token_field(*usage_json, "input_tokens");
    response.tokens.output_tokens = token_field(*usage_json, "output_tokens");
    response.tokens.cache_creation_input_tokens = token_field(*usage_json, "cache_creation_input_tokens");
    response.tokens.cache_read_input_tokens = token_field(*usage_json, "cache_read_input_tokens");
    return response;
  } catch (const std::exception& e) {
    return make_error(client_errc::malformed_response, http_status, e.what());
  }
}

}  // namespace openhouse::llm
