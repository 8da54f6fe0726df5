#include "integrations/http/routes.hpp"

#include "agents/outbox_retry.hpp"
#include "core/phone_number.hpp"
#include "integrations/crm/payload.hpp"
#include "integrations/crm/replay_guard.hpp"
#include "integrations/http/dashboard.hpp"
#include "integrations/http/form.hpp"
#include "integrations/http/request_auth.hpp"
#include "integrations/twilio/twiml.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <string>

namespace openhouse::http {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view xml_type = "text/xml; charset=utf-8";
/// The admin endpoints' JSON bodies name a scope and a number or a key.
constexpr std::size_t admin_body_limit = 16 * 1024;

/// A path segment with its %XX escapes decoded ("%2B1909..." is "+1909...");
/// nullopt when an escape is broken.
std::optional<std::string> decode_segment(std::string_view segment) {
  std::string out;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      out += segment[i];
      continue;
    }
    if (i + 2 >= segment.size() || std::isxdigit(static_cast<unsigned char>(segment[i + 1])) == 0 ||
        std::isxdigit(static_cast<unsigned char>(segment[i + 2])) == 0) {
      return std::nullopt;
    }
    out += static_cast<char>(std::stoi(std::string{segment.substr(i + 1, 2)}, nullptr, 16));
    i += 2;
  }
  return out;
}

/// What every handler shares: the node's dependencies and the CRM's replay
/// guard (the one piece of state the front keeps).
struct front_state {
  front_deps deps;
  std::shared_ptr<crm::replay_guard> crm_guard;
};

using state_ptr = std::shared_ptr<const front_state>;

// One handler per route. Each runs after the table checked the method, the
// body limit and the route's auth, and answers through `reply`, once.

void healthz(const front_state&, request&&, const route_params&, responder reply) {
  reply.send(bhttp::status::ok, R"({"status":"ok"})");
}

void readyz(const front_state& s, request&&, const route_params&, responder reply) {
  if (s.deps.draining && s.deps.draining->load()) {
    // No probe: the answer must not wait on a dependency while draining.
    const auto a = answer_readiness({}, true);
    return reply.send(static_cast<bhttp::status>(a.status), a.body);
  }
  s.deps.check_ready([reply = std::move(reply), draining = s.deps.draining](const readiness& r) {
    // SIGTERM may have come while the probe ran.
    const auto a = answer_readiness(r, draining && draining->load());
    reply.send(static_cast<bhttp::status>(a.status), a.body);
  });
}

void metrics_text(const front_state& s, request&&, const route_params&, responder reply) {
  reply.send(bhttp::status::ok, s.deps.metrics->render(),
             "text/plain; version=0.0.4; charset=utf-8");
}

void dashboard(const front_state&, request&&, const route_params&, responder reply) {
  auto res =
      reply.make(bhttp::status::ok, std::string{dashboard_html()}, "text/html; charset=utf-8");
  // Always this build's page; and whatever ends up in it, the page
  // may reach nothing but this node (it must work offline anyway).
  res.set(bhttp::field::cache_control, "no-store");
  res.set("Content-Security-Policy",
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
          "connect-src 'self'; base-uri 'none'; form-action 'none'");
  reply.send(std::move(res));
}

/// The form of a Twilio webhook whose signature the table checked (over
/// the same form); nullopt after answering 400 itself.
std::optional<form> twilio_form(const request& req, const responder& reply) {
  auto parsed = form::parse(req.body());
  if (!parsed) {
    reply.refuse(front_errc::malformed, "malformed form body");
  }
  return parsed;
}

/// POST /webhooks/twilio/sms.
void twilio_sms(const front_state& s, request&& req, const route_params&, responder reply) {
  auto parsed = twilio_form(req, reply);
  if (!parsed) {
    return;
  }
  // Text fields are read repaired (form::text): bytes PostgreSQL refuses
  // would fail every redelivery, so they are decided here, once.
  const auto sid = parsed->text("MessageSid");
  const auto from = parsed->get("From");
  const auto body = parsed->text("Body");
  if (!sid || sid->empty() || !from || !body) {
    return reply.refuse(front_errc::malformed, "MessageSid, From and Body are required");
  }
  if (!core::is_phone_number(*from)) {
    return reply.refuse(front_errc::malformed, "From is not an E.164 number");
  }
  runtime::inbound_sms msg;
  msg.sid = *sid;
  msg.from = std::string{*from};
  msg.to = parsed->text("To").value_or("");
  msg.body = *body;
  msg.received_at_ms = s.deps.time->now_ms();

  // REST mode: the reply leaves through the outbox, the webhook only acks.
  const bool rest = s.deps.config->twilio.mode == config::reply_mode::rest;
  s.deps.submit_sms(std::move(msg), [reply = std::move(reply), rest](submit_outcome outcome) {
    if (!outcome) {
      // Nothing was acknowledged: Twilio (or the operator) may deliver it
      // again, and the stored inbound row makes that safe.
      return reply.send(status_of(front_errc::unavailable), twilio::empty_response(),
                        std::string{xml_type});
    }
    const auto& text = outcome->reply;
    reply.send(bhttp::status::ok,
               text.empty() || rest ? twilio::empty_response() : twilio::message_response(text),
               std::string{xml_type});
  });
}

/// POST /webhooks/twilio/status: a delivery report of an SMS the outbox
/// sent. An unknown sid is acknowledged (Twilio would retry otherwise) and
/// changes nothing.
void twilio_status(const front_state& s, request&& req, const route_params&, responder reply) {
  auto parsed = twilio_form(req, reply);
  if (!parsed) {
    return;
  }
  const auto sid = parsed->text("MessageSid");
  const auto status = parsed->get("MessageStatus");
  if (!sid || sid->empty() || !status || !runtime::is_delivery_status(*status)) {
    return reply.refuse(front_errc::malformed, "MessageSid and a known MessageStatus are required");
  }
  s.deps.record_delivery(std::string{*sid}, std::string{*status},
                         [reply = std::move(reply)](bool found, const std::string& error) {
                           if (!error.empty()) {
                             return reply.refuse(front_errc::unavailable, error);
                           }
                           reply.send(
                               bhttp::status::ok,
                               nlohmann::json{{"status", found ? "recorded" : "unknown"}}.dump());
                         });
}

/// POST /webhooks/crm: signed (checked by the table), parsed, checked
/// against replays, then an inbound SMS for the bots or a change of the
/// contact. Nothing is acknowledged before it is stored; a redelivery is
/// acknowledged and changes nothing.
void crm_webhook(const front_state& s, request&& req, const route_params&, responder reply) {
  auto parsed = crm::parse_webhook(req.body());
  if (!parsed && parsed.error().unknown_type) {
    // HighLevel sends every subscribed event to one URL: a signed event
    // this runtime does not handle is acknowledged (a 4xx would only make
    // the CRM retry it) and changes nothing.
    return reply.send(
        bhttp::status::ok,
        nlohmann::json{{"status", "ignored"}, {"reason", parsed.error().message}}.dump());
  }
  if (!parsed) {
    return reply.refuse(front_errc::malformed, parsed.error().message);
  }
  const auto& meta =
      std::visit([](const auto& w) -> const crm::delivery& { return w.meta; }, *parsed);
  switch (s.crm_guard->check(meta.webhook_id, meta.timestamp_ms)) {
    case crm::delivery_verdict::too_old:
    case crm::delivery_verdict::too_new:
      // A signed body can be captured and replayed; only a recent one counts.
      return reply.refuse(front_errc::bad_signature, "timestamp outside the replay window");
    case crm::delivery_verdict::duplicate:
      return reply.send(bhttp::status::ok, nlohmann::json{{"status", "duplicate"}}.dump());
    case crm::delivery_verdict::fresh:
      break;
  }
  auto answer = [guard = s.crm_guard, id = meta.webhook_id, ts = meta.timestamp_ms,
                 reply = std::move(reply)](bool ok, const nlohmann::json& body) {
    if (!ok) {
      // Not stored: the CRM retries, and that is safe.
      return reply.send(status_of(front_errc::unavailable), body.dump());
    }
    guard->remember(id, ts);
    reply.send(bhttp::status::ok, body.dump());
  };
  // Each market is a CRM location: an event of a location this node does
  // not serve is acknowledged (a retry would not change that) and dropped.
  std::string market_number = s.deps.config->market.phone_number;
  if (s.deps.market_number_of_location) {
    market_number = s.deps.market_number_of_location(meta.location_id);
    if (market_number.empty()) {
      spdlog::warn("crm webhook {}: location '{}' is no market of this node; ignored",
                   meta.webhook_id, meta.location_id);
      return answer(true, {{"status", "ignored"}, {"reason", "unknown location"}});
    }
  }
  if (auto* m = std::get_if<crm::inbound_message>(&*parsed)) {
    if (!m->for_bots()) {
      return answer(true, {{"status", "ignored"}, {"reason", "not an inbound SMS"}});
    }
    runtime::inbound_sms msg;
    msg.sid = m->message_id;  // plays Twilio's MessageSid: the same idempotency
    msg.from = m->phone;
    msg.to = market_number;
    msg.body = m->body;
    msg.received_at_ms = s.deps.time->now_ms();
    s.deps.submit_sms(std::move(msg), [answer](submit_outcome outcome) {
      if (!outcome) {
        return answer(false, {{"error", outcome.error()}});
      }
      if (outcome->duplicate) {
        // The message was answered (or is being answered) already: its
        // reply is not handed out again, so nothing sends it twice.
        return answer(true, {{"status", "duplicate"}});
      }
      answer(true, {{"status", "accepted"}, {"reply", outcome->reply}});
    });
    return;
  }
  const auto& c = std::get<crm::contact_change>(*parsed);
  runtime::crm_event ev;
  ev.webhook_id = c.meta.webhook_id;
  ev.kind = c.meta.type;
  ev.contact = c.phone;
  ev.full_tags = c.tags.has_value();
  if (c.tags) {
    ev.tags = *c.tags;
  }
  ev.fields = c.fields;
  ev.received_at_ms = s.deps.time->now_ms();
  ev.location_id = c.meta.location_id;
  s.deps.submit_crm(std::move(ev), [answer](crm_outcome outcome) {
    if (!outcome) {
      return answer(false, {{"error", outcome.error()}});
    }
    const auto& r = *outcome;
    answer(true, {{"status", r.duplicate ? "duplicate" : "applied"},
                  {"temperature", r.temperature},
                  {"temperature_changed", r.temperature_changed},
                  {"person_temperature", r.person_temperature},
                  {"released", r.released},
                  {"fields_applied", r.fields_applied},
                  {"fields_rejected", r.fields_rejected}});
  });
}

/// POST /admin/cache/invalidate.
void invalidate(const front_state& s, request&& req, const route_params&, responder reply) {
  auto parsed = parse_invalidation(req.body());
  if (!parsed) {
    return reply.refuse(front_errc::malformed, parsed.error());
  }
  s.deps.invalidate_cache(parsed.value(), [reply = std::move(reply), what = parsed.value()](
                                              const invalidation_outcome& outcome) {
    if (!outcome) {
      return reply.refuse(front_errc::unavailable, outcome.error());
    }
    nlohmann::json body{{"invalidated", what.scope}};
    if (what.scope == "key") {
      body["existed"] = outcome->existed;
    } else {
      body["generation"] = outcome->generation;
    }
    reply.send(bhttp::status::ok, body.dump());
  });
}

/// POST /admin/contacts/release.
void release(const front_state& s, request&& req, const route_params&, responder reply) {
  auto j = nlohmann::json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.size() != 1 || !j.contains("contact") || !j["contact"].is_string() ||
      !core::is_phone_number(j["contact"].get<std::string>())) {
    return reply.refuse(front_errc::malformed, R"(expected {"contact": "<E.164 number>"})");
  }
  s.deps.release_contact(j["contact"].get<std::string>(),
                         [reply = std::move(reply)](bool found, const std::string& error) {
                           if (!error.empty()) {
                             return reply.refuse(front_errc::unavailable, error);
                           }
                           if (!found) {
                             return reply.refuse(front_errc::not_found,
                                                 "no conversation with that contact");
                           }
                           reply.send(bhttp::status::ok, R"({"released":true})");
                         });
}

/// GET /admin/contacts/{phone}: the lead's state and turns, each reply
/// with its provenance.
void contact(const front_state& s, request&&, const route_params& params, responder reply) {
  auto phone = decode_segment(params.at("phone"));
  if (!phone || !core::is_phone_number(*phone)) {
    return reply.refuse(front_errc::malformed,
                        "expected /admin/contacts/<E.164 number>, e.g. +19095551234");
  }
  s.deps.contact_transcript(*phone, [reply = std::move(reply)](const agents::lead_transcript& t,
                                                               const std::string& error) {
    if (!error.empty()) {
      return reply.refuse(front_errc::unavailable, error);
    }
    if (!t.found) {
      return reply.refuse(front_errc::not_found, "no lead with that number");
    }
    // Texts are the leads' own: a broken byte is replaced, not a 500.
    reply.send(bhttp::status::ok, agents::transcript_json(t).dump(
                                      -1, ' ', false, nlohmann::json::error_handler_t::replace));
  });
}

using handler_fn = void (*)(const front_state&, request&&, const route_params&, responder);

/// A table handler calling `fn` with the front's state.
route_handler with_state(const state_ptr& s, handler_fn fn) {
  return [s, fn](request&& req, const route_params& params, responder reply) {
    fn(*s, std::move(req), params, std::move(reply));
  };
}

}  // namespace

std::shared_ptr<const route_table> front_routes(front_deps deps) {
  auto guard = std::make_shared<crm::replay_guard>(deps.time, deps.config->crm.replay_window);
  auto s = std::make_shared<const front_state>(front_state{std::move(deps), std::move(guard)});
  const auto& d = s->deps;
  const auto& cfg = *d.config;
  const auto post = bhttp::verb::post;
  const auto get = bhttp::verb::get;
  const std::size_t webhook = cfg.server.max_body_bytes;
  const std::size_t admin = std::min(admin_body_limit, webhook);
  const std::size_t none = 0;  // GETs carry no body
  // The node's routes, once; `wired` leaves out a route whose dependency is unset.
  struct entry {
    bool wired;
    route r;
  };
  const entry table[] = {
      {true,
       {"/webhooks/twilio/sms", post, route_auth::twilio_signature, webhook,
        with_state(s, twilio_sms)}},
      {true, {"/healthz", get, route_auth::none, none, with_state(s, healthz)}},
      {true, {"/readyz", get, route_auth::none, none, with_state(s, readyz)}},
      {true, {"/metrics", get, route_auth::none, none, with_state(s, metrics_text)}},
      {bool(d.invalidate_cache),
       {"/admin/cache/invalidate", post, route_auth::bearer_token, admin,
        with_state(s, invalidate)}},
      {bool(d.release_contact),
       {"/admin/contacts/release", post, route_auth::bearer_token, admin, with_state(s, release)}},
      {bool(d.contact_transcript),
       {"/admin/contacts/{phone}", get, route_auth::bearer_token, none, with_state(s, contact)}},
      {bool(d.record_delivery),
       {"/webhooks/twilio/status", post, route_auth::twilio_signature, webhook,
        with_state(s, twilio_status)}},
      {bool(d.submit_crm),
       {"/webhooks/crm", post, route_auth::crm_signature, webhook, with_state(s, crm_webhook)}},
      {true, {"/dashboard", get, route_auth::none, none, with_state(s, dashboard)}},
  };
  std::vector<route> routes;
  for (const auto& e : table) {
    if (e.wired) {
      routes.push_back(e.r);
    }
  }
  auto auth = std::make_shared<const request_auth>(d.config);
  return std::make_shared<const route_table>(
      std::move(routes),
      [auth](route_auth how, const request& req) { return auth->check(how, req); }, webhook);
}

handler make_front(std::shared_ptr<const route_table> routes,
                   std::shared_ptr<runtime::metrics> metrics) {
  return [routes = std::move(routes), metrics = std::move(metrics)](request&& req,
                                                                    respond_fn respond) {
    const auto started = std::chrono::steady_clock::now();
    respond_fn timed = [metrics, label = routes->label_of(req.target()), started,
                        respond = std::move(respond)](response res) {
      const auto seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      metrics->observe_webhook(label, static_cast<int>(res.result_int()), seconds);
      respond(std::move(res));
    };
    routes->dispatch(std::move(req), std::move(timed));
  };
}

expected<cache_invalidation, std::string> parse_invalidation(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return unexpected{std::string{"expected a JSON object"}};
  }
  cache_invalidation inv;
  for (const auto& [name, value] : j.items()) {
    std::string* field = name == "scope"     ? &inv.scope
                         : name == "contact" ? &inv.contact
                         : name == "task"    ? &inv.task
                         : name == "key"     ? &inv.key
                                             : nullptr;
    if (field == nullptr) {
      return unexpected{"unknown field \"" + name + "\""};
    }
    if (!value.is_string() || value.get<std::string>().empty()) {
      return unexpected{"\"" + name + "\" must be a non-empty string"};
    }
    *field = value.get<std::string>();
  }
  auto missing = [&](std::string_view what) {
    return unexpected{"scope \"" + inv.scope + "\" needs \"" + std::string{what} + "\""};
  };
  if (inv.scope == "global" || inv.scope == "market") {
    // nothing else needed
  } else if (inv.scope == "contact") {
    if (inv.contact.empty()) {
      return missing("contact");
    }
  } else if (inv.scope == "task") {
    if (inv.task.empty()) {
      return missing("task");
    }
  } else if (inv.scope == "key") {
    const bool hex =
        inv.key.size() == 64 && std::all_of(inv.key.begin(), inv.key.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        });
    if (!hex) {
      return unexpected{std::string{"\"key\" must be a cache key (64 lower-case hex digits)"}};
    }
  } else {
    return unexpected{std::string{"\"scope\" must be one of global, market, contact, task, key"}};
  }
  return inv;
}

}  // namespace openhouse::http
