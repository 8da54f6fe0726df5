#include "integrations/http/routes.hpp"

#include "core/phone_number.hpp"
#include "integrations/crm/payload.hpp"
#include "integrations/crm/replay_guard.hpp"
#include "integrations/crm/signature.hpp"
#include "integrations/http/dashboard.hpp"
#include "integrations/http/form.hpp"
#include "integrations/twilio/signature.hpp"
#include "integrations/twilio/twiml.hpp"
#include "runtime/outbox_retry.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <optional>
#include <string>

namespace openhouse::http {

namespace bhttp = boost::beast::http;

bhttp::status status_of(front_errc code) {
  switch (code) {
    case front_errc::unauthorized:
      return bhttp::status::unauthorized;
    case front_errc::bad_signature:
      return bhttp::status::forbidden;
    case front_errc::body_too_large:
      return bhttp::status::payload_too_large;
    case front_errc::malformed:
      return bhttp::status::bad_request;
    case front_errc::not_found:
      return bhttp::status::not_found;
    case front_errc::method_not_allowed:
      return bhttp::status::method_not_allowed;
    case front_errc::unavailable:
      return bhttp::status::service_unavailable;
  }
  return bhttp::status::internal_server_error;
}

namespace {

constexpr std::string_view sms_route = "/webhooks/twilio/sms";
constexpr std::string_view status_route = "/webhooks/twilio/status";
constexpr std::string_view crm_route = "/webhooks/crm";
constexpr std::string_view invalidate_route = "/admin/cache/invalidate";
constexpr std::string_view release_route = "/admin/contacts/release";
/// GET /admin/contacts/{phone}: the number is the last segment.
constexpr std::string_view contacts_prefix = "/admin/contacts/";
constexpr std::string_view contact_route_label = "/admin/contacts/{phone}";
constexpr std::string_view xml_type = "text/xml; charset=utf-8";

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

/// GET /admin/contacts/{phone}, not the release route under the same prefix.
bool is_contact_path(std::string_view path) {
  return path.starts_with(contacts_prefix) && path != release_route &&
         path.size() > contacts_prefix.size();
}

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

response refuse(const request& req, front_errc code, std::string_view why) {
  auto res = make_response(req, status_of(code), nlohmann::json{{"error", why}}.dump());
  if (code == front_errc::method_not_allowed) {
    res.set(bhttp::field::allow,
            req.target() == "/metrics" || req.target() == "/healthz" || req.target() == "/readyz" ||
                    req.target() == "/dashboard" || is_contact_path(path_of(req.target()))
                ? "GET"
                : "POST");
  }
  return res;
}

class front {
 public:
  explicit front(front_deps deps)
      : deps_(std::move(deps)),
        crm_guard_(
            std::make_shared<crm::replay_guard>(deps_.time, deps_.config->crm.replay_window)) {
    if (!deps_.config->crm.public_key.empty()) {
      crm_key_ = crm::public_key::from_pem(deps_.config->crm.public_key);
    }
  }

  void handle(request&& req, respond_fn respond) {
    const auto started = std::chrono::steady_clock::now();
    const auto path = std::string{path_of(req.target())};
    // Known routes are labelled by path, the rest as one label: bounded cardinality.
    std::string label = is_known(path)          ? path
                        : is_contact_path(path) ? std::string{contact_route_label}
                                                : "other";
    respond_fn timed = [metrics = deps_.metrics, label, started,
                        respond = std::move(respond)](response res) {
      const auto seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      metrics->observe_webhook(label, static_cast<int>(res.result_int()), seconds);
      respond(std::move(res));
    };

    if (path == sms_route) {
      return only(bhttp::verb::post, req, timed, [&] { twilio_sms(std::move(req), timed); });
    }
    if (path == status_route && deps_.record_delivery) {
      return only(bhttp::verb::post, req, timed, [&] { twilio_status(std::move(req), timed); });
    }
    if (path == crm_route && deps_.submit_crm) {
      return only(bhttp::verb::post, req, timed, [&] { crm_webhook(std::move(req), timed); });
    }
    if (path == "/healthz") {
      return only(bhttp::verb::get, req, timed,
                  [&] { timed(make_response(req, bhttp::status::ok, R"({"status":"ok"})")); });
    }
    if (path == "/readyz") {
      return only(bhttp::verb::get, req, timed, [&] { ready(req, timed); });
    }
    if (path == release_route && deps_.release_contact) {
      return only(bhttp::verb::post, req, timed, [&] { release(std::move(req), timed); });
    }
    if (is_contact_path(path) && deps_.contact_transcript) {
      return only(bhttp::verb::get, req, timed, [&] { contact(req, path, timed); });
    }
    if (path == invalidate_route && deps_.invalidate_cache) {
      return only(bhttp::verb::post, req, timed, [&] { invalidate(std::move(req), timed); });
    }
    if (path == "/metrics") {
      return only(bhttp::verb::get, req, timed, [&] {
        timed(make_response(req, bhttp::status::ok, deps_.metrics->render(),
                            "text/plain; version=0.0.4; charset=utf-8"));
      });
    }
    if (path == "/dashboard") {
      return only(bhttp::verb::get, req, timed, [&] {
        auto res = make_response(req, bhttp::status::ok, std::string{dashboard_html()},
                                 "text/html; charset=utf-8");
        // Always this build's page; and whatever ends up in it, the page
        // may reach nothing but this node (it must work offline anyway).
        res.set(bhttp::field::cache_control, "no-store");
        res.set("Content-Security-Policy",
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                "connect-src 'self'; base-uri 'none'; form-action 'none'");
        timed(std::move(res));
      });
    }
    timed(refuse(req, front_errc::not_found, "no such route"));
  }

 private:
  static bool is_known(const std::string& path) {
    return path == sms_route || path == status_route || path == crm_route ||
           path == invalidate_route || path == release_route || path == "/healthz" ||
           path == "/readyz" || path == "/metrics" || path == "/dashboard";
  }

  /// Compares in time independent of where the first difference is, so the
  /// token cannot be guessed byte by byte from response times.
  static bool same_secret(std::string_view a, std::string_view b) {
    unsigned diff = a.size() == b.size() ? 0U : 1U;
    for (std::size_t i = 0; i < a.size(); ++i) {
      diff |=
          static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    }
    return diff == 0;
  }

  /// Checks the admin bearer token; answers 401 itself when it is wrong.
  bool authorized(const request& req, const respond_fn& respond) const {
    const auto& token = deps_.config->server.admin_token;
    const auto auth = req[bhttp::field::authorization];
    constexpr std::string_view bearer = "Bearer ";
    if (token.empty() || !auth.starts_with(bearer) ||
        !same_secret(auth.substr(bearer.size()), token)) {
      auto res = refuse(req, front_errc::unauthorized,
                        token.empty() ? "admin token not configured" : "bad bearer token");
      res.set(bhttp::field::www_authenticate, "Bearer");
      respond(std::move(res));
      return false;
    }
    return true;
  }

  void release(request&& req, const respond_fn& respond) {
    if (!authorized(req, respond)) {
      return;
    }
    auto j = nlohmann::json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || j.size() != 1 || !j.contains("contact") || !j["contact"].is_string() ||
        !core::is_phone_number(j["contact"].get<std::string>())) {
      return respond(
          refuse(req, front_errc::malformed, R"(expected {"contact": "<E.164 number>"})"));
    }
    deps_.release_contact(
        j["contact"].get<std::string>(), [version = req.version(), keep_alive = req.keep_alive(),
                                          respond](bool found, const std::string& error) {
          request shape{bhttp::verb::post, release_route, version};
          shape.keep_alive(keep_alive);
          if (!error.empty()) {
            return respond(make_response(shape, status_of(front_errc::unavailable),
                                         nlohmann::json{{"error", error}}.dump()));
          }
          if (!found) {
            return respond(make_response(
                shape, status_of(front_errc::not_found),
                nlohmann::json{{"error", "no conversation with that contact"}}.dump()));
          }
          respond(make_response(shape, bhttp::status::ok, R"({"released":true})"));
        });
  }

  /// GET /admin/contacts/{phone}: the lead's state and turns, each reply
  /// with its provenance.
  void contact(const request& req, std::string_view path, const respond_fn& respond) {
    if (!authorized(req, respond)) {
      return;
    }
    auto phone = decode_segment(path.substr(contacts_prefix.size()));
    if (!phone || !core::is_phone_number(*phone)) {
      return respond(refuse(req, front_errc::malformed,
                            "expected /admin/contacts/<E.164 number>, e.g. +19095551234"));
    }
    deps_.contact_transcript(
        std::move(*phone),
        [version = req.version(), keep_alive = req.keep_alive(), target = std::string{path},
         respond](const agents::lead_transcript& t, const std::string& error) {
          request shape{bhttp::verb::get, target, version};
          shape.keep_alive(keep_alive);
          if (!error.empty()) {
            return respond(make_response(shape, status_of(front_errc::unavailable),
                                         nlohmann::json{{"error", error}}.dump()));
          }
          if (!t.found) {
            return respond(
                make_response(shape, status_of(front_errc::not_found),
                              nlohmann::json{{"error", "no lead with that number"}}.dump()));
          }
          // Texts are the leads' own: a broken byte is replaced, not a 500.
          respond(make_response(shape, bhttp::status::ok,
                                agents::transcript_json(t).dump(
                                    -1, ' ', false, nlohmann::json::error_handler_t::replace)));
        });
  }

  void invalidate(request&& req, const respond_fn& respond) {
    if (!authorized(req, respond)) {
      return;
    }
    auto parsed = parse_invalidation(req.body());
    if (!parsed) {
      return respond(refuse(req, front_errc::malformed, parsed.error()));
    }
    deps_.invalidate_cache(
        parsed.value(), [version = req.version(), keep_alive = req.keep_alive(), respond,
                         what = parsed.value()](invalidation_outcome outcome) {
          request shape{bhttp::verb::post, invalidate_route, version};
          shape.keep_alive(keep_alive);
          if (!outcome) {
            return respond(make_response(shape, status_of(front_errc::unavailable),
                                         nlohmann::json{{"error", outcome.error()}}.dump()));
          }
          nlohmann::json body{{"invalidated", what.scope}};
          if (what.scope == "key") {
            body["existed"] = outcome->existed;
          } else {
            body["generation"] = outcome->generation;
          }
          respond(make_response(shape, bhttp::status::ok, body.dump()));
        });
  }

  template <class F>
  static void only(bhttp::verb verb, const request& req, const respond_fn& respond, F&& fn) {
    if (req.method() != verb) {
      return respond(refuse(req, front_errc::method_not_allowed, "method not allowed"));
    }
    fn();
  }

  void ready(const request& req, const respond_fn& respond) {
    if (deps_.draining && deps_.draining->load()) {
      // No probe: the answer must not wait on a dependency while draining.
      const auto a = answer_readiness({}, true);
      return respond(make_response(req, static_cast<bhttp::status>(a.status), a.body));
    }
    deps_.check_ready([version = req.version(), keep_alive = req.keep_alive(), respond,
                       draining = deps_.draining](const readiness& r) {
      request shape{bhttp::verb::get, "/readyz", version};
      shape.keep_alive(keep_alive);
      // SIGTERM may have come while the probe ran.
      const auto a = answer_readiness(r, draining && draining->load());
      respond(make_response(shape, static_cast<bhttp::status>(a.status), a.body));
    });
  }

  /// A Twilio webhook's form, once its X-Twilio-Signature is verified;
  /// nullopt after answering 403 (signature) or 400 (not a form) itself.
  std::optional<form> twilio_form(const request& req, const respond_fn& respond) const {
    const auto& cfg = *deps_.config;
    const auto sig_header = req.find("X-Twilio-Signature");
    if (sig_header == req.end() || sig_header->value().empty()) {
      respond(refuse(req, front_errc::bad_signature, "missing X-Twilio-Signature"));
      return std::nullopt;
    }
    const auto content_type = req[bhttp::field::content_type];
    if (!content_type.starts_with("application/x-www-form-urlencoded")) {
      respond(refuse(req, front_errc::malformed, "expected application/x-www-form-urlencoded"));
      return std::nullopt;
    }
    auto parsed = form::parse(req.body());
    if (!parsed) {
      respond(refuse(req, front_errc::malformed, "malformed form body"));
      return std::nullopt;
    }
    // Twilio signs the URL it was configured with; behind a proxy that is the
    // public URL, not what Host says.
    const auto url = cfg.server.public_url + std::string{req.target()};
    if (!twilio::verify_signature(cfg.twilio.auth_token, url, parsed->pairs(),
                                  sig_header->value())) {
      respond(refuse(req, front_errc::bad_signature, "bad X-Twilio-Signature"));
      return std::nullopt;
    }
    return parsed;
  }

  /// POST /webhooks/twilio/status: a delivery report of an SMS the outbox
  /// sent. An unknown sid is acknowledged (Twilio would retry otherwise) and
  /// changes nothing.
  void twilio_status(request&& req, const respond_fn& respond) {
    auto parsed = twilio_form(req, respond);
    if (!parsed) {
      return;
    }
    const auto sid = parsed->text("MessageSid");
    const auto status = parsed->get("MessageStatus");
    if (!sid || sid->empty() || !status || !runtime::is_delivery_status(*status)) {
      return respond(
          refuse(req, front_errc::malformed, "MessageSid and a known MessageStatus are required"));
    }
    deps_.record_delivery(
        std::string{*sid}, std::string{*status},
        [version = req.version(), keep_alive = req.keep_alive(), respond](
            bool found, const std::string& error) {
          request shape{bhttp::verb::post, status_route, version};
          shape.keep_alive(keep_alive);
          if (!error.empty()) {
            return respond(make_response(shape, status_of(front_errc::unavailable),
                                         nlohmann::json{{"error", error}}.dump()));
          }
          respond(make_response(shape, bhttp::status::ok,
                                nlohmann::json{{"status", found ? "recorded" : "unknown"}}.dump()));
        });
  }

  void twilio_sms(request&& req, const respond_fn& respond) {
    auto parsed = twilio_form(req, respond);
    if (!parsed) {
      return;
    }
    // Text fields are read repaired (form::text): bytes PostgreSQL refuses
    // would fail every redelivery, so they are decided here, once.
    const auto sid = parsed->text("MessageSid");
    const auto from = parsed->get("From");
    const auto body = parsed->text("Body");
    if (!sid || sid->empty() || !from || !body) {
      return respond(refuse(req, front_errc::malformed, "MessageSid, From and Body are required"));
    }
    if (!core::is_phone_number(*from)) {
      return respond(refuse(req, front_errc::malformed, "From is not an E.164 number"));
    }
    runtime::inbound_sms msg;
    msg.sid = *sid;
    msg.from = std::string{*from};
    msg.to = parsed->text("To").value_or("");
    msg.body = *body;
    msg.received_at_ms = deps_.time->now_ms();

    // REST mode: the reply leaves through the outbox, the webhook only acks.
    const bool rest = deps_.config->twilio.mode == config::reply_mode::rest;
    deps_.submit_sms(std::move(msg), [version = req.version(), keep_alive = req.keep_alive(),
                                      respond, rest](submit_outcome outcome) {
      request shape{bhttp::verb::post, sms_route, version};
      shape.keep_alive(keep_alive);
      if (!outcome) {
        // Nothing was acknowledged: Twilio (or the operator) may deliver it
        // again, and the stored inbound row makes that safe.
        return respond(make_response(shape, status_of(front_errc::unavailable),
                                     twilio::empty_response(), std::string{xml_type}));
      }
      const auto& reply = outcome->reply;
      respond(make_response(
          shape, bhttp::status::ok,
          reply.empty() || rest ? twilio::empty_response() : twilio::message_response(reply),
          std::string{xml_type}));
    });
  }

  /// Checks the CRM's signature over the raw body: GoHighLevel's RSA
  /// x-wh-signature with the configured public key, or the shared-secret
  /// HMAC. The reason when refused, "" when valid.
  std::string crm_signature_problem(const request& req) const {
    const auto& cfg = deps_.config->crm;
    const auto rsa = req.find(crm::rsa_header);
    const auto hmac = req.find(crm::hmac_header);
    if (rsa != req.end() && crm_key_) {
      return crm_key_->verify(req.body(), rsa->value()) ? "" : "bad x-wh-signature";
    }
    if (hmac != req.end() && !cfg.secret.empty()) {
      return crm::verify_hmac(cfg.secret, req.body(), hmac->value()) ? "" : "bad X-CRM-Signature";
    }
    if (!crm_key_ && cfg.secret.empty()) {
      return "CRM webhooks are not configured (crm.secret / crm.public_key)";
    }
    return "missing signature (X-CRM-Signature or x-wh-signature)";
  }

  /// POST /webhooks/crm: verified, parsed, checked against replays, then an
  /// inbound SMS for the bots or a change of the contact. Nothing is
  /// acknowledged before it is stored; a redelivery is acknowledged and
  /// changes nothing.
  void crm_webhook(request&& req, const respond_fn& respond) {
    if (auto problem = crm_signature_problem(req); !problem.empty()) {
      return respond(refuse(req, front_errc::bad_signature, problem));
    }
    auto parsed = crm::parse_webhook(req.body());
    if (!parsed && parsed.error().unknown_type) {
      // HighLevel sends every subscribed event to one URL: a signed event
      // this runtime does not handle is acknowledged (a 4xx would only make
      // the CRM retry it) and changes nothing.
      return respond(make_response(
          req, bhttp::status::ok,
          nlohmann::json{{"status", "ignored"}, {"reason", parsed.error().message}}.dump()));
    }
    if (!parsed) {
      return respond(refuse(req, front_errc::malformed, parsed.error().message));
    }
    const auto& meta =
        std::visit([](const auto& w) -> const crm::delivery& { return w.meta; }, *parsed);
    switch (crm_guard_->check(meta.webhook_id, meta.timestamp_ms)) {
      case crm::delivery_verdict::too_old:
      case crm::delivery_verdict::too_new:
        // A signed body can be captured and replayed; only a recent one counts.
        return respond(
            refuse(req, front_errc::bad_signature, "timestamp outside the replay window"));
      case crm::delivery_verdict::duplicate:
        return respond(
            make_response(req, bhttp::status::ok, nlohmann::json{{"status", "duplicate"}}.dump()));
      case crm::delivery_verdict::fresh:
        break;
    }
    auto reply = [guard = crm_guard_, id = meta.webhook_id, ts = meta.timestamp_ms,
                  version = req.version(), keep_alive = req.keep_alive(),
                  respond](bool ok, nlohmann::json body) {
      request shape{bhttp::verb::post, crm_route, version};
      shape.keep_alive(keep_alive);
      if (!ok) {
        // Not stored: the CRM retries, and that is safe.
        return respond(make_response(shape, status_of(front_errc::unavailable), body.dump()));
      }
      guard->remember(id, ts);
      respond(make_response(shape, bhttp::status::ok, body.dump()));
    };
    if (auto* m = std::get_if<crm::inbound_message>(&*parsed)) {
      if (!m->for_bots()) {
        return reply(true, {{"status", "ignored"}, {"reason", "not an inbound SMS"}});
      }
      runtime::inbound_sms msg;
      msg.sid = m->message_id;  // plays Twilio's MessageSid: the same idempotency
      msg.from = m->phone;
      msg.to = deps_.config->market.phone_number;
      msg.body = m->body;
      msg.received_at_ms = deps_.time->now_ms();
      deps_.submit_sms(std::move(msg), [reply](submit_outcome outcome) {
        if (!outcome) {
          return reply(false, {{"error", outcome.error()}});
        }
        if (outcome->duplicate) {
          // The message was answered (or is being answered) already: its
          // reply is not handed out again, so nothing sends it twice.
          return reply(true, {{"status", "duplicate"}});
        }
        reply(true, {{"status", "accepted"}, {"reply", outcome->reply}});
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
    ev.received_at_ms = deps_.time->now_ms();
    deps_.submit_crm(std::move(ev), [reply](crm_outcome outcome) {
      if (!outcome) {
        return reply(false, {{"error", outcome.error()}});
      }
      const auto& r = *outcome;
      reply(true, {{"status", r.duplicate ? "duplicate" : "applied"},
                   {"temperature", r.temperature},
                   {"temperature_changed", r.temperature_changed},
                   {"person_temperature", r.person_temperature},
                   {"released", r.released},
                   {"fields_applied", r.fields_applied},
                   {"fields_rejected", r.fields_rejected}});
    });
  }

  front_deps deps_;
  std::shared_ptr<crm::replay_guard> crm_guard_;
  std::optional<crm::public_key> crm_key_;
};

}  // namespace

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

handler make_front(front_deps deps) {
  auto f = std::make_shared<front>(std::move(deps));
  return [f](request&& req, respond_fn respond) { f->handle(std::move(req), std::move(respond)); };
}

}  // namespace openhouse::http
