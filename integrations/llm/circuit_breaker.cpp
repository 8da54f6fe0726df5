#include "integrations/llm/circuit_breaker.hpp"

#include <algorithm>

namespace openhouse::llm {

std::string_view to_string(breaker_state s) noexcept {
  switch (s) {
    case breaker_state::closed:
      return "closed";
    case breaker_state::open:
      return "open";
    case breaker_state::half_open:
      return "half_open";
  }
  return "unknown";
}

circuit_breaker::circuit_breaker(config::breaker_settings settings) : settings_(settings) {
  settings_.failure_threshold = std::max(settings_.failure_threshold, 1);
}

bool circuit_breaker::allow(time_point now) {
  switch (state_) {
    case breaker_state::closed:
      return true;
    case breaker_state::open:
      if (now - opened_at_ < settings_.open) return false;
      state_ = breaker_state::half_open;
      trial_in_flight_ = true;
      trial_started_ = now;
      return true;
    case breaker_state::half_open:
      if (trial_in_flight_ && now - trial_started_ < settings_.open) return false;
      trial_in_flight_ = true;
      trial_started_ = now;
      return true;
  }
  return false;
}

void circuit_breaker::on_success(time_point /*now*/) {
  switch (state_) {
    case breaker_state::closed:
      failures_ = 0;
      break;
    case breaker_state::half_open:
      state_ = breaker_state::closed;
      failures_ = 0;
      trial_in_flight_ = false;
      break;
    case breaker_state::open:
      break;
  }
}

void circuit_breaker::on_failure(time_point now) {
  switch (state_) {
    case breaker_state::closed:
      if (++failures_ >= settings_.failure_threshold) open_at(now);
      break;
    case breaker_state::half_open:
      open_at(now);
      break;
    case breaker_state::open:
      break;
  }
}

std::optional<circuit_breaker::time_point> circuit_breaker::open_until() const {
  if (state_ != breaker_state::open) return std::nullopt;
  return opened_at_ + settings_.open;
}

void circuit_breaker::open_at(time_point now) {
  state_ = breaker_state::open;
  opened_at_ = now;
  failures_ = 0;
  trial_in_flight_ = false;
}

}  // namespace openhouse::llm
