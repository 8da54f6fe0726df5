#include "integrations/llm/budget.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace openhouse::llm {

namespace {

/// The action one cap asks for, given the spending after this call.
budget_action against(double after, double cap, const config::budget_settings& s) {
  if (after <= cap) return budget_action::allow;
  if (s.action == config::over_cap_action::fallback) return budget_action::fallback;
  return after <= cap * s.hard_cap_ratio ? budget_action::downgrade : budget_action::fallback;
}

/// Keeps the more severe decision (allow < downgrade < fallback); on a tie the
/// first one found stays, so the contact's cap is named before the market's.
void keep_worst(budget_decision& worst, budget_action action, budget_scope scope,
                budget_metric metric) {
  if (static_cast<int>(action) > static_cast<int>(worst.action)) worst = {action, scope, metric};
}

}  // namespace

std::string_view to_string(budget_action a) noexcept {
  switch (a) {
    case budget_action::allow:
      return "allow";
    case budget_action::downgrade:
      return "downgrade";
    case budget_action::fallback:
      return "fallback";
  }
  return "unknown";
}

std::string_view to_string(budget_scope s) noexcept {
  switch (s) {
    case budget_scope::none:
      return "none";
    case budget_scope::contact:
      return "contact";
    case budget_scope::market:
      return "market";
  }
  return "unknown";
}

std::string_view to_string(budget_metric m) noexcept {
  switch (m) {
    case budget_metric::none:
      return "none";
    case budget_metric::tokens:
      return "tokens";
    case budget_metric::usd:
      return "usd";
  }
  return "unknown";
}

budget_tracker::budget_tracker(config::budget_settings settings) : settings_(std::move(settings)) {
  // A ratio below 1 would fall back before downgrading at all.
  settings_.hard_cap_ratio = std::max(settings_.hard_cap_ratio, 1.0);
}

spend at_least(spend a, spend b) noexcept {
  return {std::max(a.tokens, b.tokens), std::max(a.usd, b.usd)};
}

budget_decision decide(const config::budget_settings& settings, spend c, spend m,
                       std::int64_t estimated_tokens, double estimated_usd) {
  config::budget_settings s = settings;
  // A ratio below 1 would fall back before downgrading at all.
  s.hard_cap_ratio = std::max(s.hard_cap_ratio, 1.0);
  estimated_tokens = std::max<std::int64_t>(estimated_tokens, 0);
  estimated_usd = std::max(estimated_usd, 0.0);

  budget_decision worst;
  keep_worst(worst,
             against(static_cast<double>(c.tokens + estimated_tokens),
                     static_cast<double>(s.contact_daily_tokens), s),
             budget_scope::contact, budget_metric::tokens);
  keep_worst(worst, against(c.usd + estimated_usd, s.contact_daily_usd, s), budget_scope::contact,
             budget_metric::usd);
  keep_worst(worst,
             against(static_cast<double>(m.tokens + estimated_tokens),
                     static_cast<double>(s.market_daily_tokens), s),
             budget_scope::market, budget_metric::tokens);
  keep_worst(worst, against(m.usd + estimated_usd, s.market_daily_usd, s), budget_scope::market,
             budget_metric::usd);
  return worst;
}

std::int64_t to_micro_usd(double usd) noexcept {
  if (!(usd > 0)) return 0;
  return static_cast<std::int64_t>(std::ceil(usd * 1e6 - 1e-6));
}

double from_micro_usd(std::int64_t micro) noexcept { return static_cast<double>(micro) / 1e6; }

namespace {

/// '%', ':', '{', '}' and bytes up to space and DEL become %XX: the join
/// stays injective and no id can open or close a hash tag.
std::string escape_id(std::string_view id) {
  static constexpr std::string_view hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(id.size());
  for (const char ch : id) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f || c == '%' || c == ':' || c == '{' || c == '}') {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0f];
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

budget_keys budget_redis_keys(std::string_view prefix, std::string_view market,
                              std::string_view day, std::string_view contact) {
  const std::string tag =
      "{" + escape_id(prefix) + ":budget:" + escape_id(market) + ":" + escape_id(day) + "}";
  return {tag + ":contact:" + escape_id(contact), tag + ":market"};
}

budget_decision budget_tracker::check(std::string_view contact, std::string_view day_key,
                                      std::int64_t estimated_tokens, double estimated_usd) const {
  return decide(settings_, contact_spend(contact, day_key), market_spend(day_key), estimated_tokens,
                estimated_usd);
}

void budget_tracker::record(std::string_view contact, std::string_view day_key, std::int64_t tokens,
                            double usd) {
  if (day_key < day_) return;
  if (day_key > day_) {
    day_ = std::string(day_key);
    market_ = {};
    contacts_.clear();
  }
  tokens = std::max<std::int64_t>(tokens, 0);
  usd = std::max(usd, 0.0);
  market_.tokens += tokens;
  market_.usd += usd;
  spend& s = contacts_[std::string(contact)];
  s.tokens += tokens;
  s.usd += usd;
}

spend budget_tracker::contact_spend(std::string_view contact, std::string_view day_key) const {
  if (day_key != day_) return {};
  // Heterogeneous lookup needs C++20 transparent hashing; one string copy is cheap here.
  const auto it = contacts_.find(std::string(contact));
  return it == contacts_.end() ? spend{} : it->second;
}

spend budget_tracker::market_spend(std::string_view day_key) const {
  return day_key == day_ ? market_ : spend{};
}

}  // namespace openhouse::llm
