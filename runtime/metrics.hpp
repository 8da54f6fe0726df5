#pragma once

#include "integrations/llm/messages.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>

namespace openhouse::runtime {

/// The node's Prometheus registry and the instruments the front end and the
/// actors update. Thread-safe; one instance per node, passed down.
class metrics {
public:
  metrics();

  /// Counts one webhook answer and observes its duration.
  void observe_webhook(std::string_view route, int status, double seconds);

  /// Counts one provider call (each attempt is one).
  void count_provider_call(std::string_view model, std::string_view task);

  /// Adds an answered call's tokens (by kind) and dollars.
  void record_usage(std::string_view model, const llm::usage& tokens, double cost_usd);

  /// The Prometheus text exposition of everything registered.
  [[nodiscard]] std::string render() const;

  [[nodiscard]] prometheus::Registry& registry() { return *registry_; }

private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* webhook_requests_;
  prometheus::Family<prometheus::Histogram>* webhook_duration_;
  prometheus::Family<prometheus::Counter>* provider_calls_;
  prometheus::Family<prometheus::Counter>* tokens_;
  prometheus::Family<prometheus::Counter>* cost_;
};

}  // namespace openhouse::runtime
