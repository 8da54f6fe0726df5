#pragma once

#include <string>
#include <string_view>

namespace openhouse::twilio {

/// `<Response><Message>body</Message></Response>`, XML-escaped.
std::string message_response(std::string_view body);

/// `<Response/>`: nothing to send now (or the reply goes out by REST).
std::string empty_response();

/// Escapes &, <, >, " and ' for XML text and attributes.
std::string xml_escape(std::string_view in);

}  // namespace openhouse::twilio
