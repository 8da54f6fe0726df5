#include "runtime/outbox_worker.hpp"

#include "agents/compliance.hpp"
#include "agents/outbox_retry.hpp"
#include "integrations/crm/api_request.hpp"
#include "integrations/postgres/store.hpp"
#include "integrations/twilio/rest_request.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace openhouse::runtime {

namespace {

/// Rows sent per message before the worker yields to its mailbox (delivery
/// reports, shutdown); a full batch re-sends itself a tick.
constexpr int batch = 16;

std::string json_string(const nlohmann::json& j, const char* name) {
  return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string{};
}

/// The requests of one row; empty with `problem` set when it cannot be sent.
std::vector<http::outbound_request> requests_of(const postgres::outbox_row& row,
                                                const config::market_config& cfg,
                                                std::string& problem) {
  const auto j = nlohmann::json::parse(row.payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    problem = "malformed payload";
    return {};
  }
  if (row.kind == "sms") {
    if (cfg.twilio.account_sid.empty()) {
      problem = "twilio.account_sid is not configured";
      return {};
    }
    twilio::sms_send sms{json_string(j, "to"), json_string(j, "from"), json_string(j, "body"),
                         json_string(j, "status_callback")};
    return {twilio::message_request(cfg.twilio, sms, row.key)};
  }
  if (cfg.crm.base_url.empty()) {
    problem = "crm.base_url is not configured";
    return {};
  }
  if (row.kind == "crm_tags") {
    return crm::tag_requests(cfg.crm, row.contact, crm::tag_sync_from_json(row.payload), row.key);
  }
  if (row.kind == "crm_message") {
    return crm::message_requests(cfg.crm, row.contact, json_string(j, "inbound"),
                                 json_string(j, "reply"), row.key);
  }
  if (row.kind == "crm_note") {
    return {crm::note_request(cfg.crm, row.contact, json_string(j, "body"), row.key)};
  }
  problem = "unknown kind " + row.kind;
  return {};
}

std::string describe(const http::outbound_response& r) {
  if (r.status == 0) return "no answer: " + r.error;
  return "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
}

struct outbox_state {
  static inline const char* name = "outbox_worker";
  outbox_deps deps;
  std::unique_ptr<postgres::outbox> db;
  std::unique_ptr<http::outbound_client> client;
};

using self_ptr = outbox_actor::stateful_pointer<outbox_state>;

/// Sends up to `batch` due rows; true when the batch was full (more may be due).
bool drain(self_ptr self) {
  auto& st = self->state;
  const auto& cfg = *st.deps.config;
  http_send send = [&st](const http::outbound_request& req) {
    try {
      return st.client->send(req);
    } catch (const std::exception& e) {
      return http::outbound_response{0, {}, e.what()};
    }
  };
  try {
    for (int i = 0; i < batch; ++i) {
      const auto now = st.deps.time->now_ms();
      auto done = st.db->send_next(
          now, [&](const postgres::outbox_row& row) { return attempt(row, cfg, now, send); });
      if (!done) return false;
      const auto& [row, rec] = *done;
      const auto& status = rec.update.status;
      const std::string_view outcome =
          rec.error == postgres::suppressed_error
              ? "suppressed"
              : (status == "pending" ? "retry" : std::string_view{status});
      if (st.deps.metrics) st.deps.metrics->count_outbox(row.kind, outcome);
      if (status == "sent") {
        spdlog::info("outbox: {} to {} sent ({})", row.kind, agents::mask_pii(row.contact),
                     rec.provider_id.empty() ? "no id" : rec.provider_id);
      } else if (outcome == "suppressed") {
        spdlog::info("outbox: {} to {} not sent: the lead opted out", row.kind,
                     agents::mask_pii(row.contact));
      } else if (status == "failed") {
        spdlog::error("outbox: {} to {} failed after {} attempt(s): {}", row.kind,
                      agents::mask_pii(row.contact), rec.update.attempts, rec.error);
      } else {
        spdlog::warn("outbox: {} to {} will be retried (attempt {}): {}", row.kind,
                     agents::mask_pii(row.contact), rec.update.attempts, rec.error);
      }
    }
    return true;
  } catch (const std::exception& e) {
    // The rows stay pending; the poll chain tries again.
    spdlog::warn("outbox: {}", e.what());
    return false;
  }
}

outbox_actor::behavior_type outbox_worker(self_ptr self, outbox_deps deps) {
  self->state.deps = std::move(deps);
  const auto& cfg = *self->state.deps.config;
  self->state.db = std::make_unique<postgres::outbox>(cfg.storage.database_url, cfg.market.id);
  self->state.client = std::make_unique<http::outbound_client>(cfg.outbox.timeout);
  self->send(self, tick_atom_v, std::uint64_t{0});
  return {
      [self](tick_atom) {
        if (drain(self)) self->send(self, tick_atom_v);
      },
      [self](tick_atom, std::uint64_t n) {
        if (drain(self)) self->send(self, tick_atom_v);
        self->delayed_send(self, self->state.deps.config->outbox.poll, tick_atom_v, n + 1);
      },
      [self](delivery_atom, const std::string& sid,
             const std::string& status) -> caf::result<bool> {
        try {
          return self->state.db->record_delivery(sid, status);
        } catch (const std::exception& e) {
          spdlog::warn("outbox: delivery report not recorded: {}", e.what());
          return caf::make_error(caf::sec::runtime_error, e.what());
        }
      },
  };
}

}  // namespace

postgres::attempt_record attempt(const postgres::outbox_row& row, const config::market_config& cfg,
                                 std::int64_t now_ms, const http_send& send) {
  postgres::attempt_record rec;
  std::string problem;
  const auto requests = requests_of(row, cfg, problem);
  if (requests.empty()) {
    rec.error = problem.empty() ? "nothing to send" : problem;
    rec.update =
        after_attempt(row.attempts, problem.empty() ? send_verdict::sent : send_verdict::failed,
                      now_ms, cfg.outbox);
    return rec;
  }
  send_verdict verdict = send_verdict::sent;
  for (const auto& req : requests) {
    const auto res = send(req);
    verdict = classify(res.status);
    if (verdict != send_verdict::sent) {
      rec.error = req.method + " " + req.url + ": " + describe(res);
      break;
    }
    if (row.kind == "sms") {
      rec.provider_id = twilio::message_sid(res.body);
    }
  }
  rec.update = after_attempt(row.attempts, verdict, now_ms, cfg.outbox);
  return rec;
}

outbox_actor spawn_outbox_worker(caf::actor_system& sys, outbox_deps deps) {
  return sys.spawn<caf::detached>(outbox_worker, std::move(deps));
}

}  // namespace openhouse::runtime
