#pragma once

#include "core/llm_messages.hpp"

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <utility>

/// CAF glue for the LLM wire types: inspect() overloads so that requests and
/// responses can travel in actor messages (and across nodes), and client_errc
/// as a CAF error category "llm".
namespace openhouse::llm {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, system_block& x) {
  return f(caf::meta::type_name("system_block"), x.text, x.cache);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_message& x) {
  return f(caf::meta::type_name("chat_message"), x.role, x.content);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, messages_request& x) {
  return f(caf::meta::type_name("messages_request"), x.model, x.system, x.messages, x.max_tokens,
           x.task, x.stream, x.tools_json);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, usage& x) {
  return f(caf::meta::type_name("usage"), x.input_tokens, x.output_tokens,
           x.cache_creation_input_tokens, x.cache_read_input_tokens);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, messages_response& x) {
  return f(caf::meta::type_name("messages_response"), x.id, x.model, x.text, x.stop_reason,
           x.tokens, x.tool_calls_json);
}

/// The CAF error category of client_errc. Register it on the actor system
/// config with `cfg.add_error_category<llm::client_errc>(llm::error_category)`
/// so that errors render as "llm: rate_limited - <message>".
inline constexpr caf::atom_value error_category = caf::atom("llm");

/// client_errc as a caf::error (also makes client_errc convertible to caf::error).
inline caf::error make_error(client_errc code) {
  return caf::error{static_cast<std::uint8_t>(code), error_category};
}

/// client_errc with the provider's message as context.
inline caf::error make_error(client_errc code, std::string message) {
  return caf::error{static_cast<std::uint8_t>(code), error_category,
                    caf::make_message(std::move(message))};
}

}  // namespace openhouse::llm
