#include "agents/faq_unit.hpp"

#include "agents/bots.hpp"

#include <fmt/format.h>

namespace openhouse::agents {

std::string faq_system_prompt(const config::market_config& cfg) {
  return fmt::format(
      "You answer general real-estate questions by SMS for {business} in {market} (areas: "
      "{cities}). Answer the question in plain text, at most {max_chars} characters, without "
      "addressing anyone by name and without quoting prices or rates you do not know; offer an "
      "agent for specifics.",
      fmt::arg("business", cfg.market.business_name), fmt::arg("market", cfg.market.name),
      fmt::arg("cities", served_cities(cfg)), fmt::arg("max_chars", cfg.reply.max_chars));
}

cache::cache_request build_faq_request(const config::market_config& cfg, std::string_view contact,
                                       const runtime::inbound_sms& inbound,
                                       const cache::generations& g, bool generations_verified) {
  cache::cache_request out;
  out.call.task = std::string{faq_task};
  out.call.contact = std::string{contact};  // whose budget pays for the miss
  auto& req = out.call.request;
  req.task = std::string{faq_task};
  req.max_tokens = cfg.llm.max_output_tokens;
  req.system.push_back({faq_system_prompt(cfg), true});
  req.messages.push_back({"user", inbound.body});
  auto& u = out.unit;
  u.task = std::string{faq_task};
  u.template_version = std::string{faq_template};
  u.system_prompt = req.system.front().text;
  u.scope = cache::scope::market;
  u.market_id = cfg.market.id;
  u.generation = g;
  u.max_tokens = static_cast<std::uint32_t>(req.max_tokens);
  u.with("question", inbound.body);
  out.semantic_input = "question";
  out.question = inbound.body;
  out.known_pii.emplace_back(contact);
  out.source_sid = inbound.sid;
  out.generations_verified = generations_verified;
  return out;
}

}  // namespace openhouse::agents
