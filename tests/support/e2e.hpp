#pragma once

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/services.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

/// What the end-to-end suites share: the binary's servers as processes and
/// Twilio-signed webhooks.
namespace openhouse::test::e2e {

inline constexpr const char* auth_token = "e2e-auth-token";
inline constexpr const char* admin_token = "e2e-admin-token";
/// Twilio signs the URL it was given; the node sits "behind a proxy" in these
/// tests, so the signed URL differs from the address the test connects to.
inline constexpr const char* public_url = "https://openhouse.example.test";

/// The shipped market file.
std::string config_path();

/// "SM" + 32 digits.
std::string sid(int n);

/// The first column of the first row of `sql`.
long query_long(const std::string& database_url, const std::string& sql);

/// `openhouse sim-llm` on a free port.
class simulator {
 public:
  explicit simulator(int latency_ms = 0, std::vector<std::string> extra_args = {});
  [[nodiscard]] const std::string& url() const { return url_; }
  /// Calls the simulator has answered (GET /stats).
  long requests();

 private:
  process proc_;
  std::string url_;
};

/// `openhouse serve` on the shipped market, on a free port. Its drain delay
/// is 0 s (tests stop nodes often) unless `extra_env` sets
/// OPENHOUSE_DRAIN_DELAY.
class node {
 public:
  node(const std::string& database_url, const std::string& llm_url,
       std::string redis_url = test::redis_url(),
       const std::map<std::string, std::string>& extra_env = {});
  [[nodiscard]] const std::string& url() const { return url_; }
  int stop(int sig = 15) { return proc_.stop(sig); }
  /// Sends `sig` and returns at once; wait() then reaps the exit status.
  void signal(int sig) { proc_.signal(sig); }
  int wait() { return proc_.wait(); }

 private:
  process proc_;
  std::string url_;
};

/// The fields Twilio posts for an inbound SMS.
std::map<std::string, std::string> sms_params(const std::string& message_sid,
                                              const std::string& from, const std::string& body);

/// Posts a Twilio SMS webhook, correctly signed unless `signature` is given.
http_result post_sms(http_client& c, const std::string& base,
                     const std::map<std::string, std::string>& params,
                     std::optional<std::string> signature = std::nullopt);

/// True for `<Response><Message>…</Message></Response>`.
bool is_message_twiml(const std::string& body);

}  // namespace openhouse::test::e2e
