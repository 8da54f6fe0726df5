#include "agents/bots.hpp"

#include "agents/question_flow.hpp"
#include "agents/reply_policy.hpp"
#include "agents/unit_scope.hpp"

#include <algorithm>

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
             "must-haves, and scheduling a tour (you cannot book a time yourself: an agent "
             "confirms it).";
    case bot_kind::seller:
      return "Goal: help a seller: the property, its condition, their motivation and timeline, "
             "their price expectation; offer a free valuation, prepared by an agent, and never "
             "quote a value.";
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

const config::bot_settings& bot_flow(const config::market_config& cfg, bot_kind bot) {
  return settings_of(cfg, bot);
}

std::string bot_system_prompt(const config::market_config& cfg, bot_kind bot) {
  const auto& s = settings_of(cfg, bot);
  return fmt::format(
      "{persona}\n\n"
      "You text on behalf of {business} in {market}. Areas served: {cities}.\n"
      "{goal}\n"
      "Answer the lead's latest text in one or two short sentences: acknowledge it, or answer "
      "it when it asks something. Do not ask a question and do not use names: the next "
      "question of the conversation is added after your text. Plain SMS text, at most "
      "{max_chars} characters, no links, no emojis, never invent listings, prices or rates.",
      fmt::arg("persona", s.persona), fmt::arg("business", cfg.market.business_name),
      fmt::arg("market", cfg.market.name), fmt::arg("cities", served_cities(cfg)),
      fmt::arg("goal", goal_of(bot)), fmt::arg("max_chars", answer_chars(cfg)));
}

std::size_t answer_chars(const config::market_config& cfg) {
  // Room for the longest question of any flow after the answer.
  std::size_t longest = 0;
  for (const auto* flow : {&cfg.bots.lead, &cfg.bots.buyer, &cfg.bots.seller}) {
    for (const auto& q : flow->questions) {
      longest = std::max(longest, q.ask.size() + 1);
    }
  }
  constexpr std::size_t min_answer = 60;
  return cfg.reply.max_chars > longest + min_answer ? cfg.reply.max_chars - longest : min_answer;
}

cache::cache_request build_bot_reply(const config::market_config& cfg, bot_kind bot,
                                     std::string_view contact, const runtime::inbound_sms& inbound,
                                     std::optional<bot_kind> handed_from,
                                     const cache::generations& g, bool generations_verified) {
  cache::cache_request out;
  out.call.task = std::string{reply_task};
  out.call.contact = std::string{contact};  // whose budget pays for a miss
  auto& req = out.call.request;
  req.task = std::string{reply_task};  // the gateway routes the task to a model
  req.max_tokens = cfg.llm.max_output_tokens;
  req.system.push_back({bot_system_prompt(cfg, bot), true});
  std::string handoff;
  if (handed_from) {
    // What the receiving bot needs to introduce itself; the lead's details
    // in the handoff context choose its questions (agents/question_flow).
    handoff = fmt::format(
        "You are taking this conversation over from the {} assistant: say in a few words "
        "that you can help from here.",
        to_string(*handed_from));
    req.system.push_back({handoff, false});
  }
  req.messages.push_back({"user", inbound.body});
  auto& u = out.unit;
  u.task = std::string{reply_task};
  u.template_version = std::string{bot_reply_template};
  u.system_prompt = req.system.front().text;
  // The prompt reads the lead's text and nothing else of theirs: a PII-free
  // text gets one answer per bot for the whole market.
  u.scope = text_unit_scope(inbound.body, contact);
  u.market_id = cfg.market.id;
  if (u.scope == cache::scope::contact) {
    u.contact_id = std::string{contact};
  }
  u.generation = g;
  u.max_tokens = static_cast<std::uint32_t>(req.max_tokens);
  u.with("bot", std::string{to_string(bot)});
  u.with("handoff", handoff);
  u.with("inbound", inbound.body);
  // Matched by similarity when market-scoped (the cache never matches a
  // contact-scoped unit semantically); the other inputs must be equal.
  out.semantic_input = "inbound";
  out.question = inbound.body;
  // The lead's own number never goes into a stored answer.
  out.known_pii.emplace_back(contact);
  out.source_sid = inbound.sid;
  out.generations_verified = generations_verified;
  return out;
}

std::string finish_bot_reply(const config::market_config& cfg, bot_kind bot,
                             std::string_view answer, const lead_facts& facts,
                             std::span<const runtime::history_entry> history) {
  auto text = cap_reply(answer, answer_chars(cfg));
  if (text.empty()) {
    return {};
  }
  // The question is chosen here, not by the model, so the answer stays a
  // function of the lead's text alone (shareable between leads).
  const auto question = next_question(settings_of(cfg, bot), facts, history);
  return cap_reply(compose_reply(text, question), cfg.reply.max_chars);
}

}  // namespace openhouse::agents
