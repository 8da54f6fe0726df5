#include "cache/entry_tags.hpp"

namespace openhouse::cache {

namespace {

/// Length-prefixed, so ids containing the separator never collide.
void append_part(std::string& out, std::string_view part) {
  out += std::to_string(part.size());
  out += ':';
  out += part;
}

}  // namespace

std::string task_tag(std::string_view task) {
  std::string out{"t|"};
  append_part(out, task);
  return out;
}

std::string market_tag(std::string_view market) {
  std::string out{"m|"};
  append_part(out, market);
  return out;
}

std::string contact_tag(std::string_view market, std::string_view contact) {
  std::string out{"c|"};
  append_part(out, market);
  append_part(out, contact);
  return out;
}

std::vector<std::string> entry_tags(const unit& u) {
  std::vector<std::string> tags{task_tag(u.task)};
  if (has_market(u.scope)) {
    tags.push_back(market_tag(u.market_id));
  }
  if (has_contact(u.scope)) {
    tags.push_back(contact_tag(u.market_id, u.contact_id));
  }
  return tags;
}

}  // namespace openhouse::cache
