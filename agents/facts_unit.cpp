#include "agents/facts_unit.hpp"

#include "agents/question_flow.hpp"
#include "agents/unit_scope.hpp"

namespace openhouse::agents {

std::string facts_system_prompt() {
  return "Extract what a real-estate lead has said about themselves. Answer only with compact "
         "JSON, null for anything not said: {\"intent\", \"budget\", \"pre_approved\", "
         "\"down_payment_pct\", \"timeline_months\", \"motivation\", \"condition\", "
         "\"price_expectation\", \"bedrooms\", \"bathrooms\", \"areas\", \"must_haves\", "
         "\"property_type\", \"zip\"}.";
}

cache::cache_request build_facts_request(const config::market_config& cfg,
                                         std::span<const runtime::history_entry> history,
                                         std::string_view contact,
                                         const runtime::inbound_sms& inbound,
                                         const cache::generations& g, bool generations_verified) {
  constexpr std::uint32_t max_tokens = 250;
  cache::cache_request out;
  out.call.task = std::string{facts_task};
  out.call.contact = std::string{contact};
  auto& req = out.call.request;
  req.task = std::string{facts_task};
  req.max_tokens = max_tokens;
  req.system.push_back({facts_system_prompt(), true});
  auto& u = out.unit;
  u.task = std::string{facts_task};
  u.template_version = std::string{facts_template};
  u.system_prompt = facts_system_prompt();
  // The prompt reads the message and the flow question it answers, nothing
  // else of the lead: a PII-free message is read once for the whole market.
  u.scope = text_unit_scope(inbound.body, contact);
  u.market_id = cfg.market.id;
  if (u.scope == cache::scope::contact) {
    u.contact_id = std::string{contact};
  }
  u.generation = g;
  u.max_tokens = max_tokens;
  // The new message, and the flow question it may answer ("yes" means
  // something only next to "are you pre-approved?"). Earlier facts are kept
  // by the merge (agents/lead_state), so older messages need not be read
  // again; and the question, not the whole last text, is what the answer
  // refers to — the same for every lead at that step, so the key can hit.
  std::string asked;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->role == "assistant") {
      asked = asked_question(cfg.bots, it->text);
      break;
    }
  }
  u.with("message", inbound.body);
  u.with("asked", asked);
  req.messages.push_back(
      {"user", asked.empty() ? inbound.body : inbound.body + "\n(in reply to: " + asked + ")"});
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
