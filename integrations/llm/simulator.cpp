#include "integrations/llm/simulator.hpp"

#include "core/text.hpp"
#include "integrations/llm/sim_answers.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <exception>
#include <optional>

namespace openhouse::llm {

namespace {

constexpr std::string_view messages_path = "/v1/messages";
constexpr std::string_view chat_path = "/v1/chat/completions";
constexpr std::string_view embeddings_path = "/v1/embeddings";

enum class api { anthropic, openai };

// Thrown while reading a request body; becomes a 400 in the API's error shape.
struct invalid_request {
  std::string message;
};

std::string error_body(api family, std::string_view type, std::string_view message) {
  if (family == api::anthropic) {
    return nlohmann::json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}}
        .dump();
  }
  return nlohmann::json{
      {"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}}}}
      .dump();
}

sim_response error_response(api family, int status, std::string_view type,
                            std::string_view message) {
  sim_response response;
  response.status = status;
  response.body = error_body(family, type, message);
  return response;
}

nlohmann::json parse_object(const std::string& body) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    throw invalid_request{std::string{"invalid JSON body: "} + e.what()};
  }
  if (!json.is_object()) throw invalid_request{"request body must be a JSON object"};
  return json;
}

std::string required_model(const nlohmann::json& json) {
  const auto it = json.find("model");
  if (it == json.end()) throw invalid_request{"model: Field required"};
  if (!it->is_string() || it->get<std::string>().empty())
    throw invalid_request{"model: must be a non-empty string"};
  return it->get<std::string>();
}

std::size_t max_tokens_of(const nlohmann::json& json, const char* name) {
  const auto it = json.find(name);
  if (it == json.end() || it->is_null()) return 4096;
  if (!it->is_number_integer() || it->get<std::int64_t>() < 1) {
    throw invalid_request{std::string{name} + ": must be a positive integer"};
  }
  return it->get<std::size_t>();
}

// A text block list: content or system as a string, or as [{"type":"text",...}].
struct text_block {
  std::string text;
  bool cache = false;
};

std::vector<text_block> blocks_of(const nlohmann::json& value, const std::string& where) {
  std::vector<text_block> blocks;
  if (value.is_string()) {
    blocks.push_back({value.get<std::string>(), false});
    return blocks;
  }
  if (!value.is_array())
    throw invalid_request{where + ": must be a string or a list of content blocks"};
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto& block = value[i];
    const std::string at = where + "." + std::to_string(i);
    if (!block.is_object()) throw invalid_request{at + ": must be an object"};
    const std::string type = block.value("type", std::string{});
    if (type.empty()) throw invalid_request{at + ".type: Field required"};
    text_block out;
    if (type == "text") {
      const auto text = block.find("text");
      if (text == block.end() || !text->is_string())
        throw invalid_request{at + ".text: Field required"};
      out.text = text->get<std::string>();
    } else {
      out.text = block.dump();  // images, tool results: billed by size, no text
    }
    if (const auto cc = block.find("cache_control"); cc != block.end() && !cc->is_null()) {
      if (!cc->is_object() || cc->value("type", std::string{}) != "ephemeral") {
        throw invalid_request{at + ".cache_control: type must be 'ephemeral'"};
      }
      out.cache = true;
    }
    blocks.push_back(std::move(out));
  }
  return blocks;
}

std::string join_text(const std::vector<text_block>& blocks) {
  std::string out;
  for (const auto& block : blocks) {
    if (!out.empty()) out.push_back('\n');
    out += block.text;
  }
  return out;
}

enum class answer_kind { intent, facts, faq, market, reply };

answer_kind kind_for_task(std::string task) {
  core::lower_ascii_in_place(task);
  if (task.find("intent") != std::string::npos) return answer_kind::intent;
  if (task.find("fact") != std::string::npos || task.find("scor") != std::string::npos)
    return answer_kind::facts;
  if (task.find("faq") != std::string::npos) return answer_kind::faq;
  if (task.find("market") != std::string::npos) return answer_kind::market;
  return answer_kind::reply;
}

// The completion text for a conversation, cut at max_tokens like a model would.
struct completion {
  std::string text;
  bool truncated = false;
};

completion complete(answer_kind kind, std::string_view system,
                    const std::vector<std::string>& user_messages, std::size_t max_tokens) {
  const std::string last = user_messages.empty() ? std::string{} : user_messages.back();
  completion out;
  switch (kind) {
    case answer_kind::intent:
      out.text = sim::intent_answer(last);
      break;
    case answer_kind::facts:
      out.text = sim::facts_answer(user_messages);
      break;
    case answer_kind::faq:
      out.text = sim::faq_answer(system, last);
      break;
    case answer_kind::market:
      out.text = sim::market_answer(system, last);
      break;
    case answer_kind::reply:
      out.text = sim::friendly_reply(last);
      break;
  }
  if (sim::estimate_tokens(out.text) > static_cast<std::int64_t>(max_tokens)) {
    out.text.resize(max_tokens * 4);
    out.truncated = true;
  }
  return out;
}

// Everything a request asked for besides the prompt.
struct options_of_request {
  bool stream = false;
  bool include_usage = false;  ///< OpenAI stream_options.include_usage
  std::vector<std::string> tool_names;
  std::vector<nlohmann::json> tool_schemas;
};

bool stream_flag(const nlohmann::json& json) {
  const auto it = json.find("stream");
  if (it == json.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw invalid_request{"stream: must be a boolean"};
  return it->get<bool>();
}

// Anthropic tools: [{"name", "description", "input_schema"}], server tools
// ({"type", "name"}) accepted as they are.
void read_anthropic_tools(const nlohmann::json& json, options_of_request& out) {
  const auto tools = json.find("tools");
  if (tools == json.end() || tools->is_null()) return;
  if (!tools->is_array()) throw invalid_request{"tools: must be a list"};
  for (std::size_t i = 0; i < tools->size(); ++i) {
    const auto& tool = (*tools)[i];
    const std::string at = "tools." + std::to_string(i);
    if (!tool.is_object()) throw invalid_request{at + ": must be an object"};
    const auto name = tool.find("name");
    if (name == tool.end() || !name->is_string() || name->get<std::string>().empty()) {
      throw invalid_request{at + ".name: Field required"};
    }
    const auto schema = tool.find("input_schema");
    if (schema == tool.end() && !tool.contains("type"))
      throw invalid_request{at + ".input_schema: Field required"};
    if (schema != tool.end() && !schema->is_object())
      throw invalid_request{at + ".input_schema: must be an object"};
    out.tool_names.push_back(name->get<std::string>());
    out.tool_schemas.push_back(schema != tool.end() ? *schema : nlohmann::json::object());
  }
}

// OpenAI tools: [{"type": "function", "function": {"name", "description", "parameters"}}].
void read_openai_tools(const nlohmann::json& json, options_of_request& out) {
  const auto tools = json.find("tools");
  if (tools == json.end() || tools->is_null()) return;
  if (!tools->is_array()) throw invalid_request{"tools: must be an array"};
  for (std::size_t i = 0; i < tools->size(); ++i) {
    const auto& tool = (*tools)[i];
    const std::string at = "tools[" + std::to_string(i) + "]";
    if (!tool.is_object() || tool.value("type", std::string{}) != "function") {
      throw invalid_request{at + ".type: must be 'function'"};
    }
    const auto function = tool.find("function");
    if (function == tool.end() || !function->is_object())
      throw invalid_request{at + ".function: Field required"};
    const auto name = function->find("name");
    if (name == function->end() || !name->is_string() || name->get<std::string>().empty()) {
      throw invalid_request{at + ".function.name: Field required"};
    }
    const auto parameters = function->find("parameters");
    if (parameters != function->end() && !parameters->is_object()) {
      throw invalid_request{at + ".function.parameters: must be an object"};
    }
    out.tool_names.push_back(name->get<std::string>());
    out.tool_schemas.push_back(parameters != function->end() ? *parameters
                                                             : nlohmann::json::object());
  }
}

// The tool call a request with tools gets when its last user message asks
// for an action; deterministic in (tool, message).
struct planned_tool_call {
  std::string name;
  nlohmann::json input;
};

std::optional<planned_tool_call> plan_tool_call(const options_of_request& options,
                                                const std::vector<std::string>& user_messages) {
  if (options.tool_names.empty() || user_messages.empty() ||
      !sim::asks_to_schedule(user_messages.back())) {
    return std::nullopt;
  }
  const std::string name = sim::pick_tool(options.tool_names);
  std::size_t index = 0;
  while (options.tool_names[index] != name) ++index;
  return planned_tool_call{name,
                           sim::tool_arguments(options.tool_schemas[index], user_messages.back())};
}

// A message's text in stream-sized pieces, cut after spaces so that no piece
// ends inside a UTF-8 sequence (a JSON string must be valid UTF-8).
std::vector<std::string> text_pieces(const std::string& text) {
  std::vector<std::string> pieces;
  std::string piece;
  for (const char c : text) {
    piece.push_back(c);
    if (c == ' ' && piece.size() >= 12) {
      pieces.push_back(std::move(piece));
      piece.clear();
    }
  }
  if (!piece.empty()) pieces.push_back(std::move(piece));
  return pieces;
}

// JSON text in two pieces, as providers stream tool arguments (split outside
// any UTF-8 sequence).
std::vector<std::string> json_pieces(const std::string& json) {
  std::size_t cut = json.size() / 2;
  while (cut < json.size() && (static_cast<unsigned char>(json[cut]) & 0xC0) == 0x80) ++cut;
  if (cut == 0 || cut >= json.size()) return {json};
  return {json.substr(0, cut), json.substr(cut)};
}

std::string sse_event(std::string_view name, const nlohmann::json& data) {
  std::string out;
  if (!name.empty()) out.append("event: ").append(name).append("\n");
  out.append("data: ").append(data.dump()).append("\n\n");
  return out;
}

// Anthropic's event stream for a complete Messages body: the same content,
// stop reason and usage, as message_start / content_block_* / message_delta /
// message_stop events.
std::string anthropic_stream(const nlohmann::json& message) {
  std::string out;
  nlohmann::json start = message;
  start["content"] = nlohmann::json::array();
  start["stop_reason"] = nullptr;
  start["stop_sequence"] = nullptr;
  start["usage"]["output_tokens"] = 1;  // as the provider: a placeholder until message_delta
  out += sse_event("message_start", {{"type", "message_start"}, {"message", std::move(start)}});
  out += sse_event("ping", {{"type", "ping"}});
  const auto& content = message["content"];
  for (std::size_t index = 0; index < content.size(); ++index) {
    const auto& block = content[index];
    if (block["type"] == "tool_use") {
      out += sse_event("content_block_start", {{"type", "content_block_start"},
                                               {"index", index},
                                               {"content_block",
                                                {{"type", "tool_use"},
                                                 {"id", block["id"]},
                                                 {"name", block["name"]},
                                                 {"input", nlohmann::json::object()}}}});
      for (const auto& piece : json_pieces(block["input"].dump())) {
        out += sse_event("content_block_delta",
                         {{"type", "content_block_delta"},
                          {"index", index},
                          {"delta", {{"type", "input_json_delta"}, {"partial_json", piece}}}});
      }
    } else {
      out +=
          sse_event("content_block_start", {{"type", "content_block_start"},
                                            {"index", index},
                                            {"content_block", {{"type", "text"}, {"text", ""}}}});
      for (const auto& piece : text_pieces(block["text"].get<std::string>())) {
        out += sse_event("content_block_delta",
                         {{"type", "content_block_delta"},
                          {"index", index},
                          {"delta", {{"type", "text_delta"}, {"text", piece}}}});
      }
    }
    out += sse_event("content_block_stop", {{"type", "content_block_stop"}, {"index", index}});
  }
  out +=
      sse_event("message_delta",
                {{"type", "message_delta"},
                 {"delta", {{"stop_reason", message["stop_reason"]}, {"stop_sequence", nullptr}}},
                 {"usage", {{"output_tokens", message["usage"]["output_tokens"]}}}});
  out += sse_event("message_stop", {{"type", "message_stop"}});
  return out;
}

// OpenAI's chunk stream for a complete chat completion: role, content pieces,
// tool-call pieces, the finish_reason chunk, the usage chunk when asked for
// (stream_options.include_usage; every other chunk then has "usage": null),
// and [DONE].
std::string openai_stream(const nlohmann::json& completion, bool include_usage) {
  const auto chunk = [&](nlohmann::json delta, nlohmann::json finish_reason) {
    nlohmann::json out = {
        {"id", completion["id"]},
        {"object", "chat.completion.chunk"},
        {"created", completion["created"]},
        {"model", completion["model"]},
        {"choices", nlohmann::json::array({{{"index", 0},
                                            {"delta", std::move(delta)},
                                            {"logprobs", nullptr},
                                            {"finish_reason", std::move(finish_reason)}}})}};
    if (include_usage) out["usage"] = nullptr;
    return sse_event("", out);
  };
  const auto& choice = completion["choices"][0];
  const auto& message = choice["message"];
  std::string out;
  const bool has_text = message["content"].is_string();
  out += chunk(
      {{"role", "assistant"}, {"content", has_text ? nlohmann::json("") : nlohmann::json(nullptr)}},
      nullptr);
  if (has_text) {
    for (const auto& piece : text_pieces(message["content"].get<std::string>())) {
      out += chunk({{"content", piece}}, nullptr);
    }
  }
  if (const auto calls = message.find("tool_calls"); calls != message.end()) {
    for (std::size_t index = 0; index < calls->size(); ++index) {
      const auto& call = (*calls)[index];
      out +=
          chunk({{"tool_calls",
                  nlohmann::json::array(
                      {{{"index", index},
                        {"id", call["id"]},
                        {"type", "function"},
                        {"function", {{"name", call["function"]["name"]}, {"arguments", ""}}}}})}},
                nullptr);
      for (const auto& piece : json_pieces(call["function"]["arguments"].get<std::string>())) {
        out += chunk(
            {{"tool_calls",
              nlohmann::json::array({{{"index", index}, {"function", {{"arguments", piece}}}}})}},
            nullptr);
      }
    }
  }
  out += chunk(nlohmann::json::object(), choice["finish_reason"]);
  if (include_usage) {
    out += sse_event("", {{"id", completion["id"]},
                          {"object", "chat.completion.chunk"},
                          {"created", completion["created"]},
                          {"model", completion["model"]},
                          {"choices", nlohmann::json::array()},
                          {"usage", completion["usage"]}});
  }
  out += "data: [DONE]\n\n";
  return out;
}

void make_event_stream(sim_response& response, std::string body) {
  response.body = std::move(body);
  response.content_type = "text/event-stream";
  response.headers.emplace_back("cache-control", "no-cache");
}

std::string hex(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

std::string lowercase_trimmed(std::string_view text) {
  return core::to_lower_ascii(core::trim(text));
}

}  // namespace

simulator::simulator(sim_behaviour behaviour, clock_fn clock)
    : behaviour_(std::move(behaviour)), prompt_cache_(std::move(clock)) {}

sim_response simulator::handle(const sim_request& request) {
  std::string_view path = request.target;
  if (const auto query = path.find('?'); query != std::string_view::npos)
    path = path.substr(0, query);

  if (path == "/stats" || path == "/healthz") {
    if (request.method != "GET")
      return error_response(api::anthropic, 405, "invalid_request_error", "use GET");
    sim_response response;
    response.body = path == "/stats" ? stats().dump() : std::string{R"({"status":"ok"})"};
    return response;
  }
  const bool known = path == messages_path || path == chat_path || path == embeddings_path;
  const api family = path == messages_path || !known ? api::anthropic : api::openai;
  if (!known)
    return error_response(family, 404, "not_found_error", "Not found: " + std::string{path});
  if (request.method != "POST") {
    auto response =
        error_response(family, 405, "invalid_request_error", "Method not allowed; use POST");
    response.counted_path = std::string{path};
    return response;
  }

  const fault injected = pick_fault(request);
  sim_response response;
  switch (injected) {
    case fault::rate_limited:
      response =
          error_response(family, 429, "rate_limit_error", "Simulated rate limit: slow down.");
      response.headers.emplace_back("retry-after", "1");
      // The provider's own rate-limit headers, as the client's limiter reads
      // them (an Anthropic reset is a wall-clock time: left out, to stay
      // deterministic).
      if (family == api::anthropic) {
        response.headers.emplace_back("anthropic-ratelimit-requests-remaining", "0");
      } else {
        response.headers.emplace_back("x-ratelimit-remaining-requests", "0");
        response.headers.emplace_back("x-ratelimit-reset-requests", "1s");
      }
      break;
    case fault::overloaded:
      response = error_response(family, 529, "overloaded_error", "Simulated overload.");
      break;
    case fault::server_error:
      response = error_response(family, 500, "api_error", "Simulated internal server error.");
      break;
    case fault::none:
    case fault::timeout:
    case fault::malformed:
      if (path == messages_path)
        response = answer_messages(request);
      else if (path == chat_path)
        response = answer_chat(request);
      else
        response = answer_embeddings(request);
      break;
  }
  if (injected == fault::timeout) {
    response.delay = behaviour_.timeout_fault_delay;
  } else if (injected == fault::malformed) {
    // Half a valid body: a 200 whose JSON ends mid-way, like a cut connection
    // behind a proxy. Half an object never parses (its closing brace is gone).
    response.status = 200;
    response.body.resize(response.body.size() / 2);
  }
  response.counted_path = std::string{path};
  return response;
}

simulator::fault simulator::pick_fault(const sim_request& request) {
  const std::uint64_t number = sequence_.fetch_add(1, std::memory_order_relaxed);
  if (!request.fault.empty()) {
    const std::string wanted = lowercase_trimmed(request.fault);
    if (wanted == "429") return fault::rate_limited;
    if (wanted == "529") return fault::overloaded;
    if (wanted == "500") return fault::server_error;
    if (wanted == "timeout") return fault::timeout;
    if (wanted == "malformed") return fault::malformed;
    // Anything else ("none", a typo) falls through to the configured rates.
  }
  // One draw per request, split into bands: the rates add up, never overlap.
  const double draw = sim::unit_interval(sim::mix64(behaviour_.seed ^ sim::mix64(number)));
  double band = behaviour_.fault_rate_429;
  if (draw < band) return fault::rate_limited;
  band += behaviour_.fault_rate_529;
  if (draw < band) return fault::overloaded;
  band += behaviour_.fault_rate_500;
  if (draw < band) return fault::server_error;
  band += behaviour_.fault_rate_timeout;
  if (draw < band) return fault::timeout;
  band += behaviour_.fault_rate_malformed;
  if (draw < band) return fault::malformed;
  return fault::none;
}

sim_response simulator::answer_messages(const sim_request& request) {
  try {
    const auto json = parse_object(request.body);
    const std::string model = required_model(json);
    const std::size_t max_tokens = max_tokens_of(json, "max_tokens");

    // Everything the model reads, in order: system blocks, then message blocks.
    // Cache breakpoints (cache_control) may sit on any of them.
    std::vector<text_block> prompt;
    std::string system_text;
    if (const auto system = json.find("system"); system != json.end() && !system->is_null()) {
      auto blocks = blocks_of(*system, "system");
      system_text = join_text(blocks);
      for (auto& block : blocks) prompt.push_back(std::move(block));
    }
    const auto messages = json.find("messages");
    if (messages == json.end()) throw invalid_request{"messages: Field required"};
    if (!messages->is_array()) throw invalid_request{"messages: must be a list"};
    if (messages->empty()) throw invalid_request{"messages: at least one message is required"};
    options_of_request options;
    options.stream = stream_flag(json);
    read_anthropic_tools(json, options);
    std::vector<std::string> user_messages;
    for (std::size_t i = 0; i < messages->size(); ++i) {
      const auto& message = (*messages)[i];
      const std::string at = "messages." + std::to_string(i);
      if (!message.is_object()) throw invalid_request{at + ": must be an object"};
      const std::string role = message.value("role", std::string{});
      if (role != "user" && role != "assistant")
        throw invalid_request{at + ".role: must be 'user' or 'assistant'"};
      const auto content = message.find("content");
      if (content == message.end()) throw invalid_request{at + ".content: Field required"};
      auto blocks = blocks_of(*content, at + ".content");
      if (role == "user") user_messages.push_back(join_text(blocks));
      for (auto& block : blocks) {
        block.text = role + ":" + block.text;  // the role is part of what is cached
        prompt.push_back(std::move(block));
      }
    }

    // Prompt caching: every breakpoint closes a prefix. The longest warm one
    // is read; the rest up to the last breakpoint is written; after the last
    // breakpoint is plain input.
    std::int64_t cache_read = 0;
    std::int64_t cached_upto = 0;  // tokens up to the last breakpoint
    std::int64_t total = 0;
    std::uint64_t prefix_hash = sim::stable_hash(model);
    // Tool definitions come first in the provider's prompt (tools, system,
    // messages): billed as input and part of every cached prefix.
    if (const auto tools = json.find("tools"); tools != json.end() && !tools->is_null()) {
      const std::string text = tools->dump();
      total += sim::estimate_tokens(text);
      prefix_hash = sim::stable_hash(text, prefix_hash);
    }
    for (const auto& block : prompt) {
      const std::int64_t tokens = sim::estimate_tokens(block.text);
      total += tokens;
      prefix_hash = sim::stable_hash(block.text, prefix_hash);
      if (block.cache) {
        cached_upto = total;
        if (prompt_cache_.touch(prefix_hash)) cache_read = total;
      }
    }
    const auto tool = plan_tool_call(options, user_messages);
    auto content = nlohmann::json::array();
    std::string stop_reason;
    std::int64_t output_tokens = 0;
    if (tool) {
      // What Claude does with a tool it decides to use: a short lead-in, then the call.
      const std::string lead_in = "Let me set that up for you.";
      const std::string input = tool->input.dump();
      content.push_back({{"type", "text"}, {"text", lead_in}});
      content.push_back(
          {{"type", "tool_use"},
           {"id", "toolu_sim_" + hex(sim::stable_hash(input, sim::stable_hash(tool->name)))},
           {"name", tool->name},
           {"input", tool->input}});
      stop_reason = "tool_use";
      output_tokens = sim::estimate_tokens(lead_in) + sim::estimate_tokens(tool->name + input);
    } else {
      const auto answer =
          complete(kind_for_task(request.task), system_text, user_messages, max_tokens);
      content.push_back({{"type", "text"}, {"text", answer.text}});
      stop_reason = answer.truncated ? "max_tokens" : "end_turn";
      output_tokens = sim::estimate_tokens(answer.text);
    }

    nlohmann::json body = {{"id", next_id("msg_sim_", request.body)},
                           {"type", "message"},
                           {"role", "assistant"},
                           {"model", model},
                           {"content", std::move(content)},
                           {"stop_reason", stop_reason},
                           {"stop_sequence", nullptr},
                           {"usage",
                            {{"input_tokens", total - cached_upto},
                             {"cache_creation_input_tokens", cached_upto - cache_read},
                             {"cache_read_input_tokens", cache_read},
                             {"output_tokens", output_tokens}}}};
    sim_response response;
    if (options.stream) {
      make_event_stream(response, anthropic_stream(body));
    } else {
      response.body = body.dump();
    }
    response.headers.emplace_back("request-id", next_id("req_sim_", request.body));
    response.delay = latency_for(model, request.body);
    return response;
  } catch (const invalid_request& e) {
    return error_response(api::anthropic, 400, "invalid_request_error", e.message);
  } catch (const std::exception& e) {
    return error_response(api::anthropic, 400, "invalid_request_error", e.what());
  }
}

sim_response simulator::answer_chat(const sim_request& request) {
  try {
    const auto json = parse_object(request.body);
    const std::string model = required_model(json);
    std::size_t max_tokens = max_tokens_of(json, "max_completion_tokens");
    if (!json.contains("max_completion_tokens")) max_tokens = max_tokens_of(json, "max_tokens");

    options_of_request options;
    options.stream = stream_flag(json);
    if (const auto so = json.find("stream_options"); so != json.end() && !so->is_null()) {
      if (!options.stream)
        throw invalid_request{"stream_options: only allowed when 'stream' is enabled"};
      if (!so->is_object()) throw invalid_request{"stream_options: must be an object"};
      const auto usage = so->find("include_usage");
      if (usage != so->end() && !usage->is_boolean())
        throw invalid_request{"stream_options.include_usage: must be a boolean"};
      options.include_usage = usage != so->end() && usage->get<bool>();
    }
    read_openai_tools(json, options);

    const auto messages = json.find("messages");
    if (messages == json.end()) throw invalid_request{"messages: Field required"};
    if (!messages->is_array() || messages->empty())
      throw invalid_request{"messages: must be a non-empty list"};
    std::vector<std::string> user_messages;
    std::string system_text;  // the system and developer messages, in order
    std::int64_t prompt_tokens = 0;
    std::int64_t prefix_tokens = 0;
    bool in_prefix = true;
    std::uint64_t prefix_hash = sim::stable_hash(model);
    // Tool definitions are part of the prompt, ahead of the messages.
    if (const auto tools = json.find("tools"); tools != json.end() && !tools->is_null()) {
      const std::string text = tools->dump();
      prompt_tokens += sim::estimate_tokens(text);
      prefix_tokens += sim::estimate_tokens(text);
      prefix_hash = sim::stable_hash(text, prefix_hash);
    }
    std::int64_t cached = 0;
    for (std::size_t i = 0; i < messages->size(); ++i) {
      const auto& message = (*messages)[i];
      const std::string at = "messages[" + std::to_string(i) + "]";
      if (!message.is_object()) throw invalid_request{at + ": must be an object"};
      const std::string role = message.value("role", std::string{});
      if (role != "system" && role != "developer" && role != "user" && role != "assistant" &&
          role != "tool") {
        throw invalid_request{at + ".role: invalid role '" + role + "'"};
      }
      const auto content = message.find("content");
      const std::string text = content == message.end() || content->is_null()
                                   ? std::string{}
                                   : join_text(blocks_of(*content, at + ".content"));
      const std::int64_t tokens = sim::estimate_tokens(text);
      prompt_tokens += tokens;
      // OpenAI caches automatically; the simulator treats the leading system
      // messages as the shared prefix.
      // Every system-message boundary closes a candidate prefix (the client
      // sends one system message per block, stable blocks first): the longest
      // warm one is read, as OpenAI reads the longest cached prefix.
      if (in_prefix && (role == "system" || role == "developer")) {
        prefix_tokens += tokens;
        prefix_hash = sim::stable_hash(text, prefix_hash);
        if (prompt_cache_.touch(prefix_hash)) cached = prefix_tokens;
      } else {
        in_prefix = false;
      }
      if (role == "user") user_messages.push_back(text);
      if (role == "system" || role == "developer")
        system_text += (system_text.empty() ? "" : "\n") + text;
    }
    const auto tool = plan_tool_call(options, user_messages);
    nlohmann::json message = {{"role", "assistant"}};
    std::string finish_reason;
    std::int64_t completion_tokens = 0;
    if (tool) {
      const std::string arguments = tool->input.dump();
      message["content"] = nullptr;
      message["tool_calls"] = nlohmann::json::array(
          {{{"id", "call_sim_" + hex(sim::stable_hash(arguments, sim::stable_hash(tool->name)))},
            {"type", "function"},
            {"function", {{"name", tool->name}, {"arguments", arguments}}}}});
      finish_reason = "tool_calls";
      completion_tokens = sim::estimate_tokens(tool->name + arguments);
    } else {
      const auto answer =
          complete(kind_for_task(request.task), system_text, user_messages, max_tokens);
      message["content"] = answer.text;
      finish_reason = answer.truncated ? "length" : "stop";
      completion_tokens = sim::estimate_tokens(answer.text);
    }
    const auto created = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    nlohmann::json body = {{"id", next_id("chatcmpl-sim", request.body)},
                           {"object", "chat.completion"},
                           {"created", created},
                           {"model", model},
                           {"choices", nlohmann::json::array({{{"index", 0},
                                                               {"message", std::move(message)},
                                                               {"logprobs", nullptr},
                                                               {"finish_reason", finish_reason}}})},
                           {"usage",
                            {{"prompt_tokens", prompt_tokens},
                             {"completion_tokens", completion_tokens},
                             {"total_tokens", prompt_tokens + completion_tokens},
                             {"prompt_tokens_details", {{"cached_tokens", cached}}}}}};
    sim_response response;
    if (options.stream) {
      make_event_stream(response, openai_stream(body, options.include_usage));
    } else {
      response.body = body.dump();
    }
    response.delay = latency_for(model, request.body);
    return response;
  } catch (const invalid_request& e) {
    return error_response(api::openai, 400, "invalid_request_error", e.message);
  } catch (const std::exception& e) {
    return error_response(api::openai, 400, "invalid_request_error", e.what());
  }
}

sim_response simulator::answer_embeddings(const sim_request& request) {
  try {
    const auto json = parse_object(request.body);
    const std::string model = required_model(json);
    std::size_t dimensions = 384;
    if (const auto dims = json.find("dimensions"); dims != json.end() && !dims->is_null()) {
      if (!dims->is_number_integer() || dims->get<std::int64_t>() < 1 ||
          dims->get<std::int64_t>() > 4096) {
        throw invalid_request{"dimensions: must be an integer in [1, 4096]"};
      }
      dimensions = dims->get<std::size_t>();
    }
    const auto input = json.find("input");
    if (input == json.end()) throw invalid_request{"input: Field required"};
    std::vector<std::string> texts;
    if (input->is_string()) {
      texts.push_back(input->get<std::string>());
    } else if (input->is_array() && !input->empty()) {
      for (const auto& item : *input) {
        if (!item.is_string())
          throw invalid_request{"input: must be a string or a list of strings"};
        texts.push_back(item.get<std::string>());
      }
    } else {
      throw invalid_request{"input: must be a string or a non-empty list of strings"};
    }
    auto data = nlohmann::json::array();
    std::int64_t tokens = 0;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      tokens += sim::estimate_tokens(texts[i]);
      data.push_back(
          {{"object", "embedding"}, {"index", i}, {"embedding", sim::embed(texts[i], dimensions)}});
    }
    nlohmann::json body = {{"object", "list"},
                           {"data", std::move(data)},
                           {"model", model},
                           {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}};
    sim_response response;
    response.body = body.dump();
    response.delay = latency_for("embedding", request.body);
    return response;
  } catch (const invalid_request& e) {
    return error_response(api::openai, 400, "invalid_request_error", e.message);
  } catch (const std::exception& e) {
    return error_response(api::openai, 400, "invalid_request_error", e.what());
  }
}

std::chrono::milliseconds simulator::latency_for(std::string_view model,
                                                 std::string_view body) const {
  if (behaviour_.latency) return *behaviour_.latency;
  double median_ms = 800;  // sonnet-class and unknown models
  if (model.find("haiku") != std::string_view::npos ||
      model.find("mini") != std::string_view::npos ||
      model.find("nano") != std::string_view::npos) {
    median_ms = 300;
  } else if (model.find("opus") != std::string_view::npos) {
    median_ms = 1500;
  } else if (model.find("embedding") != std::string_view::npos) {
    median_ms = 100;
  }
  // Log-normal around the median (sigma 0.35), drawn from the body's hash so
  // that a replayed request takes as long as it did the first time. Box-Muller
  // turns two uniform draws into a standard normal.
  const std::uint64_t h = sim::stable_hash(body, 0x1a7e);
  const double u1 = std::max(sim::unit_interval(h), 1e-12);
  const double u2 = sim::unit_interval(sim::mix64(h));
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
  const double ms = std::clamp(median_ms * std::exp(0.35 * z), median_ms * 0.4, median_ms * 3.0);
  return std::chrono::milliseconds{static_cast<std::int64_t>(ms)};
}

std::string simulator::next_id(std::string_view prefix, std::string_view body) {
  const std::uint64_t number = ids_.fetch_add(1, std::memory_order_relaxed);
  return std::string{prefix} + hex(sim::stable_hash(body, number));
}

void simulator::record_answer(std::string_view path) {
  if (path.empty()) return;
  const std::lock_guard lock{stats_mutex_};
  ++answered_;
  auto it = by_path_.find(path);
  if (it == by_path_.end()) it = by_path_.emplace(std::string{path}, 0).first;
  ++it->second;
}

nlohmann::json simulator::stats() const {
  const std::lock_guard lock{stats_mutex_};
  nlohmann::json by_path = nlohmann::json::object();
  for (const auto& [path, count] : by_path_) by_path[path] = count;
  return {{"requests", answered_}, {"by_path", std::move(by_path)}};
}

}  // namespace openhouse::llm
