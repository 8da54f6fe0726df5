#include "integrations/llm/pricing.hpp"

namespace openhouse::llm {

namespace {

constexpr double per_million = 1e-6;

double tokens_at(std::int64_t tokens, double usd_per_million) {
  // Negative counts only come from a broken answer; they must not refund.
  return tokens > 0 ? static_cast<double>(tokens) * usd_per_million * per_million : 0.0;
}

}  // namespace

double cost_usd(const config::model_price& price, const usage& tokens) noexcept {
  return tokens_at(tokens.input_tokens, price.input) +
         tokens_at(tokens.output_tokens, price.output) +
         tokens_at(tokens.cache_creation_input_tokens, price.cache_write) +
         tokens_at(tokens.cache_read_input_tokens, price.cache_read);
}

double baseline_cost_usd(const config::model_price& price, const usage& tokens) noexcept {
  return tokens_at(tokens.input_tokens, price.input) +
         tokens_at(tokens.cache_creation_input_tokens, price.input) +
         tokens_at(tokens.cache_read_input_tokens, price.input) +
         tokens_at(tokens.output_tokens, price.output);
}

}  // namespace openhouse::llm
