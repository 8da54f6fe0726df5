#include "integrations/twilio/twiml.hpp"

namespace openhouse::twilio {

std::string xml_escape(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (const char c : in) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string message_response(std::string_view body) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>)"
         "<Response><Message>" +
         xml_escape(body) + "</Message></Response>";
}

std::string empty_response() { return R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)"; }

}  // namespace openhouse::twilio
