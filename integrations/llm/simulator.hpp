#pragma once

#include "integrations/llm/prompt_cache.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openhouse::llm {

/// How the simulator behaves (the network side lives in simulator_options).
struct sim_behaviour {
  /// Fixed answer delay; nullopt draws a realistic one per request (median
  /// ≈ 800 ms sonnet-class, ≈ 300 ms haiku-class, ≈ 100 ms embeddings).
  std::optional<std::chrono::milliseconds> latency;
  /// Probabilities in [0, 1] of each injected fault on a /v1 call.
  double fault_rate_429 = 0;
  double fault_rate_529 = 0;
  double fault_rate_500 = 0;
  double fault_rate_timeout = 0;
  double fault_rate_malformed = 0;
  /// How long a "timeout" fault holds the answer: longer than any client waits.
  std::chrono::milliseconds timeout_fault_delay{30000};
  /// Seeds the fault draws, which are a function of (seed, request number).
  std::uint64_t seed = 0;
};

/// The parts of an HTTP request the simulator looks at.
struct sim_request {
  std::string method;  ///< "GET", "POST", ...
  std::string target;  ///< path; a query string is ignored
  std::string body;
  std::string task;   ///< header x-openhouse-task
  std::string fault;  ///< header x-sim-fault: 429|529|500|timeout|malformed
};

/// What to answer, and when.
struct sim_response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers, e.g. retry-after
  std::chrono::milliseconds delay{0};  ///< answer this long after the request arrived
  std::string counted_path;  ///< pass to record_answer() once answered; empty: not counted
};

/// The provider simulator without sockets: maps a request to a response that
/// is a deterministic function of the request (plus the prompt-cache state and,
/// for rate-based faults, the request's sequence number). Thread-safe.
///
/// Routes: POST /v1/messages (Anthropic), POST /v1/chat/completions and
/// POST /v1/embeddings (OpenAI), GET /stats, GET /healthz.
///
/// The answer text of a completion depends on x-openhouse-task: a task naming
/// "intent" gets {"intent","confidence","scores"} JSON; one naming "fact" or
/// "scor" gets the extracted facts JSON; anything else a short friendly reply.
///
/// `"stream": true` answers the same content as text/event-stream in the
/// provider's format (Anthropic message_start ... message_stop; OpenAI chunks,
/// the usage chunk when stream_options.include_usage, then [DONE]). A request
/// with `tools` whose last user message asks for scheduling (a showing, tour,
/// call, appointment) gets a tool call instead of a reply: Anthropic a lead-in
/// text block plus a tool_use block, stop_reason "tool_use"; OpenAI
/// message.tool_calls, finish_reason "tool_calls". The tool and its arguments
/// are deterministic (sim::pick_tool, sim::tool_arguments). Tool definitions
/// count as prompt tokens and lead the cached prefix.
class simulator {
 public:
  using clock_fn = std::function<std::chrono::steady_clock::time_point()>;

  explicit simulator(sim_behaviour behaviour, clock_fn clock = &std::chrono::steady_clock::now);

  /// Computes the answer. Does not count it: see record_answer().
  [[nodiscard]] sim_response handle(const sim_request& request);

  /// Counts one answered call on `path` (done when the answer is sent, so a
  /// call still waiting on its latency timer is not yet counted).
  void record_answer(std::string_view path);

  /// {"requests": N, "by_path": {"/v1/messages": n, ...}}
  [[nodiscard]] nlohmann::json stats() const;

 private:
  enum class fault { none, rate_limited, overloaded, server_error, timeout, malformed };

  fault pick_fault(const sim_request& request);
  sim_response answer_messages(const sim_request& request);
  sim_response answer_chat(const sim_request& request);
  sim_response answer_embeddings(const sim_request& request);
  std::chrono::milliseconds latency_for(std::string_view model, std::string_view body) const;
  std::string next_id(std::string_view prefix, std::string_view body);

  sim_behaviour behaviour_;
  sim::prompt_cache prompt_cache_;
  std::atomic<std::uint64_t> sequence_{0};  ///< numbers requests for the fault draws
  std::atomic<std::uint64_t> ids_{0};       ///< makes response ids unique
  mutable std::mutex stats_mutex_;
  std::uint64_t answered_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> by_path_;
};

}  // namespace openhouse::llm
