#include "agents/bots.hpp"

#include "agents/lead_bot.hpp"

#include <fmt/format.h>

namespace openhouse::agents {

namespace {

const config::bot_settings& settings_of(const config::market_config& cfg, bot_kind bot) {
  switch (bot) {
    case bot_kind::buyer:
      return cfg.bots.buyer;
    case bot_kind::seller:
      return cfg.bots.seller;
    case bot_kind::lead:
      break;
  }
  return cfg.bots.lead;
}

std::string_view goal_of(bot_kind bot) {
  switch (bot) {
    case bot_kind::buyer:
      return "Goal: help a buyer: pre-approval, budget, areas, bedrooms and bathrooms, "
             "must-haves, and scheduling a tour.";
    case bot_kind::seller:
      return "Goal: help a seller: the property, its condition, their motivation and timeline, "
             "their price expectation; offer a free valuation, never quote a value.";
    case bot_kind::lead:
      break;
  }
  return "Goal: find out whether the lead wants to buy, sell or both, their timeline, and their "
         "financing (buyers) or motivation (sellers).";
}

}  // namespace

std::string served_cities(const config::market_config& cfg) {
  std::string cities;
  for (const auto& c : cfg.market.cities) {
    cities += (cities.empty() ? "" : ", ") + c.name;
  }
  return cities;
}

std::string bot_system_prompt(const config::market_config& cfg, bot_kind bot) {
  const auto& s = settings_of(cfg, bot);
  std::string flow;
  for (const auto& q : s.questions) {
    flow += "- " + q + "\n";
  }
  return fmt::format(
      "{persona}\n\n"
      "You text on behalf of {business} in {market}. Areas served: {cities}.\n"
      "{goal} Ask one question at a time, in this order when it fits:\n{flow}"
      "Rules: reply in plain SMS text, at most {max_chars} characters, no links, no emojis, "
      "never invent listings, prices or rates.",
      fmt::arg("persona", s.persona), fmt::arg("business", cfg.market.business_name),
      fmt::arg("market", cfg.market.name), fmt::arg("cities", served_cities(cfg)),
      fmt::arg("goal", goal_of(bot)), fmt::arg("flow", flow),
      fmt::arg("max_chars", cfg.reply.max_chars));
}

cache::cache_request build_bot_reply(const config::market_config& cfg, bot_kind bot,
                                     const runtime::conversation_snapshot& conversation,
                                     std::string_view contact, const runtime::inbound_sms& inbound,
                                     std::string_view handoff_context,
                                     const cache::generations& g, bool generations_verified) {
  auto out = build_lead_reply(cfg, conversation, contact, inbound, g, generations_verified);
  auto& req = out.call.request;
  req.system.clear();
  req.system.push_back({bot_system_prompt(cfg, bot), true});
  if (!handoff_context.empty()) {
    // A separate, uncached block: it changes per lead, the prompt above does not.
    req.system.push_back({std::string{handoff_context}, false});
  }
  auto& u = out.unit;
  u.template_version = std::string{bot_reply_template};
  u.system_prompt = req.system.front().text;
  u.with("bot", std::string{to_string(bot)});
  u.with("handoff_context", std::string{handoff_context});
  return out;
}

}  // namespace openhouse::agents
