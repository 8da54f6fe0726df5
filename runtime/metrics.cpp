#include "runtime/metrics.hpp"

#include <prometheus/text_serializer.h>

namespace openhouse::runtime {

namespace {

const prometheus::Histogram::BucketBoundaries& latency_buckets() {
  // 0.5 ms .. 10 s: the all-hit path lives at the low end, provider calls at the high end.
  static const prometheus::Histogram::BucketBoundaries buckets{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return buckets;
}

}  // namespace

metrics::metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      webhook_requests_(&prometheus::BuildCounter()
                             .Name("openhouse_webhook_requests_total")
                             .Help("HTTP requests answered by the front end, by route and status")
                             .Register(*registry_)),
      webhook_duration_(&prometheus::BuildHistogram()
                             .Name("openhouse_webhook_duration_seconds")
                             .Help("Time from a complete request to its answer")
                             .Register(*registry_)),
      provider_calls_(&prometheus::BuildCounter()
                           .Name("openhouse_llm_provider_calls_total")
                           .Help("Calls made to the LLM provider, by model and task")
                           .Register(*registry_)),
      tokens_(&prometheus::BuildCounter()
                   .Name("openhouse_llm_tokens_total")
                   .Help("Tokens billed by the provider, by model and kind "
                         "(input, output, cache_write, cache_read)")
                   .Register(*registry_)),
      cost_(&prometheus::BuildCounter()
                 .Name("openhouse_llm_cost_usd_total")
                 .Help("Dollars spent on the provider, from the market's price table")
                 .Register(*registry_)) {}

void metrics::observe_webhook(std::string_view route, int status, double seconds) {
  webhook_requests_->Add({{"route", std::string{route}}, {"code", std::to_string(status)}})
      .Increment();
  webhook_duration_->Add({{"route", std::string{route}}}, latency_buckets()).Observe(seconds);
}

void metrics::count_provider_call(std::string_view model, std::string_view task) {
  provider_calls_->Add({{"model", std::string{model}}, {"task", std::string{task}}}).Increment();
}

void metrics::record_usage(std::string_view model, const llm::usage& tokens, double cost_usd) {
  const std::string m{model};
  tokens_->Add({{"model", m}, {"kind", "input"}}).Increment(static_cast<double>(tokens.input_tokens));
  tokens_->Add({{"model", m}, {"kind", "output"}})
      .Increment(static_cast<double>(tokens.output_tokens));
  tokens_->Add({{"model", m}, {"kind", "cache_write"}})
      .Increment(static_cast<double>(tokens.cache_creation_input_tokens));
  tokens_->Add({{"model", m}, {"kind", "cache_read"}})
      .Increment(static_cast<double>(tokens.cache_read_input_tokens));
  cost_->Add({{"model", m}}).Increment(cost_usd);
}

std::string metrics::render() const {
  return prometheus::TextSerializer{}.Serialize(registry_->Collect());
}

}  // namespace openhouse::runtime
