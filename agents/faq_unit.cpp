#include "agents/faq_unit.hpp"

#include "agents/bots.hpp"
#include "agents/unit_scope.hpp"

#include <fmt/format.h>

namespace openhouse::agents {

namespace {

/// What every FAQ unit shares: task, model limits, the stable prompt.
cache::cache_request faq_base(const config::market_config& cfg, std::string_view contact,
                              const runtime::inbound_sms& inbound, const cache::generations& g,
                              bool generations_verified) {
  cache::cache_request out;
  out.call.task = std::string{faq_task};
  out.call.contact = std::string{contact};  // whose budget pays for the miss
  auto& req = out.call.request;
  req.task = std::string{faq_task};
  req.max_tokens = cfg.llm.max_output_tokens;
  req.system.push_back({faq_system_prompt(cfg), true});
  auto& u = out.unit;
  u.task = std::string{faq_task};
  u.system_prompt = req.system.front().text;
  u.scope = cache::scope::market;
  u.market_id = cfg.market.id;
  u.generation = g;
  u.max_tokens = static_cast<std::uint32_t>(req.max_tokens);
  out.known_pii.emplace_back(contact);
  out.source_sid = inbound.sid;
  out.generations_verified = generations_verified;
  return out;
}

}  // namespace

std::string faq_system_prompt(const config::market_config& cfg) {
  return fmt::format(
      "You answer general real-estate questions by SMS for {business} in {market} (areas: "
      "{cities}). Answer in plain text, at most {max_chars} characters, from the brokerage's "
      "facts given below; do not ask a question, do not address anyone by name, and never "
      "quote a figure the facts do not give: say an agent will confirm it instead.",
      fmt::arg("business", cfg.market.business_name), fmt::arg("market", cfg.market.name),
      fmt::arg("cities", served_cities(cfg)), fmt::arg("max_chars", answer_chars(cfg)));
}

cache::cache_request build_topic_faq_request(const config::market_config& cfg,
                                             const faq_topic& topic, std::string_view contact,
                                             const runtime::inbound_sms& inbound,
                                             const cache::generations& g,
                                             bool generations_verified) {
  auto out = faq_base(cfg, contact, inbound, g, generations_verified);
  const auto& entry = *topic.entry;
  auto& req = out.call.request;
  req.system.push_back({"Answer from these facts only:\n" + entry.answer, false});
  std::string ask = "Answer the question about: " + entry.id;
  if (!topic.city.empty()) ask += ", for someone asking about " + topic.city;
  req.messages.push_back({"user", ask});
  auto& u = out.unit;
  u.template_version = std::string{faq_topic_template};
  // The key is the meaning: the topic, the city and the facts (an edited
  // answer in the YAML is a new entry), never the lead's words.
  u.with("topic", entry.id);
  u.with("city", topic.city);
  u.with("facts", entry.answer);
  return out;
}

cache::cache_request build_faq_request(const config::market_config& cfg, const faq_catalog& catalog,
                                       std::string_view contact,
                                       const runtime::inbound_sms& inbound,
                                       const cache::generations& g, bool generations_verified) {
  auto out = faq_base(cfg, contact, inbound, g, generations_verified);
  auto& req = out.call.request;
  // The entries the question touches, for the model to draw on; the key
  // holds them too (an edited answer is a new entry).
  const auto facts = catalog.related_facts(inbound.body);
  req.system.push_back({facts.empty() ? std::string{"The brokerage's facts: none on this question."}
                                      : "The brokerage's facts:\n" + facts,
                        false});
  req.messages.push_back({"user", inbound.body});
  auto& u = out.unit;
  u.template_version = std::string{faq_template};
  u.with("facts", facts);
  // A text with PII is answered for this lead alone.
  u.scope = text_unit_scope(inbound.body, contact);
  if (u.scope == cache::scope::contact) u.contact_id = std::string{contact};
  u.with("question", inbound.body);
  out.semantic_input = "question";
  out.question = inbound.body;
  return out;
}

}  // namespace openhouse::agents
