#include "integrations/llm/embeddings_client.hpp"

#include <cmath>
#include <exception>
#include <utility>

namespace openhouse::llm {

namespace {

client_error malformed(int status, std::string message) {
  return client_error{client_errc::malformed_response, status, std::move(message), std::nullopt};
}

}  // namespace

nlohmann::json to_embeddings_json(std::string_view model, const std::vector<std::string>& texts,
                                  std::optional<std::size_t> dimensions) {
  nlohmann::json body = {{"model", model}, {"input", texts}};
  if (dimensions) body["dimensions"] = *dimensions;
  return body;
}

std::variant<embeddings, client_error> parse_embeddings_response(
    int http_status, std::string_view body, std::optional<std::string> retry_after,
    std::size_t expected_count, std::optional<std::size_t> dimensions) {
  try {
    if (http_status < 200 || http_status >= 300)
      return error_from_http(http_status, body, retry_after);
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
      return malformed(http_status, std::string{"invalid JSON: "} + e.what());
    }
    if (!json.is_object()) return malformed(http_status, "response is not a JSON object");
    if (const auto error = json.find("error"); error != json.end() && !error->is_null()) {
      // An error inside a 2xx (a proxy, a local server): its code or type says which.
      std::string kind;
      if (error->is_object()) {
        if (const auto code = error->find("code"); code != error->end() && code->is_string())
          kind = *code;
        if (const auto type = error->find("type");
            kind.empty() && type != error->end() && type->is_string())
          kind = *type;
      }
      auto out = error_from_http(500, body, retry_after);
      out.code = errc_for_error_type(kind);
      out.http_status = http_status;
      return out;
    }
    const auto data = json.find("data");
    if (data == json.end() || !data->is_array())
      return malformed(http_status, "response has no data list");
    if (data->size() != expected_count) {
      return malformed(http_status, "expected " + std::to_string(expected_count) +
                                        " embeddings, got " + std::to_string(data->size()));
    }
    embeddings vectors(expected_count);
    std::vector<bool> seen(expected_count, false);
    std::optional<std::size_t> width = dimensions;
    for (std::size_t position = 0; position < data->size(); ++position) {
      const auto& item = (*data)[position];
      if (!item.is_object()) return malformed(http_status, "embedding item is not an object");
      std::size_t index = position;
      if (const auto it = item.find("index"); it != item.end()) {
        if (!it->is_number_unsigned() || it->get<std::size_t>() >= expected_count) {
          return malformed(http_status, "embedding index out of range");
        }
        index = it->get<std::size_t>();
      }
      if (seen[index])
        return malformed(http_status, "embedding index " + std::to_string(index) + " repeated");
      seen[index] = true;
      const auto values = item.find("embedding");
      // A base64 string means the server ignored our default float encoding.
      if (values == item.end() || !values->is_array() || values->empty()) {
        return malformed(http_status,
                         "embedding " + std::to_string(index) + " is not a list of numbers");
      }
      if (!width) width = values->size();
      if (values->size() != *width) {
        return malformed(http_status, "embedding " + std::to_string(index) + " has dimension " +
                                          std::to_string(values->size()) + ", expected " +
                                          std::to_string(*width));
      }
      auto& vector = vectors[index];
      vector.reserve(values->size());
      for (const auto& value : *values) {
        if (!value.is_number()) return malformed(http_status, "embedding value is not a number");
        const double v = value.get<double>();
        if (!std::isfinite(v)) return malformed(http_status, "embedding value is not finite");
        vector.push_back(static_cast<float>(v));
      }
    }
    return vectors;
  } catch (const std::exception& e) {
    return malformed(http_status, e.what());
  }
}

embeddings_client::embeddings_client(client_options options, std::string model,
                                     std::optional<std::size_t> dimensions)
    : options_(std::move(options)),
      model_(std::move(model)),
      dimensions_(dimensions),
      url_(endpoint_url(options_.base_url, "/v1/embeddings")),
      transport_(std::make_unique<curl_transport>(options_.timeout)) {}
embeddings_client::~embeddings_client() = default;
embeddings_client::embeddings_client(embeddings_client&&) noexcept = default;
embeddings_client& embeddings_client::operator=(embeddings_client&&) noexcept = default;

std::variant<embeddings, client_error> embeddings_client::embed(
    const std::vector<std::string>& texts) {
  try {
    if (!transport_)
      return client_error{client_errc::transport, 0, "client was moved from", std::nullopt};
    if (texts.empty()) return embeddings{};
    const std::string payload = to_embeddings_json(model_, texts, dimensions_).dump();
    std::vector<std::string> headers = {"content-type: application/json",
                                        "accept: application/json"};
    if (!options_.api_key.empty()) headers.push_back("authorization: Bearer " + options_.api_key);
    headers.insert(headers.end(), options_.extra_headers.begin(), options_.extra_headers.end());
    auto answer = transport_->post(url_, headers, payload);
    if (auto* error = std::get_if<client_error>(&answer)) return std::move(*error);
    auto& http = std::get<http_answer>(answer);
    return parse_embeddings_response(http.status, http.body, std::move(http.retry_after),
                                     texts.size(), dimensions_);
  } catch (const std::exception& e) {
    return client_error{client_errc::transport, 0, e.what(), std::nullopt};
  } catch (...) {
    return client_error{client_errc::transport, 0, "unknown exception", std::nullopt};
  }
}

std::int64_t embeddings_client::connections_opened() const noexcept {
  return transport_ ? transport_->connections_opened() : 0;
}

}  // namespace openhouse::llm
