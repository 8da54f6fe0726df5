#include "runtime/llm_worker.hpp"

#include "integrations/llm/anthropic_client.hpp"
#include "integrations/llm/async_transport.hpp"
#include "integrations/llm/model_router.hpp"
#include "integrations/llm/openai_client.hpp"
#include "integrations/llm/rate_limiter.hpp"
#include "integrations/llm/sse_stream.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <unordered_map>

namespace openhouse::runtime {

caf::error make_provider_error(const llm::client_error& failure) {
  // The gateway's retry policy needs the status and retry-after, not just the code.
  return caf::error{
      static_cast<std::uint8_t>(failure.code), llm::error_category,
      caf::make_message(
          failure.message, static_cast<std::int32_t>(failure.http_status),
          static_cast<std::int64_t>(failure.retry_after ? failure.retry_after->count() : -1))};
}

llm::client_error provider_error(const caf::error& err) {
  llm::client_error out{llm::client_errc::transport, 0, caf::to_string(err), std::nullopt};
  if (err.category() == llm::error_category) {
    out.code = static_cast<llm::client_errc>(err.code());
    const auto& ctx = err.context();
    if (ctx.match_elements<std::string, std::int32_t, std::int64_t>()) {
      out.message = ctx.get_as<std::string>(0);
      out.http_status = ctx.get_as<std::int32_t>(1);
      if (const auto ra = ctx.get_as<std::int64_t>(2); ra >= 0) {
        out.retry_after = std::chrono::seconds{ra};
      }
    } else if (ctx.match_elements<std::string>()) {
      out.message = ctx.get_as<std::string>(0);
    }
  } else if (err == caf::sec::request_timeout) {
    out.code = llm::client_errc::timeout;
  }
  return out;
}

namespace {

prometheus::Family<prometheus::Gauge>& gauge(runtime::metrics& m, const std::string& name,
                                             const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(m.registry());
}

prometheus::Family<prometheus::Counter>& counter(runtime::metrics& m, const std::string& name,
                                                 const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(m.registry());
}

}  // namespace

provider_metrics::provider_metrics(runtime::metrics& m)
    : in_flight(
          gauge(m, "openhouse_llm_calls_in_flight", "Provider calls sent and not yet answered")
              .Add({})),
      peak_in_flight(gauge(m, "openhouse_llm_calls_in_flight_peak",
                           "The most provider calls in flight at once since start")
                         .Add({})),
      queued(gauge(m, "openhouse_llm_calls_queued",
                   "Provider calls waiting for their model's rate limit")
                 .Add({})),
      connections_opened(counter(m, "openhouse_llm_connections_opened_total",
                                 "Connections the provider client opened")
                             .Add({})),
      connections_reused(counter(m, "openhouse_llm_connections_reused_total",
                                 "Provider calls sent on a connection already open")
                             .Add({})),
      queue_full(counter(m, "openhouse_llm_calls_refused_total",
                         "Provider calls refused because the rate-limit queue was full")
                     .Add({})) {}

namespace {

using time_point = clock::time_point;

/// The limiter, shared by the actor (admission) and the transport's loop
/// thread (the provider's headers and retry-after as answers arrive).
struct guarded_limiter {
  explicit guarded_limiter(std::map<std::string, config::rate_limit_settings> limits)
      : limiter(std::move(limits)) {}
  std::mutex mutex;
  llm::rate_limiter limiter;
};

struct waiting_call {
  llm::messages_request request;
  llm::http_call http;
  time_point deadline;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  caf::typed_response_promise<llm::messages_response> promise;
};

struct sent_call {
  std::string model;
  std::string task;
  caf::typed_response_promise<llm::messages_response> promise;
};

struct client_state {
  static inline const char* name = "llm_client";

  std::string provider;
  std::unique_ptr<llm::anthropic_client> anthropic;
  std::unique_ptr<llm::openai_client> openai;
  std::shared_ptr<const clock> time;
  std::shared_ptr<guarded_limiter> limits;
  std::shared_ptr<runtime::metrics> metrics;  // keeps `counters` alive
  std::shared_ptr<provider_metrics> counters;
  std::chrono::milliseconds timeout{20000};
  std::size_t queue_limit = 0;
  std::deque<waiting_call> queue;
  std::unordered_map<std::uint64_t, sent_call> sent;
  std::uint64_t next_id = 1;
  std::size_t peak = 0;
  bool wake_armed = false;
  // Last: destroyed first, so that no completion runs after the rest is gone.
  std::unique_ptr<llm::async_transport> transport;
};

using client_impl =
    llm_actor::extend<caf::reacts_to<delivery_atom, std::uint64_t, llm::messages_response>,
                      caf::reacts_to<delivery_atom, std::uint64_t, caf::error>,
                      caf::reacts_to<tick_atom>>;
using self_ptr = client_impl::stateful_pointer<client_state>;

void update_gauges(client_state& st) {
  st.peak = std::max(st.peak, st.sent.size());
  if (!st.counters) return;
  st.counters->in_flight.Set(static_cast<double>(st.sent.size()));
  st.counters->peak_in_flight.Set(static_cast<double>(st.peak));
  st.counters->queued.Set(static_cast<double>(st.queue.size()));
}

/// What the loop thread does with a finished transfer: the limiter learns
/// from it, and the actor gets the decoded answer as a message.
struct completion {
  caf::actor client;
  std::uint64_t id;
  std::string model;
  std::int64_t charged_output;
  bool stream;
  llm::wire_format format;
  llm::answer_parser parse;
  std::shared_ptr<guarded_limiter> limits;
  std::shared_ptr<const clock> time;

  void operator()(llm::async_transport::outcome outcome) const {
    const auto now = time->now();
    std::variant<llm::messages_response, llm::client_error> result;
    if (auto* error = std::get_if<llm::client_error>(&outcome)) {
      result = std::move(*error);
    } else {
      auto& answer = std::get<llm::http_answer>(outcome);
      const auto hint = llm::read_limit_headers(answer.limit_headers, now);
      {
        std::lock_guard lock{limits->mutex};
        limits->limiter.observe(model, hint, now);
      }
      result = llm::decode_answer(std::move(answer), stream, format, parse);
    }
    if (auto* error = std::get_if<llm::client_error>(&result)) {
      if (error->retry_after) {
        std::lock_guard lock{limits->mutex};
        limits->limiter.pause(model, *error->retry_after, now);
      }
      caf::anon_send(client, delivery_atom_v, id, make_provider_error(*error));
      return;
    }
    auto& response = std::get<llm::messages_response>(result);
    {
      std::lock_guard lock{limits->mutex};
      limits->limiter.settle(model, charged_output, response.tokens.output_tokens, now);
    }
    caf::anon_send(client, delivery_atom_v, id, std::move(response));
  }
};

void start(self_ptr self, waiting_call call, std::chrono::milliseconds left) {
  auto& st = self->state;
  const auto id = st.next_id++;
  completion done{caf::actor_cast<caf::actor>(self),
                  id,
                  call.request.model,
                  call.output_tokens,
                  call.request.stream,
                  st.openai ? llm::wire_format::openai : llm::wire_format::anthropic,
                  st.openai ? &llm::parse_chat_response : &llm::parse_messages_response,
                  st.limits,
                  st.time};
  st.sent.emplace(id, sent_call{call.request.model, call.request.task, std::move(call.promise)});
  call.http.timeout = left;
  st.transport->submit(std::move(call.http), std::move(done));
}

void arm_wake(self_ptr self, std::chrono::milliseconds wait) {
  auto& st = self->state;
  if (st.wake_armed) return;
  st.wake_armed = true;
  self->delayed_send(self, std::max(wait, std::chrono::milliseconds{1}), tick_atom_v);
}

/// Starts the calls at the head of the queue that the limits allow; arms one
/// wake-up for the first that has to wait (arrival order is kept).
void pump(self_ptr self) {
  auto& st = self->state;
  while (!st.queue.empty()) {
    auto& head = st.queue.front();
    const auto now = st.time->now();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(head.deadline - now);
    if (left.count() <= 0) {
      auto promise = std::move(head.promise);
      st.queue.pop_front();
      // Gauges first: whoever gets the answer may read /metrics at once.
      update_gauges(st);
      promise.deliver(make_provider_error(llm::client_error{
          llm::client_errc::timeout, 0, "waited past its deadline for the provider's rate limit",
          std::nullopt}));
      continue;
    }
    std::chrono::milliseconds wait{0};
    {
      std::lock_guard lock{st.limits->mutex};
      wait = st.limits->limiter.try_acquire(head.request.model, head.input_tokens,
                                            head.output_tokens, now);
    }
    if (wait.count() > 0) {
      arm_wake(self, std::min(wait, left));
      break;
    }
    auto call = std::move(head);
    st.queue.pop_front();
    start(self, std::move(call), left);
  }
  update_gauges(st);
}

template <class Value>
void deliver(self_ptr self, std::uint64_t id, Value value) {
  auto& st = self->state;
  auto i = st.sent.find(id);
  if (i == st.sent.end()) return;
  auto promise = std::move(i->second.promise);
  st.sent.erase(i);
  // Queued calls start, and the gauges are set, before the answer leaves:
  // whoever gets it may read /metrics at once.
  pump(self);
  promise.deliver(std::move(value));
}

client_impl::behavior_type llm_client(self_ptr self, config::llm_settings settings,
                                      std::shared_ptr<runtime::metrics> metrics,
                                      std::shared_ptr<const clock> time) {
  auto& st = self->state;
  llm::client_options options;
  options.base_url = settings.base_url;
  options.api_key = settings.api_key;
  options.timeout = settings.timeout;
  if (settings.provider == "openai") {
    st.openai = std::make_unique<llm::openai_client>(options);
  } else {
    st.anthropic = std::make_unique<llm::anthropic_client>(options);
  }
  st.time = time ? std::move(time) : std::make_shared<system_clock>();
  st.limits = std::make_shared<guarded_limiter>(settings.rate_limits);
  st.timeout = settings.timeout;
  st.queue_limit = std::max<std::size_t>(1, settings.queue_limit);
  llm::async_transport::observer watch;
  if (metrics) {
    st.metrics = metrics;
    st.counters = std::make_shared<provider_metrics>(*metrics);
    // Prometheus counters are thread-safe: the loop thread counts directly.
    watch.on_connection_opened = [c = st.counters] { c->connections_opened.Increment(); };
    watch.on_connection_reused = [c = st.counters] { c->connections_reused.Increment(); };
  }
  st.transport = std::make_unique<llm::async_transport>(std::move(watch));
  return {
      [self](complete_atom, llm::messages_request& req) -> caf::result<llm::messages_response> {
        auto& st = self->state;
        auto http = st.openai ? st.openai->prepare(req) : st.anthropic->prepare(req);
        if (auto* error = std::get_if<llm::client_error>(&http)) {
          return make_provider_error(*error);
        }
        if (st.queue.size() >= st.queue_limit) {
          if (st.counters) st.counters->queue_full.Increment();
          spdlog::warn(
              "llm: {} call for task '{}' refused: {} calls already wait for the rate "
              "limit (llm.queue_limit)",
              req.model, req.task, st.queue.size());
          return make_provider_error(llm::client_error{llm::client_errc::rate_limited, 0,
                                                       "provider queue full", std::nullopt});
        }
        waiting_call call;
        call.input_tokens = static_cast<std::int64_t>(llm::estimate_input_tokens(req));
        call.output_tokens = static_cast<std::int64_t>(req.max_tokens);
        call.deadline = st.time->now() + st.timeout;
        call.http = std::move(std::get<llm::http_call>(http));
        call.request = std::move(req);
        call.promise = self->make_response_promise<llm::messages_response>();
        auto promise = call.promise;
        st.queue.push_back(std::move(call));
        pump(self);
        return promise;
      },
      [self](delivery_atom, std::uint64_t id, llm::messages_response& resp) {
        deliver(self, id, std::move(resp));
      },
      [self](delivery_atom, std::uint64_t id, caf::error& err) {
        auto& st = self->state;
        if (auto i = st.sent.find(id); i != st.sent.end()) {
          const auto failure = provider_error(err);
          spdlog::warn("llm: {} call for task '{}' failed: {} ({})", i->second.model,
                       i->second.task, llm::to_string(failure.code), failure.message);
        }
        deliver(self, id, std::move(err));
      },
      [self](tick_atom) {
        self->state.wake_armed = false;
        pump(self);
      },
  };
}

}  // namespace

llm_actor spawn_llm_client(caf::actor_system& sys, const config::llm_settings& settings,
                           std::shared_ptr<runtime::metrics> metrics,
                           std::shared_ptr<const clock> time) {
  return caf::actor_cast<llm_actor>(
      sys.spawn(llm_client, settings, std::move(metrics), std::move(time)));
}

}  // namespace openhouse::runtime
