#include "runtime/llm_worker.hpp"

#include "integrations/llm/anthropic_client.hpp"
#include "integrations/llm/openai_client.hpp"

#include <caf/actor_pool.hpp>
#include <caf/all.hpp>

#include <spdlog/spdlog.h>

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

/// Either provider behind one call signature (both clients never throw).
using send_fn = std::function<std::variant<llm::messages_response, llm::client_error>(
    const llm::messages_request&)>;

struct llm_worker_state {
  send_fn send;
};

send_fn make_client(const std::string& provider, llm::client_options options) {
  if (provider == "openai") {
    auto client = std::make_shared<llm::openai_client>(std::move(options));
    return [client](const llm::messages_request& r) { return client->send(r); };
  }
  auto client = std::make_shared<llm::anthropic_client>(std::move(options));
  return [client](const llm::messages_request& r) { return client->send(r); };
}

llm_actor::behavior_type llm_worker(llm_actor::stateful_pointer<llm_worker_state> self,
                                    std::string provider, llm::client_options options) {
  self->state.send = make_client(provider, std::move(options));
  return {
      [self](complete_atom,
             const llm::messages_request& req) -> caf::result<llm::messages_response> {
        auto outcome = self->state.send(req);
        if (auto* err = std::get_if<llm::client_error>(&outcome)) {
          spdlog::warn("llm: {} call for task '{}' failed: {} ({})", req.model, req.task,
                       llm::to_string(err->code), err->message);
          return make_provider_error(*err);
        }
        return std::get<llm::messages_response>(std::move(outcome));
      },
  };
}

}  // namespace

llm_actor spawn_llm_pool(caf::actor_system& sys, const config::llm_settings& settings) {
  llm::client_options options;
  options.base_url = settings.base_url;
  options.api_key = settings.api_key;
  options.timeout = settings.timeout;
  auto factory = [&sys, provider = settings.provider, options] {
    return caf::actor_cast<caf::actor>(sys.spawn<caf::detached>(llm_worker, provider, options));
  };
  auto pool =
      caf::actor_pool::make(sys.dummy_execution_unit(), std::max<std::size_t>(1, settings.workers),
                            factory, caf::actor_pool::round_robin());
  return caf::actor_cast<llm_actor>(pool);
}

}  // namespace openhouse::runtime
