#include "agents/lead_bot.hpp"

#include "agents/bots.hpp"

namespace openhouse::agents {

std::string lead_system_prompt(const config::market_config& cfg) {
  return bot_system_prompt(cfg, bot_kind::lead);
}

llm::messages_request build_lead_request(const config::market_config& cfg,
                                         const runtime::conversation_snapshot& conversation,
                                         std::string_view inbound) {
  llm::messages_request req;
  req.task = std::string{reply_task};  // the gateway routes the task to a model
  req.max_tokens = cfg.llm.max_output_tokens;
  req.system.push_back({lead_system_prompt(cfg), true});
  for (const auto& h : conversation.history) {
    // The Messages API wants alternating roles; merge consecutive lines of one side.
    if (!req.messages.empty() && req.messages.back().role == h.role) {
      req.messages.back().content += "\n" + h.text;
    } else {
      req.messages.push_back({h.role, h.text});
    }
  }
  // The first message must come from the user.
  while (!req.messages.empty() && req.messages.front().role != "user") {
    req.messages.erase(req.messages.begin());
  }
  if (!req.messages.empty() && req.messages.back().role == "user") {
    req.messages.back().content += "\n" + std::string{inbound};
  } else {
    req.messages.push_back({"user", std::string{inbound}});
  }
  return req;
}

cache::cache_request build_lead_reply(const config::market_config& cfg,
                                      const runtime::conversation_snapshot& conversation,
                                      std::string_view contact, const runtime::inbound_sms& inbound,
                                      const cache::generations& g, bool generations_verified) {
  cache::cache_request out;
  out.call.task = std::string{reply_task};
  out.call.contact = std::string{contact};
  out.call.request = build_lead_request(cfg, conversation, inbound.body);
  auto& u = out.unit;
  u.task = std::string{reply_task};
  u.template_version = std::string{lead_reply_template};
  u.system_prompt = out.call.request.system.empty() ? std::string{}
                                                     : out.call.request.system.front().text;
  u.scope = cache::scope::contact;
  u.market_id = cfg.market.id;
  u.contact_id = std::string{contact};
  u.generation = g;
  u.max_tokens = static_cast<std::uint32_t>(out.call.request.max_tokens);
  // Indexed names keep the history's order in the key.
  for (std::size_t i = 0; i < conversation.history.size(); ++i) {
    const auto& h = conversation.history[i];
    u.with("history." + std::to_string(i), h.role + ": " + h.text);
  }
  u.with("inbound", inbound.body);
  out.question = inbound.body;
  // The lead's own number never goes into a stored answer.
  out.known_pii.emplace_back(contact);
  out.source_sid = inbound.sid;
  out.generations_verified = generations_verified;
  return out;
}

}  // namespace openhouse::agents
