#include "integrations/crm/api_request.hpp"

#include "integrations/http/form.hpp"

#include <nlohmann/json.hpp>

namespace openhouse::crm {

namespace {

http::outbound_request json_request(const config::crm_settings& crm, std::string method,
                                    std::string url, const nlohmann::json& body,
                                    std::string_view key) {
  http::outbound_request req;
  req.method = std::move(method);
  req.url = std::move(url);
  req.headers = {"Authorization: Bearer " + crm.api_token, "Content-Type: application/json",
                 "Accept: application/json", "Idempotency-Key: " + std::string{key}};
  req.body = body.dump();
  return req;
}

std::vector<std::string> strings(const nlohmann::json& j, const char* name) {
  std::vector<std::string> out;
  if (j.contains(name) && j[name].is_array()) {
    for (const auto& t : j[name]) {
      if (t.is_string()) out.push_back(t.get<std::string>());
    }
  }
  return out;
}

}  // namespace

tag_sync temperature_tags(agents::temperature t) {
  tag_sync out;
  for (const auto each :
       {agents::temperature::hot, agents::temperature::warm, agents::temperature::cold}) {
    (each == t ? out.add : out.remove).emplace_back(agents::crm_tag(each));
  }
  return out;
}

std::string to_json(const tag_sync& tags) {
  return nlohmann::json{{"add", tags.add}, {"remove", tags.remove}}.dump();
}

tag_sync tag_sync_from_json(std::string_view json) {
  const auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return {};
  return tag_sync{strings(j, "add"), strings(j, "remove")};
}

std::string contact_url(std::string_view base, std::string_view contact) {
  std::string b{base};
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b + "/contacts/" + http::url_encode(contact);
}

std::vector<http::outbound_request> tag_requests(const config::crm_settings& crm,
                                                 std::string_view contact, const tag_sync& tags,
                                                 std::string_view key) {
  std::vector<http::outbound_request> out;
  const auto url = contact_url(crm.base_url, contact) + "/tags";
  if (!tags.add.empty()) {
    out.push_back(json_request(crm, "POST", url, {{"tags", tags.add}}, std::string{key} + ":add"));
  }
  if (!tags.remove.empty()) {
    out.push_back(
        json_request(crm, "DELETE", url, {{"tags", tags.remove}}, std::string{key} + ":remove"));
  }
  return out;
}

http::outbound_request note_request(const config::crm_settings& crm, std::string_view contact,
                                    std::string_view body, std::string_view key) {
  return json_request(crm, "POST", contact_url(crm.base_url, contact) + "/notes",
                      {{"body", std::string{body}}}, key);
}

std::vector<http::outbound_request> message_requests(const config::crm_settings& crm,
                                                     std::string_view contact,
                                                     std::string_view inbound,
                                                     std::string_view reply, std::string_view key) {
  std::vector<http::outbound_request> out;
  const auto url = contact_url(crm.base_url, contact) + "/messages";
  if (!inbound.empty()) {
    out.push_back(json_request(crm, "POST", url,
                               {{"direction", "inbound"}, {"body", std::string{inbound}}},
                               std::string{key} + ":in"));
  }
  if (!reply.empty()) {
    out.push_back(json_request(crm, "POST", url,
                               {{"direction", "outbound"}, {"body", std::string{reply}}},
                               std::string{key} + ":out"));
  }
  return out;
}

}  // namespace openhouse::crm
