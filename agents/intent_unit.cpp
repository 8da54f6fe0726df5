#include "agents/intent_unit.hpp"

#include "agents/unit_scope.hpp"

namespace openhouse::agents {

std::string intent_system_prompt() {
  return "Classify the intent of a real-estate lead's SMS. Answer only with JSON: "
         "{\"intent\": one of \"buyer\", \"seller\", \"faq\", \"scheduling\", \"human\", "
         "\"opt_out\", \"greeting\", \"other\"; \"confidence\": 0..1; \"scores\": {intent: "
         "0..1, ...}; \"topic\": the FAQ topic or null}.";
}

cache::cache_request build_intent_request(const config::market_config& cfg,
                                          std::string_view contact,
                                          const runtime::inbound_sms& inbound,
                                          const cache::generations& g, bool generations_verified) {
  // Enough for the JSON above; a cut answer is never stored anyway.
  constexpr std::uint32_t max_tokens = 150;
  cache::cache_request out;
  out.call.task = std::string{intent_task};
  out.call.contact = std::string{contact};
  out.call.request.task = std::string{intent_task};
  out.call.request.max_tokens = max_tokens;
  out.call.request.system.push_back({intent_system_prompt(), true});
  out.call.request.messages.push_back({"user", inbound.body});
  auto& u = out.unit;
  u.task = std::string{intent_task};
  u.template_version = std::string{intent_template};
  u.system_prompt = intent_system_prompt();
  // The prompt reads the text alone: a PII-free text is classified once for
  // the whole market.
  u.scope = text_unit_scope(inbound.body, contact);
  u.market_id = cfg.market.id;
  if (u.scope == cache::scope::contact) {
    u.contact_id = std::string{contact};
  }
  u.generation = g;
  u.max_tokens = max_tokens;
  u.with("message", inbound.body);
  // Matched by similarity when market-scoped (the cache never matches a
  // contact-scoped unit semantically); the other inputs must be equal.
  out.semantic_input = "message";
  out.question = inbound.body;
  out.known_pii.emplace_back(contact);
  out.source_sid = inbound.sid;
  out.generations_verified = generations_verified;
  return out;
}

}  // namespace openhouse::agents
