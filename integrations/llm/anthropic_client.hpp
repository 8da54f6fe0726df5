#pragma once

#include "integrations/llm/messages.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace openhouse::llm {

struct client_options {
  /// Provider root, e.g. "https://api.anthropic.com" or the simulator's
  /// "http://127.0.0.1:PORT". A trailing "/" or "/v1" is tolerated.
  std::string base_url;
  std::string api_key;
  /// Whole-call limit (connect + send + answer).
  std::chrono::milliseconds timeout{20000};
  std::string anthropic_version = "2023-06-01";
  /// Extra "name: value" header lines sent with every call (a beta flag, or
  /// x-sim-fault when testing against the simulator).
  std::vector<std::string> extra_headers;
};

/// A blocking Anthropic Messages client on a libcurl easy handle.
///
/// Not thread-safe: use one instance per worker thread. The handle is kept
/// between calls so that the connection (and TLS session) is reused.
class anthropic_client {
public:
  explicit anthropic_client(client_options options);
  ~anthropic_client();
  anthropic_client(anthropic_client&&) noexcept;
  anthropic_client& operator=(anthropic_client&&) noexcept;
  anthropic_client(const anthropic_client&) = delete;
  anthropic_client& operator=(const anthropic_client&) = delete;

  /// POSTs `request` to {base_url}/v1/messages. Never throws: every failure,
  /// including ones inside libcurl or JSON handling, is a client_error.
  [[nodiscard]] std::variant<messages_response, client_error> send(const messages_request& request);

  /// Connections opened so far; stays at 1 across calls while keep-alive works.
  [[nodiscard]] std::int64_t connections_opened() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace openhouse::llm
