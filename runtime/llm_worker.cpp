#include "runtime/llm_worker.hpp"

#include "integrations/llm/anthropic_client.hpp"

#include <caf/actor_pool.hpp>
#include <caf/all.hpp>

#include <spdlog/spdlog.h>

namespace openhouse::runtime {

namespace {

struct llm_worker_state {
  std::unique_ptr<llm::anthropic_client> client;
};

llm_actor::behavior_type llm_worker(llm_actor::stateful_pointer<llm_worker_state> self,
                                    llm::client_options options) {
  self->state.client = std::make_unique<llm::anthropic_client>(std::move(options));
  return {
      [self](complete_atom,
             const llm::messages_request& req) -> caf::result<llm::messages_response> {
        auto outcome = self->state.client->send(req);
        if (auto* err = std::get_if<llm::client_error>(&outcome)) {
          spdlog::warn("llm: {} call for task '{}' failed: {} ({})", req.model, req.task,
                       llm::to_string(err->code), err->message);
          return llm::make_error(err->code, err->message);
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
  auto factory = [&sys, options] {
    return caf::actor_cast<caf::actor>(sys.spawn<caf::detached>(llm_worker, options));
  };
  auto pool = caf::actor_pool::make(sys.dummy_execution_unit(),
                                    std::max<std::size_t>(1, settings.workers), factory,
                                    caf::actor_pool::round_robin());
  return caf::actor_cast<llm_actor>(pool);
}

}  // namespace openhouse::runtime
