#include "agents/follow_up.hpp"

#include "agents/compliance.hpp"

#include <chrono>

namespace openhouse::agents {

std::string_view to_string(follow_up_verdict v) noexcept {
  switch (v) {
    case follow_up_verdict::send:
      return "send";
    case follow_up_verdict::disabled:
      return "disabled";
    case follow_up_verdict::opted_out:
      return "opted_out";
    case follow_up_verdict::muted:
      return "muted";
    case follow_up_verdict::answered:
      return "answered";
    case follow_up_verdict::no_question:
      return "no_question";
    case follow_up_verdict::max_reached:
      return "max_reached";
    case follow_up_verdict::not_yet:
      return "not_yet";
    case follow_up_verdict::quiet_hours:
      return "quiet_hours";
    case follow_up_verdict::lead_quiet_hours:
      return "lead_quiet_hours";
  }
  return "unknown";
}

follow_up_verdict quiet_for_lead(const config::quiet_hours& quiet,
                                 const local_times& local) noexcept {
  if (in_quiet_hours(quiet, local.market_minute)) return follow_up_verdict::quiet_hours;
  // Every zone the area code spans: the number does not say on which side
  // of the line the lead lives, so the stricter clock wins.
  for (const int minute : local.lead_minutes) {
    if (in_quiet_hours(quiet, minute)) return follow_up_verdict::lead_quiet_hours;
  }
  return follow_up_verdict::send;
}

follow_up_verdict follow_up_due(const config::follow_up_settings& settings,
                                const config::quiet_hours& quiet, int local_minute_of_day,
                                std::int64_t now_ms, const silence& s) noexcept {
  return follow_up_due(settings, quiet, local_times{local_minute_of_day, {}}, now_ms, s);
}

follow_up_verdict follow_up_due(const config::follow_up_settings& settings,
                                const config::quiet_hours& quiet, const local_times& local,
                                std::int64_t now_ms, const silence& s) noexcept {
  if (!settings.enabled) return follow_up_verdict::disabled;
  if (s.opted_out) return follow_up_verdict::opted_out;
  if (s.muted) return follow_up_verdict::muted;
  // The anchor is the bot's message after the lead's last one in message
  // order (the store finds it by id): the same millisecond is the norm for a
  // reply (a cached turn takes less; the replay's clock stands still during
  // a turn) and is no answer. Only a lead message strictly later ends it.
  if (s.anchor_id == 0 || s.last_inbound_ms > s.last_outbound_ms) {
    return follow_up_verdict::answered;
  }
  if (!s.anchor_asks) return follow_up_verdict::no_question;
  if (s.follow_ups_sent >= settings.max_per_silence) return follow_up_verdict::max_reached;
  if (now_ms - s.last_outbound_ms < settings.after.count()) return follow_up_verdict::not_yet;
  return quiet_for_lead(quiet, local);
}

bool asks_question(std::string_view bot_message) noexcept {
  return bot_message.find('?') != std::string_view::npos;
}

std::string render_follow_up(const config::follow_up_settings& settings,
                             std::string_view business_name) {
  constexpr std::string_view placeholder = "{business_name}";
  std::string out;
  std::string_view rest = settings.text;
  for (auto at = rest.find(placeholder); at != std::string_view::npos;
       at = rest.find(placeholder)) {
    out += rest.substr(0, at);
    out += business_name;
    rest.remove_prefix(at + placeholder.size());
  }
  out += rest;
  return out;
}

std::string follow_up_key(std::int64_t anchor_id, int n) {
  return "follow_up:" + std::to_string(anchor_id) + ":" + std::to_string(n);
}

}  // namespace openhouse::agents
