#include "core/llm_messages.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>
#include <stdexcept>
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

std::string string_field(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// retry-after is delta-seconds for Anthropic; a fractional or HTTP-date value
// is tolerated by rounding up or ignoring it, never by failing the call.
std::optional<std::chrono::seconds> parse_retry_after(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  const std::string_view text = core::trim(*value);
  if (text.empty()) return std::nullopt;
  double seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || end != text.data() + text.size() || seconds < 0 ||
      !std::isfinite(seconds)) {
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
          std::string type = string_field(*err, "type");
          // OpenAI's code says more than its type ("insufficient_quota" vs
          // "invalid_request_error"), and is_spend_limit() looks for it.
          if (const std::string code = string_field(*err, "code"); !code.empty() && code != type) {
            type = type.empty() ? code : type + " (" + code + ")";
          }
          const std::string message = string_field(*err, "message");
          if (!type.empty() || !message.empty())
            return type.empty() ? message : type + ": " + message;
        } else if (err->is_string()) {
          return err->get<std::string>();  // Ollama, llama.cpp
        }
      }
      // vLLM: {"object":"error","message":"...","type":"BadRequestError","code":400}
      if (const std::string message = string_field(json, "message"); !message.empty()) {
        const std::string type = string_field(json, "type");
        return type.empty() ? message : type + ": " + message;
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

// An error object inside a 2xx body: the code (OpenAI) or type says which.
client_error embedded_error(const nlohmann::json& error, int status, std::string_view body) {
  std::string kind;
  if (error.is_object()) {
    kind = string_field(error, "code");
    if (kind.empty()) kind = string_field(error, "type");
  }
  auto out = make_error(errc_for_error_type(kind), status, error_message(status, body));
  return out;
}

// Whitespace-only tools_json is still "no tools".
bool has_tools(const messages_request& request) noexcept {
  return request.tools_json.find_first_not_of(" \t\r\n") != std::string::npos;
}

enum class tool_shape { anthropic, openai };

// tools_json in the shape of the provider being called. Callers write either
// shape; converting here keeps a bot's tool list independent of the provider.
nlohmann::json tools_for(const std::string& tools_json, tool_shape wanted) {
  nlohmann::json tools;
  try {
    tools = nlohmann::json::parse(tools_json);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument{std::string{"tools_json is not JSON: "} + e.what()};
  }
  if (!tools.is_array()) throw std::invalid_argument{"tools_json must be a JSON array"};
  auto out = nlohmann::json::array();
  for (const auto& tool : tools) {
    if (!tool.is_object()) throw std::invalid_argument{"tools_json: every tool must be an object"};
    const auto function = tool.find("function");
    const bool openai = function != tool.end() && function->is_object();
    if (openai) {
      if (string_field(*function, "name").empty())
        throw std::invalid_argument{"tools_json: function without a name"};
      if (wanted == tool_shape::openai) {
        out.push_back(tool);
        continue;
      }
      nlohmann::json converted = {{"name", (*function)["name"]}};
      if (function->contains("description")) converted["description"] = (*function)["description"];
      const auto parameters = function->find("parameters");
      converted["input_schema"] =
          parameters != function->end() && parameters->is_object()
              ? *parameters
              : nlohmann::json{{"type", "object"}, {"properties", nlohmann::json::object()}};
      out.push_back(std::move(converted));
      continue;
    }
    if (string_field(tool, "name").empty())
      throw std::invalid_argument{"tools_json: tool without a name"};
    if (wanted == tool_shape::anthropic) {
      out.push_back(tool);
      continue;
    }
    // Anthropic server tools (web_search, ...) have a type and no schema: OpenAI
    // chat completions has nothing to map them to.
    const std::string type = string_field(tool, "type");
    if (!type.empty() && type != "custom" && !tool.contains("input_schema")) {
      throw std::invalid_argument{"tools_json: tool '" + tool["name"].get<std::string>() +
                                  "' of type '" + type + "' has no OpenAI equivalent"};
    }
    nlohmann::json function_json = {{"name", tool["name"]}};
    if (tool.contains("description")) function_json["description"] = tool["description"];
    function_json["parameters"] =
        tool.contains("input_schema")
            ? tool["input_schema"]
            : nlohmann::json{{"type", "object"}, {"properties", nlohmann::json::object()}};
    out.push_back({{"type", "function"}, {"function", std::move(function_json)}});
  }
  return out;
}

// content of an OpenAI message: a string, null (tool calls only), or a list of
// parts of which the text ones count.
std::optional<std::string> chat_content_text(const nlohmann::json& content) {
  if (content.is_null()) return std::string{};
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) return std::nullopt;
  std::string text;
  for (const auto& part : content) {
    if (!part.is_object()) return std::nullopt;
    if (string_field(part, "type") != "text") continue;
    const auto it = part.find("text");
    if (it == part.end() || !it->is_string()) return std::nullopt;
    text += it->get<std::string>();
  }
  return text;
}

}  // namespace

std::string_view to_string(client_errc code) noexcept {
  switch (code) {
    case client_errc::transport:
      return "transport";
    case client_errc::timeout:
      return "timeout";
    case client_errc::rate_limited:
      return "rate_limited";
    case client_errc::overloaded:
      return "overloaded";
    case client_errc::server_error:
      return "server_error";
    case client_errc::bad_request:
      return "bad_request";
    case client_errc::unauthorized:
      return "unauthorized";
    case client_errc::malformed_response:
      return "malformed_response";
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

bool is_cache_bypass(const messages_request& request) noexcept {
  // Whitespace-only tools_json is still "no tools"; anything else is a tool request.
  return request.stream || has_tools(request);
}

bool is_spend_limit(const client_error& error) noexcept {
  if (error.code != client_errc::rate_limited && error.http_status != 429) return false;
  try {
    const std::string message = core::to_lower_ascii(error.message);
    for (const char* marker : {"insufficient_quota", "exceeded your current quota", "spend limit",
                               "spending limit", "billing", "credit balance"}) {
      if (message.find(marker) != std::string::npos) return true;
    }
  } catch (...) {
    // to_lower_ascii() could only fail to allocate: treat as an ordinary 429.
  }
  return false;
}

client_errc errc_for_error_type(std::string_view type) noexcept {
  if (type == "rate_limit_error" || type == "rate_limit_exceeded" || type == "insufficient_quota" ||
      type == "requests" || type == "tokens") {
    return client_errc::rate_limited;
  }
  if (type == "overloaded_error") return client_errc::overloaded;
  if (type == "invalid_request_error" || type == "not_found_error" || type == "request_too_large" ||
      type == "context_length_exceeded" || type == "model_not_found" || type == "BadRequestError") {
    return client_errc::bad_request;
  }
  if (type == "authentication_error" || type == "permission_error" || type == "invalid_api_key") {
    return client_errc::unauthorized;
  }
  if (type == "timeout_error") return client_errc::timeout;
  return client_errc::server_error;
}

client_error error_from_http(int http_status, std::string_view body,
                             const std::optional<std::string>& retry_after) {
  try {
    auto error =
        make_error(errc_for_status(http_status), http_status, error_message(http_status, body));
    error.retry_after = parse_retry_after(retry_after);
    return error;
  } catch (const std::exception& e) {
    return make_error(errc_for_status(http_status), http_status, e.what());
  }
}

nlohmann::json make_tool_call(std::string id, std::string name, std::string_view arguments) {
  nlohmann::json input = nlohmann::json::object();
  const auto first = arguments.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos) {
    try {
      input = nlohmann::json::parse(arguments);
    } catch (const nlohmann::json::parse_error&) {
      input = std::string{arguments};  // the caller validates; the call itself worked
    }
  }
  return {{"id", std::move(id)}, {"name", std::move(name)}, {"input", std::move(input)}};
}

std::string stop_reason_from_finish(std::string_view finish_reason) {
  if (finish_reason == "stop") return "end_turn";
  if (finish_reason == "length") return "max_tokens";
  if (finish_reason == "tool_calls" || finish_reason == "function_call") return "tool_use";
  if (finish_reason == "content_filter") return "refusal";
  return std::string{finish_reason};
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
  if (has_tools(request)) {
    body["tools"] = tools_for(request.tools_json, tool_shape::anthropic);
  }
  if (request.stream) body["stream"] = true;
  return body;
}

nlohmann::json to_chat_json(const messages_request& request) {
  nlohmann::json body = nlohmann::json::object();
  body["model"] = request.model;
  auto messages = nlohmann::json::array();
  // One system message per block: the blocks up to the cache breakpoint stay
  // a byte-identical leading prefix, which is what OpenAI-style automatic
  // prompt caching (and vLLM/llama.cpp prefix caching) match on.
  for (const auto& block : request.system)
    messages.push_back({{"role", "system"}, {"content", block.text}});
  for (const auto& message : request.messages) {
    messages.push_back({{"role", message.role}, {"content", message.content}});
  }
  body["messages"] = std::move(messages);
  // max_tokens rather than max_completion_tokens: every OpenAI-compatible
  // server (Ollama, vLLM, llama.cpp) understands it.
  body["max_tokens"] = request.max_tokens;
  if (has_tools(request)) {
    body["tools"] = tools_for(request.tools_json, tool_shape::openai);
  }
  if (request.stream) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  }
  return body;
}

std::variant<messages_response, client_error> parse_messages_response(
    int http_status, std::string_view body, std::optional<std::string> retry_after) {
  try {
    if (http_status < 200 || http_status >= 300)
      return error_from_http(http_status, body, retry_after);
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
      return make_error(client_errc::malformed_response, http_status,
                        std::string{"invalid JSON: "} + e.what());
    }
    if (!json.is_object()) {
      return make_error(client_errc::malformed_response, http_status,
                        "response is not a JSON object");
    }
    // An error object can arrive with a 2xx (e.g. through a proxy); honour its type.
    if (json.value("type", std::string{}) == "error") {
      const auto type = json.contains("error") && json["error"].is_object()
                            ? json["error"].value("type", std::string{})
                            : std::string{};
      auto error =
          make_error(errc_for_error_type(type), http_status, error_message(http_status, body));
      error.retry_after = parse_retry_after(retry_after);
      return error;
    }
    const auto content = json.find("content");
    if (content == json.end() || !content->is_array()) {
      return make_error(client_errc::malformed_response, http_status,
                        "response has no content array");
    }
    messages_response response;
    response.id = json.value("id", std::string{});
    response.model = json.value("model", std::string{});
    if (const auto stop = json.find("stop_reason"); stop != json.end() && stop->is_string()) {
      response.stop_reason = stop->get<std::string>();
    }
    auto tool_calls = nlohmann::json::array();
    for (const auto& block : *content) {
      if (!block.is_object()) {
        return make_error(client_errc::malformed_response, http_status,
                          "content block is not an object");
      }
      const std::string type = string_field(block, "type");
      if (type == "tool_use") {
        const auto input = block.find("input");
        tool_calls.push_back({{"id", string_field(block, "id")},
                              {"name", string_field(block, "name")},
                              {"input", input != block.end() ? *input : nlohmann::json::object()}});
        continue;
      }
      if (type != "text") continue;  // thinking etc. carry no answer text
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
    response.tokens.cache_creation_input_tokens =
        token_field(*usage_json, "cache_creation_input_tokens");
    response.tokens.cache_read_input_tokens = token_field(*usage_json, "cache_read_input_tokens");
    if (!tool_calls.empty()) response.tool_calls_json = tool_calls.dump();
    return response;
  } catch (const std::exception& e) {
    return make_error(client_errc::malformed_response, http_status, e.what());
  }
}

std::variant<messages_response, client_error> parse_chat_response(
    int http_status, std::string_view body, std::optional<std::string> retry_after) {
  try {
    if (http_status < 200 || http_status >= 300)
      return error_from_http(http_status, body, retry_after);
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
      return make_error(client_errc::malformed_response, http_status,
                        std::string{"invalid JSON: "} + e.what());
    }
    if (!json.is_object()) {
      return make_error(client_errc::malformed_response, http_status,
                        "response is not a JSON object");
    }
    if (const auto error = json.find("error"); error != json.end() && !error->is_null()) {
      auto out = embedded_error(*error, http_status, body);
      out.retry_after = parse_retry_after(retry_after);
      return out;
    }
    const auto choices = json.find("choices");
    if (choices == json.end() || !choices->is_array() || choices->empty() ||
        !(*choices)[0].is_object()) {
      return make_error(client_errc::malformed_response, http_status, "response has no choices");
    }
    const auto& choice = (*choices)[0];
    const auto message = choice.find("message");
    if (message == choice.end() || !message->is_object()) {
      return make_error(client_errc::malformed_response, http_status, "choice has no message");
    }
    messages_response response;
    response.id = string_field(json, "id");
    response.model = string_field(json, "model");
    const auto content = message->find("content");
    const auto text = content == message->end() ? std::optional<std::string>{std::string{}}
                                                : chat_content_text(*content);
    if (!text)
      return make_error(client_errc::malformed_response, http_status,
                        "message content is not text");
    response.text = *text;
    response.stop_reason = stop_reason_from_finish(string_field(choice, "finish_reason"));
    if (const auto calls = message->find("tool_calls");
        calls != message->end() && !calls->is_null()) {
      if (!calls->is_array())
        return make_error(client_errc::malformed_response, http_status, "tool_calls is not a list");
      auto tool_calls = nlohmann::json::array();
      for (const auto& call : *calls) {
        const auto function = call.is_object() ? call.find("function") : call.end();
        if (!call.is_object() || function == call.end() || !function->is_object()) {
          return make_error(client_errc::malformed_response, http_status,
                            "tool call without a function");
        }
        const auto arguments = function->find("arguments");
        // Arguments are a JSON string by the spec; some servers send the object.
        const std::string raw = arguments == function->end() ? std::string{}
                                : arguments->is_string()     ? arguments->get<std::string>()
                                                             : arguments->dump();
        tool_calls.push_back(
            make_tool_call(string_field(call, "id"), string_field(*function, "name"), raw));
      }
      if (!tool_calls.empty()) response.tool_calls_json = tool_calls.dump();
    }
    const auto usage_json = json.find("usage");
    if (usage_json == json.end() || !usage_json->is_object()) {
      return make_error(client_errc::malformed_response, http_status, "response has no usage");
    }
    const std::int64_t prompt = token_field(*usage_json, "prompt_tokens");
    std::int64_t cached = 0;
    if (const auto details = usage_json->find("prompt_tokens_details");
        details != usage_json->end() && details->is_object()) {
      cached = std::clamp<std::int64_t>(token_field(*details, "cached_tokens"), 0, prompt);
    }
    response.tokens.input_tokens = prompt - cached;
    response.tokens.output_tokens = token_field(*usage_json, "completion_tokens");
    response.tokens.cache_read_input_tokens = cached;
    return response;
  } catch (const std::exception& e) {
    return make_error(client_errc::malformed_response, http_status, e.what());
  }
}

}  // namespace openhouse::llm
