#include "integrations/llm/sse_stream.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <exception>
#include <utility>

namespace openhouse::llm {

namespace {

// Bodies kept for the non-SSE paths (error bodies, plain JSON answers) and the
// longest line accepted: far above any real answer, low enough that a broken
// server cannot grow a worker's memory without bound.
constexpr std::size_t max_raw_bytes = 8 * 1024 * 1024;
constexpr std::size_t max_line_bytes = 8 * 1024 * 1024;

std::string string_field(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return {};
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::optional<std::int64_t> number_field(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(name);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<std::int64_t>();
}

/// Data lines hold no CR or LF (they are split on them): blanks are space and tab.
std::string_view trim(std::string_view text) { return core::trim(text, " \t"); }

std::string describe(const nlohmann::json& error) {
  if (error.is_string()) return error.get<std::string>();
  const std::string type = string_field(error, "type");
  const std::string message = string_field(error, "message");
  if (type.empty()) return message.empty() ? error.dump() : message;
  return message.empty() ? type : type + ": " + message;
}

}  // namespace

sse_stream::sse_stream(wire_format format, text_chunk_fn on_text)
    : format_(format), on_text_(std::move(on_text)) {}

void sse_stream::feed(std::string_view bytes) {
  if (!saw_event_ && raw_.size() < max_raw_bytes) {
    raw_.append(bytes.substr(0, max_raw_bytes - raw_.size()));
  }
  for (const char c : bytes) {
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;  // CRLF split across two feeds is still one line end
    }
    if (c == '\r' || c == '\n') {
      take_line(line_);
      line_.clear();
      after_cr_ = c == '\r';
      continue;
    }
    if (line_.size() >= max_line_bytes) {
      fail(client_errc::malformed_response, "event stream line too long");
      line_.clear();
      continue;
    }
    line_.push_back(c);
  }
}

void sse_stream::take_line(std::string_view line) {
  if (line.empty()) {
    dispatch();
    return;
  }
  if (line.front() == ':') return;  // comment / keep-alive
  std::string_view field = line;
  std::string_view value;
  if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "event") {
    event_name_ = std::string{value};
  } else if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  }
  // id, retry and unknown fields mean nothing for a one-shot answer stream.
}

void sse_stream::dispatch() {
  if (!has_data_) {
    event_name_.clear();
    return;
  }
  if (!saw_event_) {
    saw_event_ = true;
    std::string{}.swap(raw_);  // an event stream after all: the raw copy is not needed
  }
  std::string data = std::move(data_);
  std::string name = std::move(event_name_);
  data_.clear();
  event_name_.clear();
  has_data_ = false;
  if (error_) return;  // the first error decides the outcome

  if (format_ == wire_format::openai) {
    on_openai(data);
    return;
  }
  nlohmann::json event;
  try {
    event = nlohmann::json::parse(data);
  } catch (const nlohmann::json::parse_error& e) {
    fail(client_errc::malformed_response, "event '" + name + "' is not JSON: " + e.what());
    return;
  }
  if (!event.is_object()) {
    fail(client_errc::malformed_response, "event '" + name + "' is not a JSON object");
    return;
  }
  if (!event.contains("type") && !name.empty()) event["type"] = name;
  on_anthropic(event);
}

void sse_stream::on_anthropic(const nlohmann::json& event) {
  const std::string type = string_field(event, "type");
  const auto read_usage = [this](const nlohmann::json& usage_json) {
    if (!usage_json.is_object()) return;
    // message_start carries the input side; message_delta the final output
    // count (and, in newer API versions, the input side again): present
    // fields override, absent ones keep what came before.
    if (const auto v = number_field(usage_json, "input_tokens")) response_.tokens.input_tokens = *v;
    if (const auto v = number_field(usage_json, "output_tokens"))
      response_.tokens.output_tokens = *v;
    if (const auto v = number_field(usage_json, "cache_creation_input_tokens")) {
      response_.tokens.cache_creation_input_tokens = *v;
    }
    if (const auto v = number_field(usage_json, "cache_read_input_tokens")) {
      response_.tokens.cache_read_input_tokens = *v;
    }
    saw_usage_ = true;
  };

  if (type == "message_start") {
    const auto message = event.find("message");
    if (message == event.end() || !message->is_object()) {
      fail(client_errc::malformed_response, "message_start without a message");
      return;
    }
    response_.id = string_field(*message, "id");
    response_.model = string_field(*message, "model");
    if (const auto usage_json = message->find("usage"); usage_json != message->end())
      read_usage(*usage_json);
  } else if (type == "content_block_start") {
    const auto index = number_field(event, "index").value_or(0);
    const auto block = event.find("content_block");
    if (block == event.end() || !block->is_object()) return;
    const std::string block_type = string_field(*block, "type");
    if (block_type == "text") {
      emit_text(string_field(*block, "text"));
    } else if (block_type == "tool_use") {
      auto& call = tool_calls_[index];
      call.id = string_field(*block, "id");
      call.name = string_field(*block, "name");
      // The input normally streams as input_json_delta; a non-empty start
      // value is the whole input.
      if (const auto input = block->find("input"); input != block->end() && !input->empty()) {
        call.arguments = input->dump();
      }
    }
  } else if (type == "content_block_delta") {
    const auto delta = event.find("delta");
    if (delta == event.end() || !delta->is_object()) return;
    const std::string delta_type = string_field(*delta, "type");
    if (delta_type == "text_delta") {
      emit_text(string_field(*delta, "text"));
    } else if (delta_type == "input_json_delta") {
      tool_calls_[number_field(event, "index").value_or(0)].arguments +=
          string_field(*delta, "partial_json");
    }
    // thinking / signature / citation deltas are not answer text.
  } else if (type == "message_delta") {
    if (const auto delta = event.find("delta"); delta != event.end() && delta->is_object()) {
      if (auto stop = string_field(*delta, "stop_reason"); !stop.empty())
        response_.stop_reason = std::move(stop);
    }
    if (const auto usage_json = event.find("usage"); usage_json != event.end())
      read_usage(*usage_json);
  } else if (type == "message_stop") {
    done_ = true;
  } else if (type == "error") {
    const auto error = event.find("error");
    const nlohmann::json detail = error != event.end() ? *error : nlohmann::json{};
    fail(errc_for_error_type(string_field(detail, "type")), describe(detail));
  }
  // ping, content_block_stop and future event types change nothing.
}

void sse_stream::on_openai(std::string_view data) {
  const std::string_view trimmed = trim(data);
  if (trimmed == "[DONE]") {
    done_ = true;
    return;
  }
  nlohmann::json chunk;
  try {
    chunk = nlohmann::json::parse(trimmed);
  } catch (const nlohmann::json::parse_error& e) {
    fail(client_errc::malformed_response, std::string{"stream chunk is not JSON: "} + e.what());
    return;
  }
  if (!chunk.is_object()) {
    fail(client_errc::malformed_response, "stream chunk is not a JSON object");
    return;
  }
  if (const auto error = chunk.find("error"); error != chunk.end() && !error->is_null()) {
    std::string kind = string_field(*error, "code");
    if (kind.empty()) kind = string_field(*error, "type");
    fail(errc_for_error_type(kind), describe(*error));
    return;
  }
  if (response_.id.empty()) response_.id = string_field(chunk, "id");
  if (response_.model.empty()) response_.model = string_field(chunk, "model");

  if (const auto choices = chunk.find("choices"); choices != chunk.end() && choices->is_array()) {
    for (const auto& choice : *choices) {
      if (!choice.is_object() || number_field(choice, "index").value_or(0) != 0)
        continue;  // n > 1: first only
      if (const auto delta = choice.find("delta"); delta != choice.end() && delta->is_object()) {
        emit_text(string_field(*delta, "content"));
        if (const auto calls = delta->find("tool_calls");
            calls != delta->end() && calls->is_array()) {
          for (std::size_t i = 0; i < calls->size(); ++i) {
            const auto& piece = (*calls)[i];
            if (!piece.is_object()) continue;
            auto& call =
                tool_calls_[number_field(piece, "index").value_or(static_cast<std::int64_t>(i))];
            if (auto id = string_field(piece, "id"); !id.empty()) call.id = std::move(id);
            const auto function = piece.find("function");
            if (function == piece.end() || !function->is_object()) continue;
            // The name comes once, the arguments in pieces.
            if (auto name = string_field(*function, "name"); !name.empty() && call.name.empty()) {
              call.name = std::move(name);
            }
            call.arguments += string_field(*function, "arguments");
          }
        }
      }
      if (const auto finish = string_field(choice, "finish_reason"); !finish.empty()) {
        response_.stop_reason = stop_reason_from_finish(finish);
        done_ = true;  // the usage chunk (and [DONE]) may still follow
      }
    }
  }
  if (const auto usage_json = chunk.find("usage");
      usage_json != chunk.end() && usage_json->is_object()) {
    const std::int64_t prompt = number_field(*usage_json, "prompt_tokens").value_or(0);
    std::int64_t cached = 0;
    if (const auto details = usage_json->find("prompt_tokens_details");
        details != usage_json->end()) {
      cached =
          std::clamp<std::int64_t>(number_field(*details, "cached_tokens").value_or(0), 0, prompt);
    }
    response_.tokens.input_tokens = prompt - cached;
    response_.tokens.cache_read_input_tokens = cached;
    response_.tokens.cache_creation_input_tokens = 0;
    response_.tokens.output_tokens = number_field(*usage_json, "completion_tokens").value_or(0);
    saw_usage_ = true;
  }
}

void sse_stream::emit_text(const std::string& text) {
  if (text.empty()) return;
  response_.text += text;
  if (on_text_) on_text_(text);
}

void sse_stream::fail(client_errc code, std::string message) {
  if (error_) return;
  error_ = client_error{code, 0, std::move(message), std::nullopt};
}

std::variant<messages_response, client_error> sse_stream::finish(
    int http_status, const std::optional<std::string>& retry_after) {
  try {
    if (http_status < 200 || http_status >= 300)
      return error_from_http(http_status, raw_, retry_after);
    // A last event without its closing blank line still counts.
    if (!line_.empty()) {
      take_line(line_);
      line_.clear();
    }
    dispatch();
    if (error_) {
      auto error = *error_;
      error.http_status = http_status;
      return error;
    }
    if (!saw_event_) {
      if (raw_.empty()) {
        return client_error{client_errc::malformed_response, http_status, "empty event stream",
                            std::nullopt};
      }
      // A server that ignored "stream": true and answered with one JSON body.
      auto result = format_ == wire_format::anthropic
                        ? parse_messages_response(http_status, raw_, retry_after)
                        : parse_chat_response(http_status, raw_, retry_after);
      if (const auto* response = std::get_if<messages_response>(&result); response && on_text_) {
        if (!response->text.empty()) on_text_(response->text);
      }
      return result;
    }
    if (!done_) {
      return client_error{client_errc::malformed_response, http_status,
                          format_ == wire_format::anthropic
                              ? "event stream ended before message_stop"
                              : "event stream ended before finish_reason or [DONE]",
                          std::nullopt};
    }
    if (!saw_usage_) {
      // Billing depends on usage, as for non-streaming answers.
      return client_error{client_errc::malformed_response, http_status,
                          "event stream carried no usage", std::nullopt};
    }
    messages_response response = response_;
    if (!tool_calls_.empty()) {
      auto calls = nlohmann::json::array();
      for (const auto& [index, call] : tool_calls_)
        calls.push_back(make_tool_call(call.id, call.name, call.arguments));
      response.tool_calls_json = calls.dump();
    }
    return response;
  } catch (const std::exception& e) {
    return client_error{client_errc::malformed_response, http_status, e.what(), std::nullopt};
  } catch (...) {
    return client_error{client_errc::malformed_response, http_status, "unknown exception",
                        std::nullopt};
  }
}

std::variant<messages_response, client_error> exchange(curl_transport& transport,
                                                       const std::string& url,
                                                       const std::vector<std::string>& headers,
                                                       const std::string& payload, bool stream,
                                                       wire_format format, answer_parser parse,
                                                       const text_chunk_fn& on_text) {
  if (stream) {
    sse_stream decoder{format, on_text};
    auto answer = transport.post(url, headers, payload,
                                 [&decoder](std::string_view bytes) { decoder.feed(bytes); });
    if (auto* error = std::get_if<client_error>(&answer)) return std::move(*error);
    const auto& http = std::get<http_answer>(answer);
    return decoder.finish(http.status, http.retry_after);
  }
  auto answer = transport.post(url, headers, payload);
  if (auto* error = std::get_if<client_error>(&answer)) return std::move(*error);
  auto& http = std::get<http_answer>(answer);
  auto result = parse(http.status, http.body, std::move(http.retry_after));
  if (const auto* response = std::get_if<messages_response>(&result);
      response && on_text && !response->text.empty()) {
    on_text(response->text);
  }
  return result;
}

}  // namespace openhouse::llm
