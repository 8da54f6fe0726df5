#include "integrations/llm/sim_server.hpp"

#include "core/shutdown_signal.hpp"
#include "integrations/http/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <condition_variable>
#include <exception>
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace openhouse::llm {

namespace {

namespace bhttp = boost::beast::http;

sim_behaviour behaviour_of(const simulator_options& options) {
  const double rates[] = {options.fault_rate_429, options.fault_rate_529, options.fault_rate_500,
                          options.fault_rate_timeout, options.fault_rate_malformed};
  double sum = 0;
  for (const double rate : rates) {
    if (!(rate >= 0 && rate <= 1))
      throw std::invalid_argument{"fault rates must be between 0 and 1"};
    sum += rate;
  }
  if (sum > 1 + 1e-9) throw std::invalid_argument{"fault rates must add up to at most 1"};
  if (options.latency && options.latency->count() < 0)
    throw std::invalid_argument{"latency must not be negative"};
  sim_behaviour behaviour;
  behaviour.latency = options.latency;
  behaviour.fault_rate_429 = options.fault_rate_429;
  behaviour.fault_rate_529 = options.fault_rate_529;
  behaviour.fault_rate_500 = options.fault_rate_500;
  behaviour.fault_rate_timeout = options.fault_rate_timeout;
  behaviour.fault_rate_malformed = options.fault_rate_malformed;
  behaviour.timeout_fault_delay = options.timeout_fault_delay;
  behaviour.seed = options.seed;
  return behaviour;
}

http::server_options server_options_of(const simulator_options& options) {
  http::server_options out;
  out.address = options.address;
  out.port = options.port;
  out.io_threads = std::max<std::size_t>(1, options.io_threads);
  out.max_body_bytes = 8 * 1024 * 1024;  // long prompts: real requests reach megabytes
  return out;
}

std::string_view reason_for(int status) {
  // Beast knows no phrase for Anthropic's 529.
  return status == 529 ? std::string_view{"Overloaded"} : std::string_view{};
}

}  // namespace

struct sim_server::impl {
  explicit impl(simulator_options opts)
      : options(std::move(opts)),
        sim(behaviour_of(options)),
        work(boost::asio::make_work_guard(timers)),
        server(server_options_of(options), [this](http::request&& req, http::respond_fn respond) {
          on_request(std::move(req), std::move(respond));
        }) {}

  void on_request(http::request&& req, http::respond_fn respond) {
    sim_request in;
    in.method = std::string{req.method_string()};
    in.target = std::string{req.target()};
    in.body = std::move(req.body());
    in.task = std::string{req["x-openhouse-task"]};
    in.fault = std::string{req["x-sim-fault"]};
    auto out = sim.handle(in);

    auto res = http::make_response(req, static_cast<bhttp::status>(out.status), std::move(out.body),
                                   std::move(out.content_type));
    if (const auto reason = reason_for(out.status); !reason.empty()) res.reason(reason);
    for (const auto& [name, value] : out.headers) res.set(name, value);
    res.prepare_payload();

    if (out.delay.count() <= 0) {
      sim.record_answer(out.counted_path);
      respond(std::move(res));
      return;
    }
    // The timer is armed under the lock that stop() takes to cancel timers,
    // so a timer can never be armed after stop() has swept them.
    const std::lock_guard lock{mutex};
    if (stopping) {
      sim.record_answer(out.counted_path);
      respond(std::move(res));
      return;
    }
    const std::uint64_t id = next_timer++;
    auto timer = std::make_shared<boost::asio::steady_timer>(timers, out.delay);
    pending.emplace(id, timer);
    // Cancelled (by stop()) or expired, the call is answered either way.
    timer->async_wait(
        [this, id, timer, res = std::move(res), respond = std::move(respond),
         path = std::move(out.counted_path)](const boost::system::error_code&) mutable {
          sim.record_answer(path);
          respond(std::move(res));
          const std::lock_guard done{mutex};
          pending.erase(id);
          drained.notify_all();
        });
  }

  void stop() {
    {
      std::unique_lock lock{mutex};
      if (stopped) return;
      stopped = true;
      stopping = true;
      for (auto& [id, timer] : pending) timer->cancel();
      // Handlers run on the timer thread, which may not have been started.
      if (timer_thread.joinable()) {
        drained.wait_for(lock, std::chrono::seconds{5}, [this] { return pending.empty(); });
      }
    }
    server.stop();
    work.reset();
    timers.stop();
    if (timer_thread.joinable()) timer_thread.join();
  }

  simulator_options options;
  simulator sim;
  boost::asio::io_context timers{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  std::thread timer_thread;
  std::mutex mutex;
  std::condition_variable drained;
  std::map<std::uint64_t, std::shared_ptr<boost::asio::steady_timer>> pending;
  std::uint64_t next_timer = 0;
  bool stopping = false;
  bool stopped = false;
  // Last: constructed after everything its handler touches, destroyed first.
  http::server server;
};

sim_server::sim_server(simulator_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}

sim_server::~sim_server() {
  try {
    stop();
  } catch (...) {
    // A destructor must not throw; the threads are gone either way.
  }
}

void sim_server::start() {
  if (impl_->timer_thread.joinable()) return;  // already started
  impl_->timer_thread = std::thread{[this] { impl_->timers.run(); }};
  try {
    impl_->server.start();
  } catch (...) {
    stop();
    throw;
  }
}

std::uint16_t sim_server::port() const { return impl_->server.port(); }

std::string sim_server::base_url() const {
  const auto& address = impl_->options.address;
  const bool v6 = address.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port());
}

void sim_server::stop() { impl_->stop(); }

simulator& sim_server::logic() { return impl_->sim; }

int run_simulator(const simulator_options& options, std::ostream& out) {
  try {
    sim_server server{options};
    server.start();
    out << "listening on " << server.base_url() << std::endl;
    runtime::wait_for_shutdown_signal();
    server.stop();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "sim-llm: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace openhouse::llm
