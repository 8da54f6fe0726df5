#include "runtime/replay.hpp"

#include "agents/bots.hpp"
#include "agents/compliance.hpp"
#include "agents/facts_unit.hpp"
#include "agents/intent_unit.hpp"
#include "cache/llm_cache.hpp"
#include "integrations/llm/sim_server.hpp"
#include "integrations/postgres/store.hpp"
#include "runtime/follow_up_worker.hpp"
#include "runtime/lead_zones.hpp"
#include "runtime/node_parts.hpp"
#include "runtime/replay_figures.hpp"
#include "runtime/replay_report.hpp"
#include "runtime/replay_tally.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include <unistd.h>

namespace openhouse::runtime {

namespace {

using json = nlohmann::json;

std::string required_string(const json& j, const char* key) {
  auto i = j.find(key);
  if (i == j.end() || !i->is_string() || i->get_ref<const std::string&>().empty()) {
    throw std::invalid_argument(std::string{"\""} + key + "\" must be a non-empty string");
  }
  return i->get<std::string>();
}

std::vector<std::string> string_list(const json& j, const char* key) {
  std::vector<std::string> out;
  auto i = j.find(key);
  if (i == j.end()) {
    return out;
  }
  if (!i->is_array()) {
    throw std::invalid_argument(std::string{"\""} + key + "\" must be an array of strings");
  }
  for (const auto& v : *i) {
    if (!v.is_string()) {
      throw std::invalid_argument(std::string{"\""} + key + "\" must be an array of strings");
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

/// Local midnight of 2026-01-05 in `zone`: a fixed first day, so that two
/// replays of one trace see the same weekdays and quiet hours.
clock::time_point virtual_start(const time_zone& zone) {
  using namespace std::chrono;
  const clock::time_point utc_midnight{sys_days{year{2026} / January / 5}};
  // The offset at local midnight, not at UTC midnight (they differ only
  // across a transition; the second read settles it).
  const auto guess = utc_midnight - zone.utc_offset(utc_midnight);
  return utc_midnight - zone.utc_offset(guess);
}

/// Replaces the database name of a PostgreSQL URL (the path after the host).
std::string with_database(const std::string& url, const std::string& db) {
  const auto scheme_end = url.find("://");
  const auto slash = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  const auto query = url.find('?', slash == std::string::npos ? 0 : slash);
  const std::string base = slash == std::string::npos ? url : url.substr(0, slash);
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + db + rest;
}

std::string random_tag() {
  std::random_device rd;
  std::array<char, 24> buf{};
  std::snprintf(buf.data(), buf.size(), "%d_%08x", static_cast<int>(getpid()), rd());
  return buf.data();
}

/// Reads every follow-up of `market` and checks its time against the quiet
/// window (agents::quiet_for_lead: in `zone` and in the lead's zones) and
/// against the lead's STOP/START history (time, opted out), oldest first, as
/// the trace sent them.
follow_up_check check_follow_ups(const std::string& database_url, const std::string& market,
                                 const config::quiet_hours& quiet, const time_zone& zone,
                                 const lead_zones& leads, const opt_history_map& opt_history) {
  follow_up_check out;
  pqxx::connection c{database_url};
  pqxx::nontransaction tx{c};
  const auto rows = tx.exec_params(
      "SELECT c.phone, (extract(epoch FROM m.created_at) * 1000)::bigint FROM messages m "
      "JOIN contacts c ON c.id = m.contact_id WHERE c.market = $1 AND m.follow_up_of IS NOT NULL",
      market);
  for (const auto& row : rows) {
    ++out.stored;
    const auto contact = row[0].as<std::string>();
    const auto at_ms = row[1].as<std::int64_t>();
    const clock::time_point at{std::chrono::milliseconds{at_ms}};
    const auto quiet_verdict = agents::quiet_for_lead(quiet, leads.local_times(zone, contact, at));
    if (quiet_verdict != agents::follow_up_verdict::send) {
      ++out.in_quiet_hours;
      if (quiet_verdict == agents::follow_up_verdict::lead_quiet_hours) ++out.in_lead_quiet_hours;
    }
    bool opted = false;
    if (const auto h = opt_history.find(contact); h != opt_history.end()) {
      for (const auto& [when, state] : h->second) {
        if (when <= at_ms) {
          opted = state;
        }
      }
    }
    out.after_opt_out += opted ? 1 : 0;
  }
  return out;
}

/// A database created for one replay and dropped after it.
class scratch_database {
 public:
  explicit scratch_database(std::string admin_url)
      : admin_url_(std::move(admin_url)), name_("openhouse_replay_" + random_tag()) {
    pqxx::connection c{admin_url_};
    pqxx::nontransaction tx{c};
    tx.exec("CREATE DATABASE " + tx.quote_name(name_));
  }
  ~scratch_database() {
    try {
      pqxx::connection c{admin_url_};
      pqxx::nontransaction tx{c};
      tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
    } catch (const std::exception& e) {
      spdlog::warn("replay: scratch database {} not dropped: {}", name_, e.what());
    }
  }
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;
  [[nodiscard]] std::string url() const { return with_database(admin_url_, name_); }

 private:
  std::string admin_url_;
  std::string name_;
};

/// Progress on stderr: a redrawn bar on a terminal, a line per 10% otherwise.
class progress {
 public:
  explicit progress(std::size_t total) : total_(total), tty_(isatty(STDERR_FILENO) != 0) {}

  void update(std::size_t done, double seconds) {
    if (total_ == 0) {
      return;
    }
    const auto pct = done * 100 / total_;
    if (tty_) {
      if (pct == last_pct_ && done != total_ && done % 50 != 0) {
        return;
      }
      constexpr std::size_t width = 40;
      const auto filled = done * width / total_;
      std::fprintf(stderr, "\rreplay [%s%s] %3zu%% %zu/%zu events %.1f s",
                   std::string(filled, '#').c_str(), std::string(width - filled, ' ').c_str(), pct,
                   done, total_, seconds);
      if (done == total_) {
        std::fputc('\n', stderr);
      }
      std::fflush(stderr);
    } else if (pct / 10 != last_pct_ / 10 || done == total_) {
      std::fprintf(stderr, "replay: %zu/%zu events (%zu%%), %.1f s\n", done, total_, pct, seconds);
    }
    last_pct_ = pct;
  }

 private:
  std::size_t total_;
  bool tty_;
  std::size_t last_pct_ = 0;
};

}  // namespace

std::vector<trace_event> read_trace(std::istream& in, const std::string& name) {
  std::vector<trace_event> out;
  std::string text;
  std::size_t line = 0;
  double last_t = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    try {
      const auto j = json::parse(text);
      if (!j.is_object()) {
        throw std::invalid_argument("not a JSON object");
      }
      trace_event e;
      e.line = line;
      auto t = j.find("t");
      if (t == j.end() || !t->is_number() || t->get<double>() < 0) {
        throw std::invalid_argument("\"t\" must be a number >= 0");
      }
      e.t = t->get<double>();
      if (e.t < last_t) {
        throw std::invalid_argument("\"t\" goes backwards (the trace must be sorted by t)");
      }
      last_t = e.t;
      e.type = required_string(j, "type");
      if (e.type == "sms") {
        e.sid = required_string(j, "sid");
        e.from = required_string(j, "from");
        e.to = required_string(j, "to");
        auto body = j.find("body");
        if (body == j.end() || !body->is_string()) {
          throw std::invalid_argument("\"body\" must be a string");
        }
        e.body = body->get<std::string>();
      } else if (e.type == "crm_tag") {
        e.contact = required_string(j, "contact");
        e.add = string_list(j, "add");
        e.remove = string_list(j, "remove");
      } else if (e.type == "crm_update") {
        e.contact = required_string(j, "contact");
        auto fields = j.find("fields");
        if (fields == j.end() || !fields->is_object()) {
          throw std::invalid_argument("\"fields\" must be an object");
        }
        for (const auto& [key, value] : fields->items()) {
          if (value.is_null()) {
            e.fields[key] = "";
          } else if (value.is_string()) {
            e.fields[key] = value.get<std::string>();
          } else if (value.is_number() || value.is_boolean()) {
            e.fields[key] = value.dump();
          } else {
            throw std::invalid_argument("\"fields\"." + key +
                                        " must be a string, number, boolean or null");
          }
        }
      } else {
        throw std::invalid_argument("unknown type \"" + e.type + "\"");
      }
      out.push_back(std::move(e));
    } catch (const std::exception& e) {
      throw replay_error(name + ":" + std::to_string(line) + ": " + e.what());
    }
  }
  return out;
}

/// The sids a labels file marks as opt-outs (cat "optout").
std::unordered_set<std::string> read_opt_out_labels(const std::string& path) {
  std::ifstream in{path};
  if (!in) {
    throw replay_error("cannot read " + path);
  }
  std::unordered_set<std::string> out;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto row = json::parse(line, nullptr, false);
    if (!row.is_object() || !row.contains("sid") || !row["sid"].is_string()) {
      throw replay_error(path + ":" + std::to_string(number) + ": not a label with a \"sid\"");
    }
    if (row.value("cat", std::string{}) == "optout") out.insert(row["sid"].get<std::string>());
  }
  return out;
}

namespace {

/// The files of one replay, read and opened before anything starts, so a bad
/// path fails at once.
struct replay_files {
  std::vector<trace_event> events;
  std::optional<std::unordered_set<std::string>> opt_out_labels;
  std::ofstream report;
  std::ofstream audit;  ///< not open: no audit asked
};

replay_files open_files(const replay_options& options) {
  replay_files files;
  {
    std::ifstream in{options.trace_path};
    if (!in) {
      throw replay_error("cannot read " + options.trace_path);
    }
    files.events = read_trace(in, options.trace_path);
  }
  if (!options.labels_path.empty()) {
    files.opt_out_labels = read_opt_out_labels(options.labels_path);
  }
  files.report.open(options.report_path);
  if (!files.report) {
    throw replay_error("cannot write " + options.report_path);
  }
  if (!options.audit_path.empty()) {
    files.audit.open(options.audit_path);
    if (!files.audit) {
      throw replay_error("cannot write " + options.audit_path);
    }
  }
  return files;
}

/// What the replay runs against, kept until the report is written.
struct replay_environment {
  std::unique_ptr<scratch_database> scratch;  ///< dropped last
  std::unique_ptr<llm::sim_server> sim;       ///< null: an outside simulator
  std::shared_ptr<const config::market_config> config;
};

/// The configuration is immutable: the replay's own copy gets a Redis prefix
/// of its own (a clean cache, every generation at 0), the simulator and, when
/// asked, a scratch database, migrated.
replay_environment prepare_environment(const config::market_config& loaded,
                                       const replay_options& options) {
  replay_environment env;
  auto cfg = std::make_shared<config::market_config>(loaded);
  cfg->cache.redis_prefix = loaded.cache.redis_prefix + ":replay:" + random_tag();
  if (options.scratch_db) {
    env.scratch = std::make_unique<scratch_database>(cfg->storage.database_url);
    cfg->storage.database_url = env.scratch->url();
  }
  if (options.sim_url.empty()) {
    llm::simulator_options sim_opts;
    sim_opts.latency = std::chrono::milliseconds{0};
    env.sim = std::make_unique<llm::sim_server>(sim_opts);
    env.sim->start();
    cfg->llm.base_url = env.sim->base_url();
  } else {
    cfg->llm.base_url = options.sim_url;
  }
  {
    postgres::store db{cfg->storage.database_url, cfg->market.id};
    db.migrate();
  }
  env.config = std::move(cfg);
  return env;
}

/// The virtual time of one replay.
struct replay_time {
  std::shared_ptr<const time_zone> zone;
  clock::time_point start;
  std::shared_ptr<manual_clock> time;
  /// The zones of leads' area codes, loaded once for the worker and the
  /// check; null when the market sends no follow-ups.
  std::shared_ptr<const lead_zones> lead_clocks;
};

replay_time make_time(const config::market_config& config) {
  replay_time out;
  out.zone = std::make_shared<const time_zone>(time_zone::load(config.market.timezone));
  out.start = virtual_start(*out.zone);
  out.time = std::make_shared<manual_clock>(out.start);
  if (config.follow_up.enabled) out.lead_clocks = std::make_shared<const lead_zones>();
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// The node's actors while the trace runs, and the replay's bookkeeping.
struct trace_session {
  const config::market_config& config;
  node_parts& parts;
  caf::scoped_actor& self;
  manual_clock& time;
  replay_tally& tally;
  std::chrono::milliseconds deadline;
  follow_up_actor follow_ups;   ///< unset when the market sends none
  clock::time_point next_tick;  ///< the follow-up worker's next poll
};

/// The contact's generation as the cache knows it now.
void read_generation(trace_session& s, const std::string& contact) {
  s.self
      ->request(s.parts.cache, std::chrono::seconds{10}, cache::generations_atom_v,
                s.config.market.id, contact, std::string{agents::reply_task})
      .receive(
          [&](const cache::generations& g, bool) { s.tally.generation_read(contact, g.contact); },
          [&](const caf::error& e) {
            spdlog::warn("replay: generations of {} not read: {}", contact, to_string(e));
          });
}

/// The one message the runtime starts itself: when the market sends
/// follow-ups, the same worker as serve's is ticked at every poll boundary of
/// the virtual clock up to `until`, so quiet hours and `after` hold them as
/// they would.
void tick_follow_ups(trace_session& s, clock::time_point until) {
  for (; s.follow_ups && s.next_tick <= until; s.next_tick += s.config.follow_up.poll) {
    s.time.set(s.next_tick);
    s.self->request(s.follow_ups, std::chrono::seconds{60}, tick_atom_v)
        .receive([&](std::int32_t written, bool held) { s.tally.follow_up_tick(written, held); },
                 [&](const caf::error& err) {
                   spdlog::warn("replay: follow-up tick failed: {}", to_string(err));
                 });
  }
}

/// An SMS: the same path as POST /webhooks/twilio/sms, one turn at a time.
void replay_sms(trace_session& s, const trace_event& e) {
  const bool repeated = s.tally.begin_sms(e);
  inbound_sms msg{e.sid, e.from, e.to, e.body, s.time.now_ms()};
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<turn_result> result;
  s.self->request(s.parts.router, s.deadline, std::move(msg))
      .receive([&](const turn_result& r) { result = r; },
               [&](const caf::error& err) {
                 spdlog::warn("replay: line {} (sid {}): turn failed: {}", e.line, e.sid,
                              to_string(err));
               });
  s.tally.end_sms(e, repeated, result, s.time.now_ms(), seconds_since(t0) * 1000.0);
  if (!repeated) {
    read_generation(s, e.from);
  }
}

/// A CRM change: the same path as POST /webhooks/crm; the lead's conversation
/// applies it (tags diffed against the stored ones, a person's temperature,
/// fields into facts, a generation bump when it must).
void replay_crm(trace_session& s, const trace_event& e) {
  crm_event ev;
  ev.kind = e.type;
  ev.contact = e.contact;
  ev.add_tags = e.add;
  ev.remove_tags = e.remove;
  ev.fields = e.fields;
  ev.received_at_ms = s.time.now_ms();
  std::optional<crm_result> result;
  s.self->request(s.parts.router, s.deadline, std::move(ev))
      .receive([&](const crm_result& r) { result = r; },
               [&](const caf::error& err) {
                 spdlog::warn("replay: line {}: CRM change not applied: {}", e.line,
                              to_string(err));
               });
  s.tally.crm_change(e, result);
  read_generation(s, e.contact);
}

/// What driving the trace leaves for the report.
struct driven_trace {
  std::vector<cache::cache_audit_record> records;  ///< in the order the cache answered
  std::string metrics_text;                        ///< rendered before shutdown
  double wall_seconds = 0;
};

/// Runs the node's actors (node_parts, as serve does) through the trace,
/// event by event, the virtual clock moving to each event's time.
driven_trace drive_trace(const replay_environment& env, const replay_time& vt,
                         const std::vector<trace_event>& events, replay_tally& tally) {
  const auto& config = env.config;
  // Everything the cache answers, in the order it answered.
  std::mutex audit_mutex;
  driven_trace out;
  auto metrics = std::make_shared<runtime::metrics>();
  const auto wall_start = std::chrono::steady_clock::now();
  {
    node_config caf_cfg;
    caf::actor_system sys{caf_cfg};
    node_options node_opts;
    node_opts.time = vt.time;
    node_opts.metrics = metrics;
    node_opts.restore_semantic = false;  // a clean slate: only this run's entries
    node_opts.audit = [&audit_mutex, &out](const cache::cache_audit_record& r) {
      std::lock_guard lock{audit_mutex};
      out.records.push_back(r);
    };
    node_parts parts{sys, config, std::move(node_opts)};
    caf::scoped_actor self{sys};
    trace_session s{*config, parts,
                    self,    *vt.time,
                    tally,   turn_deadline(*config),
                    {},      vt.start + config->follow_up.poll};
    if (config->follow_up.enabled) {
      follow_up_deps fd;
      fd.config = config;
      fd.time = vt.time;
      fd.zone = parts.zone;
      fd.metrics = metrics;
      fd.poll = false;  // ticked by tick_follow_ups, on the virtual clock
      fd.leads = vt.lead_clocks;
      s.follow_ups = spawn_follow_up_worker(sys, std::move(fd));
    }

    progress bar{events.size()};
    std::size_t done = 0;
    for (const auto& e : events) {
      // Principle 6: the clock only moves forward, and only once every
      // earlier event has been answered (the loop is sequential).
      const auto at = vt.start + std::chrono::duration_cast<clock::time_point::duration>(
                                     std::chrono::duration<double>(e.t));
      tick_follow_ups(s, at);
      if (at > vt.time->now()) {
        vt.time->set(at);
      }
      if (e.type == "sms") {
        replay_sms(s, e);
      } else {
        replay_crm(s, e);
      }
      bar.update(++done, seconds_since(wall_start));
    }
    if (s.follow_ups) {
      caf::anon_send_exit(s.follow_ups, caf::exit_reason::user_shutdown);
    }
    out.metrics_text = metrics->render();
    parts.shutdown();
  }
  out.wall_seconds = seconds_since(wall_start);
  std::lock_guard lock{audit_mutex};
  return out;
}

/// Every follow-up stored, checked on its own against the market's quiet
/// hours and the leads' STOP/START as the trace sent them.
follow_up_check audit_follow_ups(const config::market_config& config, const replay_time& vt,
                                 const replay_tally& tally) {
  if (!config.follow_up.enabled) {
    return {};
  }
  return check_follow_ups(config.storage.database_url, config.market.id, config.quiet, *vt.zone,
                          *vt.lead_clocks, tally.opt_history());
}

void write_audit(std::ostream& audit, const std::vector<cache::cache_audit_record>& records) {
  for (const auto& r : records) {
    if (!r.verification) {
      audit << audit_line(r).dump() << '\n';
    }
  }
}

}  // namespace

int run_replay(const std::shared_ptr<const config::market_config>& loaded,
               const replay_options& options, std::ostream& out) {
  auto files = open_files(options);
  auto env = prepare_environment(*loaded, options);
  const auto vt = make_time(*env.config);
  const double sim_before = env.sim ? env.sim->logic().stats().value("requests", 0.0) : 0;

  replay_tally tally{std::move(files.opt_out_labels)};
  auto driven = drive_trace(env, vt, files.events, tally);

  // The report, from the audit records (the cache's own account of every
  // unit), the tally and the node's metrics.
  replay_outcome outcome;
  outcome.tally = &tally;
  outcome.cache = tally_cache(driven.records, tally.known_at_turn());
  if (files.audit.is_open()) {
    write_audit(files.audit, driven.records);
  }
  outcome.follow_ups_enabled = env.config->follow_up.enabled;
  outcome.follow_ups = audit_follow_ups(*env.config, vt, tally);
  outcome.provider_calls = sum_family(driven.metrics_text, "openhouse_llm_provider_calls_total");
  outcome.provider_calls_source = "metrics";
  if (env.sim) {
    outcome.provider_calls = env.sim->logic().stats().value("requests", 0.0) - sim_before;
    outcome.provider_calls_source = "simulator";
    env.sim->stop();
  }
  outcome.metrics_text = std::move(driven.metrics_text);
  outcome.events = files.events.size();
  outcome.wall_seconds = driven.wall_seconds;

  const auto report = build_report(outcome);
  files.report << report.dump(2) << '\n';
  out << report.dump(2) << '\n';
  return tally.counts().failed_turns == 0 ? 0 : 1;
}

}  // namespace openhouse::runtime
