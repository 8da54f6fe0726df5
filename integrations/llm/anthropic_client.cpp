#include "integrations/llm/anthropic_client.hpp"

#include <exception>
#include <stdexcept>
#include <utility>

namespace openhouse::llm {

anthropic_client::anthropic_client(client_options options)
    : options_(std::move(options)),
      url_(endpoint_url(options_.base_url, "/v1/messages")),
      transport_(std::make_unique<curl_transport>(options_.timeout)) {}
anthropic_client::~anthropic_client() = default;
anthropic_client::anthropic_client(anthropic_client&&) noexcept = default;
anthropic_client& anthropic_client::operator=(anthropic_client&&) noexcept = default;

std::variant<messages_response, client_error> anthropic_client::send(
    const messages_request& request) {
  return send(request, text_chunk_fn{});
}

std::variant<messages_response, client_error> anthropic_client::send(
    const messages_request& request, const text_chunk_fn& on_text) {
  try {
    if (!transport_)
      return client_error{client_errc::transport, 0, "client was moved from", std::nullopt};
    auto call = prepare(request);
    if (auto* error = std::get_if<client_error>(&call)) return std::move(*error);
    auto& http = std::get<http_call>(call);

    return exchange(*transport_, http.url, http.headers, http.payload, request.stream,
                    wire_format::anthropic, parse_messages_response, on_text);
  } catch (const std::exception& e) {
    return client_error{client_errc::transport, 0, e.what(), std::nullopt};
  } catch (...) {
    return client_error{client_errc::transport, 0, "unknown exception", std::nullopt};
  }
}

std::variant<http_call, client_error> anthropic_client::prepare(
    const messages_request& request) const {
  try {
    http_call call;
    call.url = url_;
    call.timeout = options_.timeout;
    try {
      call.payload = to_json(request).dump();
    } catch (const std::invalid_argument& e) {
      return client_error{client_errc::bad_request, 0, e.what(), std::nullopt};
    }
    auto& headers = call.headers;
    headers = {
        "content-type: application/json",
        request.stream ? "accept: text/event-stream" : "accept: application/json",
        "x-api-key: " + options_.api_key,
        "anthropic-version: " + options_.anthropic_version,
    };
    if (!request.task.empty()) headers.push_back("x-openhouse-task: " + request.task);
    headers.insert(headers.end(), options_.extra_headers.begin(), options_.extra_headers.end());
    return call;
  } catch (const std::exception& e) {
    return client_error{client_errc::transport, 0, e.what(), std::nullopt};
  } catch (...) {
    return client_error{client_errc::transport, 0, "unknown exception", std::nullopt};
  }
}

std::int64_t anthropic_client::connections_opened() const noexcept {
  return transport_ ? transport_->connections_opened() : 0;
}

}  // namespace openhouse::llm
