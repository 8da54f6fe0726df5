#include "integrations/llm/openai_client.hpp"

#include <exception>
#include <stdexcept>
#include <utility>

namespace openhouse::llm {

openai_client::openai_client(client_options options)
    : options_(std::move(options)),
      url_(endpoint_url(options_.base_url, "/v1/chat/completions")),
      transport_(std::make_unique<curl_transport>(options_.timeout)) {}
openai_client::~openai_client() = default;
openai_client::openai_client(openai_client&&) noexcept = default;
openai_client& openai_client::operator=(openai_client&&) noexcept = default;

std::variant<messages_response, client_error> openai_client::send(const messages_request& request) {
  return send(request, text_chunk_fn{});
}

std::variant<messages_response, client_error> openai_client::send(const messages_request& request,
                                                                  const text_chunk_fn& on_text) {
  try {
    if (!transport_)
      return client_error{client_errc::transport, 0, "client was moved from", std::nullopt};
    auto call = prepare(request);
    if (auto* error = std::get_if<client_error>(&call)) return std::move(*error);
    auto& http = std::get<http_call>(call);

    return exchange(*transport_, http.url, http.headers, http.payload, request.stream,
                    wire_format::openai, parse_chat_response, on_text);
  } catch (const std::exception& e) {
    return client_error{client_errc::transport, 0, e.what(), std::nullopt};
  } catch (...) {
    return client_error{client_errc::transport, 0, "unknown exception", std::nullopt};
  }
}

std::variant<http_call, client_error> openai_client::prepare(
    const messages_request& request) const {
  try {
    http_call call;
    call.url = url_;
    call.timeout = options_.timeout;
    try {
      call.payload = to_chat_json(request).dump();
    } catch (const std::invalid_argument& e) {
      return client_error{client_errc::bad_request, 0, e.what(), std::nullopt};
    }
    auto& headers = call.headers;
    headers = {
        "content-type: application/json",
        request.stream ? "accept: text/event-stream" : "accept: application/json",
    };
    // Local servers (Ollama, vLLM, llama.cpp) run without keys; an empty
    // "Bearer " would be rejected by some of them.
    if (!options_.api_key.empty()) headers.push_back("authorization: Bearer " + options_.api_key);
    if (!request.task.empty()) headers.push_back("x-openhouse-task: " + request.task);
    headers.insert(headers.end(), options_.extra_headers.begin(), options_.extra_headers.end());
    return call;
  } catch (const std::exception& e) {
    return client_error{client_errc::transport, 0, e.what(), std::nullopt};
  } catch (...) {
    return client_error{client_errc::transport, 0, "unknown exception", std::nullopt};
  }
}

std::int64_t openai_client::connections_opened() const noexcept {
  return transport_ ? transport_->connections_opened() : 0;
}

}  // namespace openhouse::llm
