#include "runtime/replay.hpp"

#include "agents/bots.hpp"
#include "agents/compliance.hpp"
#include "agents/facts_unit.hpp"
#include "agents/intent_unit.hpp"
#include "agents/lead_state.hpp"
#include "agents/question_flow.hpp"
#include "cache/llm_cache.hpp"
#include "integrations/llm/sim_server.hpp"
#include "integrations/postgres/store.hpp"
#include "runtime/follow_up_worker.hpp"
#include "runtime/lead_zones.hpp"
#include "runtime/node_parts.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
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
  char buf[24];
  std::snprintf(buf, sizeof buf, "%d_%08x", static_cast<int>(getpid()), rd());
  return buf;
}

/// A database created for one replay and dropped after it.
/// What the stored follow-ups look like from outside the worker.
struct follow_up_check {
  std::size_t stored = 0;  ///< follow-up messages in the database
  /// Written at a local time in the quiet window, on the market's clock or
  /// on the clock of a zone of the lead's area code: must be 0.
  std::size_t in_quiet_hours = 0;
  std::size_t in_lead_quiet_hours = 0;  ///< of those, the market's clock was clear
  std::size_t after_opt_out = 0;        ///< to a lead opted out at that moment: must be 0
};

/// Reads every follow-up of `market` and checks its time against the quiet
/// window (agents::quiet_for_lead: in `zone` and in the lead's zones) and
/// against the lead's STOP/START history (time, opted out), oldest first, as
/// the trace sent them.
follow_up_check check_follow_ups(
    const std::string& database_url, const std::string& market, const config::quiet_hours& quiet,
    const time_zone& zone, const lead_zones& leads,
    const std::unordered_map<std::string, std::vector<std::pair<std::int64_t, bool>>>&
        opt_history) {
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

/// Sums every sample of a counter family in a Prometheus text exposition
/// (only those whose labels contain `label`, when given).
double sum_family(const std::string& text, std::string_view family, std::string_view label = {}) {
  double total = 0;
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || !line.starts_with(family)) {
      continue;
    }
    const char next = line.size() > family.size() ? line[family.size()] : '\0';
    if (next != '{' && next != ' ') {
      continue;  // another family sharing the prefix
    }
    if (!label.empty() && line.find(label) == std::string::npos) {
      continue;
    }
    const auto space = line.rfind(' ');
    if (space != std::string::npos) {
      total += std::stod(line.substr(space + 1));
    }
  }
  return total;
}

double percentile(std::vector<double> sorted, double p) {
  if (sorted.empty()) {
    return 0;
  }
  std::sort(sorted.begin(), sorted.end());
  // Nearest rank.
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double round_to(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

/// Per task: requests, hits, cost and baseline — where the money goes.
struct task_tally {
  std::size_t requests = 0;
  std::size_t hits = 0;
  double cost = 0;
  double baseline = 0;
};

json by_task_json(const std::map<std::string, task_tally>& by_task) {
  json out = json::object();
  for (const auto& [task, t] : by_task) {
    out[task] = {{"requests", t.requests},
                 {"hits", t.hits},
                 {"cost_usd", round_to(t.cost, 6)},
                 {"baseline_cost_usd", round_to(t.baseline, 6)}};
  }
  return out;
}

bool is_hit(cache::outcome o) {
  return o == cache::outcome::l1 || o == cache::outcome::l2 || o == cache::outcome::l3;
}

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

int run_replay(std::shared_ptr<const config::market_config> loaded, const replay_options& options,
               std::ostream& out) {
  std::vector<trace_event> events;
  {
    std::ifstream in{options.trace_path};
    if (!in) {
      throw replay_error("cannot read " + options.trace_path);
    }
    events = read_trace(in, options.trace_path);
  }
  std::optional<std::unordered_set<std::string>> opt_out_labels;
  if (!options.labels_path.empty()) {
    opt_out_labels = read_opt_out_labels(options.labels_path);
  }
  std::ofstream report_file{options.report_path};
  if (!report_file) {
    throw replay_error("cannot write " + options.report_path);
  }
  std::ofstream audit_file;
  if (!options.audit_path.empty()) {
    audit_file.open(options.audit_path);
    if (!audit_file) {
      throw replay_error("cannot write " + options.audit_path);
    }
  }

  // The configuration is immutable: the replay's own copy gets a Redis
  // prefix of its own (a clean cache, every generation at 0), the simulator
  // and, when asked, a scratch database.
  auto cfg = std::make_shared<config::market_config>(*loaded);
  cfg->cache.redis_prefix = loaded->cache.redis_prefix + ":replay:" + random_tag();
  std::unique_ptr<scratch_database> scratch;
  if (options.scratch_db) {
    scratch = std::make_unique<scratch_database>(cfg->storage.database_url);
    cfg->storage.database_url = scratch->url();
  }
  std::unique_ptr<llm::sim_server> sim;
  if (options.sim_url.empty()) {
    llm::simulator_options sim_opts;
    sim_opts.latency = std::chrono::milliseconds{0};
    sim = std::make_unique<llm::sim_server>(sim_opts);
    sim->start();
    cfg->llm.base_url = sim->base_url();
  } else {
    cfg->llm.base_url = options.sim_url;
  }
  {
    postgres::store db{cfg->storage.database_url, cfg->market.id};
    db.migrate();
  }
  std::shared_ptr<const config::market_config> config = cfg;

  // Everything the cache answers, in the order it answered.
  std::mutex audit_mutex;
  std::vector<cache::cache_audit_record> records;

  const auto zone = time_zone::load(config->market.timezone);
  const auto start = virtual_start(zone);
  // The zones of leads' area codes, loaded once for the worker and the check.
  std::shared_ptr<const lead_zones> lead_clocks;
  if (config->follow_up.enabled) lead_clocks = std::make_shared<const lead_zones>();
  auto time = std::make_shared<manual_clock>(start);
  auto metrics = std::make_shared<runtime::metrics>();

  // Tallies.
  std::size_t messages = 0, replies = 0, duplicate_deliveries = 0, duplicate_replies = 0,
              opt_outs = 0, messages_after_opt_out = 0, failed_turns = 0, fallbacks = 0,
              crm_tags_applied = 0, crm_tags_not_applied = 0, crm_updates_applied = 0,
              crm_updates_not_applied = 0, crm_person_temperatures = 0, crm_fields_rejected = 0,
              opt_outs_missed = 0, opt_outs_labelled = 0, multi_question_replies = 0,
              known_fact_questions = 0;
  std::map<std::string, std::size_t> opt_outs_by_rule;  // the rule that recognised each
  // What leads receive: every escalation by reason, who is muted (and why)
  // at the end, and first deliveries left without a reply that should have
  // had one.
  std::map<std::string, std::size_t> escalations;
  std::unordered_map<std::string, std::string> muted_for;  // contact -> escalation reason
  std::size_t unanswered_inbound = 0;
  std::size_t answerable_inbound = 0;
  std::size_t follow_ups_written = 0, follow_up_ticks_held = 0;
  std::set<std::string> contacts;
  // contact -> (time, opted out) at each STOP/START, for checking follow-ups
  std::unordered_map<std::string, std::vector<std::pair<std::int64_t, bool>>> opt_history;
  std::unordered_map<std::string, bool> seen_sids;               // sid -> answered
  std::unordered_map<std::string, bool> opted_out;               // contact -> opted out
  std::unordered_map<std::string, std::uint64_t> known;          // contact -> contact generation
  std::unordered_map<std::string, std::uint64_t> known_at_turn;  // sid -> generation before it
  std::vector<double> latencies;
  latencies.reserve(events.size());
  double sim_before = 0;
  if (sim) {
    sim_before = sim->logic().stats().value("requests", 0.0);
  }

  const auto wall_start = std::chrono::steady_clock::now();
  auto seconds_since = [](std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  std::string metrics_text;
  {
    node_config caf_cfg;
    caf::actor_system sys{caf_cfg};
    node_options node_opts;
    node_opts.time = time;
    node_opts.metrics = metrics;
    node_opts.restore_semantic = false;  // a clean slate: only this run's entries
    node_opts.audit = [&audit_mutex, &records](const cache::cache_audit_record& r) {
      std::lock_guard lock{audit_mutex};
      records.push_back(r);
    };
    node_parts parts{sys, config, std::move(node_opts)};
    const auto deadline = turn_deadline(*config);
    const auto& market = config->market.id;
    caf::scoped_actor self{sys};

    // The contact's generation as the cache knows it now.
    auto read_generation = [&](const std::string& contact) {
      self->request(parts.cache, std::chrono::seconds{10}, cache::generations_atom_v, market,
                    contact, std::string{agents::reply_task})
          .receive([&](const cache::generations& g,
                       bool) { known[contact] = std::max(known[contact], g.contact); },
                   [&](const caf::error& e) {
                     spdlog::warn("replay: generations of {} not read: {}", contact, to_string(e));
                   });
    };

    // The one message the runtime starts itself: when the market sends
    // follow-ups, the same worker as serve's is ticked at every poll boundary
    // of the virtual clock, so quiet hours and `after` hold them as they would.
    follow_up_actor follow_ups;
    if (config->follow_up.enabled) {
      follow_up_deps fd;
      fd.config = config;
      fd.time = time;
      fd.zone = parts.zone;
      fd.metrics = metrics;
      fd.poll = false;  // ticked below, on the virtual clock
      fd.leads = lead_clocks;
      follow_ups = spawn_follow_up_worker(sys, std::move(fd));
    }
    auto next_tick = start + config->follow_up.poll;
    auto tick_until = [&](clock::time_point until) {
      for (; follow_ups && next_tick <= until; next_tick += config->follow_up.poll) {
        time->set(next_tick);
        self->request(follow_ups, std::chrono::seconds{60}, tick_atom_v)
            .receive(
                [&](std::int32_t written, bool held) {
                  follow_ups_written += static_cast<std::size_t>(written);
                  follow_up_ticks_held += held ? 1 : 0;
                },
                [&](const caf::error& err) {
                  spdlog::warn("replay: follow-up tick failed: {}", to_string(err));
                });
      }
    };

    progress bar{events.size()};
    std::size_t done = 0;
    for (const auto& e : events) {
      // Principle 6: the clock only moves forward, and only once every
      // earlier event has been answered (the loop is sequential).
      const auto at = start + std::chrono::duration_cast<clock::time_point::duration>(
                                  std::chrono::duration<double>(e.t));
      tick_until(at);
      if (at > time->now()) {
        time->set(at);
      }
      if (e.type == "sms") {
        ++messages;
        contacts.insert(e.from);
        const bool repeated = seen_sids.count(e.sid) > 0;
        if (repeated) {
          ++duplicate_deliveries;
        } else {
          known_at_turn[e.sid] = known[e.from];
        }
        inbound_sms msg{e.sid, e.from, e.to, e.body, time->now_ms()};
        const auto t0 = std::chrono::steady_clock::now();
        std::optional<turn_result> result;
        self->request(parts.router, deadline, std::move(msg))
            .receive([&](const turn_result& r) { result = r; },
                     [&](const caf::error& err) {
                       ++failed_turns;
                       spdlog::warn("replay: line {} (sid {}): turn failed: {}", e.line, e.sid,
                                    to_string(err));
                     });
        latencies.push_back(seconds_since(t0) * 1000.0);
        if (!repeated) {
          // A turn's result says whether the lead is muted after it; a
          // failed turn changes nothing.
          if (result && !result->escalation.empty()) {
            ++escalations[result->escalation];
            muted_for[e.from] = result->escalation;
          } else if (result && result->muted) {
            muted_for.try_emplace(e.from, "before the replay");
          } else if (result) {
            muted_for.erase(e.from);
          }
          const auto& done_by = result ? result->compliance : std::string{};
          const auto reason = muted_for.find(e.from);
          // A lead who asked for a person waits for that person; an opt-out
          // is answered by its confirmation or, rightly, by nothing.
          const bool excused = done_by.starts_with("opt_out") || done_by == "suppressed" ||
                               (reason != muted_for.end() && reason->second == "human_request");
          if (!excused) {
            ++answerable_inbound;
            if (!result || result->reply.empty()) ++unanswered_inbound;
          }
        }
        if (result) {
          const bool new_reply = !result->reply.empty() && !result->duplicate;
          if (!result->reply.empty()) {
            ++replies;
          }
          if (result->fallback) {
            ++fallbacks;
          }
          if (repeated && new_reply && seen_sids[e.sid]) {
            ++duplicate_replies;
          }
          if (new_reply && !repeated) {
            // What the lead reads: one question at most, and none whose
            // answer the lead's state already holds.
            const auto questions = agents::questions_in(result->reply);
            multi_question_replies += questions.size() >= 2 ? 1 : 0;
            const auto& facts = result->facts;
            const bool known = std::any_of(questions.begin(), questions.end(), [&](const auto& q) {
              const auto asked = agents::facts_asked(q);
              return std::any_of(asked.begin(), asked.end(),
                                 [&](const auto& f) { return agents::fact_known(facts, f); });
            });
            known_fact_questions += known ? 1 : 0;
            if (known) {
              spdlog::debug("replay: {} asks a known fact: {} (facts {})", e.sid, result->reply,
                            agents::facts_to_json(result->facts));
            }
          }
          if (!repeated) {
            const auto& done_by = result->compliance;
            const bool was_out = opted_out[e.from];
            if (done_by.starts_with("opt_out")) {
              // The reply is the one confirmation, and only on the first opt-out.
              ++opt_outs;
              ++opt_outs_by_rule[done_by.size() > 8 ? done_by.substr(8) : "keyword"];
              if (was_out && new_reply) {
                ++messages_after_opt_out;
              }
              opted_out[e.from] = true;
              opt_history[e.from].emplace_back(time->now_ms(), true);
            } else if (done_by == "opt_in") {
              opted_out[e.from] = false;
              opt_history[e.from].emplace_back(time->now_ms(), false);
            } else if (opt_out_labels && opt_out_labels->count(e.sid) > 0) {
              // The labels say opt-out and the runtime did not honour it: its
              // reply is a text after an opt-out, and so is every later one.
              ++opt_outs_missed;
              if (new_reply) {
                ++messages_after_opt_out;
              }
              opted_out[e.from] = true;
              opt_history[e.from].emplace_back(time->now_ms(), true);
            } else if (was_out && new_reply) {
              ++messages_after_opt_out;
            }
            if (opt_out_labels && opt_out_labels->count(e.sid) > 0) {
              ++opt_outs_labelled;
            }
          }
          seen_sids[e.sid] = seen_sids[e.sid] || new_reply;
        } else {
          seen_sids.emplace(e.sid, false);
        }
        if (!repeated) {
          read_generation(e.from);
        }
      } else {
        // The same path as POST /webhooks/crm: the lead's conversation applies
        // the change (tags diffed against the stored ones, a person's
        // temperature, fields into facts, a generation bump when it must).
        const bool tags = e.type == "crm_tag";
        crm_event ev;
        ev.kind = e.type;
        ev.contact = e.contact;
        ev.add_tags = e.add;
        ev.remove_tags = e.remove;
        ev.fields = e.fields;
        ev.received_at_ms = time->now_ms();
        self->request(parts.router, deadline, std::move(ev))
            .receive(
                [&](const crm_result& r) {
                  ++(tags ? crm_tags_applied : crm_updates_applied);
                  crm_person_temperatures += r.person_temperature ? 1 : 0;
                  crm_fields_rejected += r.fields_rejected.size();
                  if (r.released) muted_for.erase(e.contact);
                },
                [&](const caf::error& err) {
                  ++(tags ? crm_tags_not_applied : crm_updates_not_applied);
                  spdlog::warn("replay: line {}: CRM change not applied: {}", e.line,
                               to_string(err));
                });
        read_generation(e.contact);
      }
      bar.update(++done, seconds_since(wall_start));
    }
    if (follow_ups) {
      caf::anon_send_exit(follow_ups, caf::exit_reason::user_shutdown);
    }
    metrics_text = metrics->render();
    parts.shutdown();
  }
  const double wall_seconds = seconds_since(wall_start);

  // The report, from the audit records (the cache's own account of every unit).
  std::lock_guard lock{audit_mutex};
  std::size_t l1 = 0, l2 = 0, l3 = 0, misses = 0, bypasses = 0, coalesced = 0, stale = 0;
  double cost = 0, baseline = 0;
  std::map<std::string, task_tally> by_task;
  std::uint64_t verifications = 0;
  for (const auto& r : records) {
    if (r.verification) {
      // The background check of a sampled L3 hit: not a request, but real
      // spending (the baseline would not have made it).
      ++verifications;
      cost += r.cost_usd;
      continue;
    }
    switch (r.outcome) {
      case cache::outcome::l1:
        ++l1;
        break;
      case cache::outcome::l2:
        ++l2;
        break;
      case cache::outcome::l3:
        ++l3;
        break;
      case cache::outcome::miss:
        ++misses;
        break;
      case cache::outcome::bypass:
        ++bypasses;
        break;
      case cache::outcome::coalesced:
        ++coalesced;
        break;
    }
    cost += r.cost_usd;
    baseline += r.baseline_cost_usd;
    auto& tally = by_task[r.task];
    ++tally.requests;
    tally.hits += is_hit(r.outcome) ? 1 : 0;
    tally.cost += r.cost_usd;
    tally.baseline += r.baseline_cost_usd;
    // Only a unit that reads the lead's state can be stale for the lead; a
    // shared (market or global) unit reads only PII-free text.
    if (is_hit(r.outcome) && cache::has_contact(r.unit_scope)) {
      // The contact's generation at that moment: what the replay knew before
      // the turn (its own bumps, earlier turns) or what the turn itself read,
      // whichever is newer.
      std::uint64_t current = r.request_generation.contact;
      if (auto i = known_at_turn.find(r.sid); i != known_at_turn.end()) {
        current = std::max(current, i->second);
      }
      const bool other_life = r.entry_generation.epoch != 0 && r.request_generation.epoch != 0 &&
                              r.entry_generation.epoch != r.request_generation.epoch;
      if (r.entry_generation.contact < current || other_life) {
        ++stale;
      }
    }
    if (audit_file) {
      json line{{"sid", r.sid},
                {"contact", r.contact},
                {"task", r.task},
                {"outcome", std::string{cache::to_string(r.outcome)}}};
      line["scope"] = std::string{cache::to_string(r.unit_scope)};
      if (is_hit(r.outcome)) {
        line["source_sid"] = r.source_sid;
      }
      line["cost_usd"] = round_to(r.cost_usd, 8);
      line["baseline_cost_usd"] = round_to(r.baseline_cost_usd, 8);
      if (r.outcome == cache::outcome::l3) {
        line["similarity"] = round_to(r.similarity, 4);
      }
      audit_file << line.dump() << '\n';
    }
  }
  // Every follow-up stored, checked on its own against the market's quiet
  // hours and the leads' STOP/START as the trace sent them.
  follow_up_check follow_up_audit;
  if (config->follow_up.enabled) {
    follow_up_audit = check_follow_ups(config->storage.database_url, config->market.id,
                                       config->quiet, zone, *lead_clocks, opt_history);
    messages_after_opt_out += follow_up_audit.after_opt_out;
  }
  double provider_calls = sum_family(metrics_text, "openhouse_llm_provider_calls_total");
  std::string provider_calls_source = "metrics";
  if (sim) {
    provider_calls = sim->logic().stats().value("requests", 0.0) - sim_before;
    provider_calls_source = "simulator";
    sim->stop();
  }
  json report{
      {"messages", messages},
      {"llm_requests", records.size() - verifications},
      {"provider_calls", static_cast<std::uint64_t>(provider_calls)},
      {"hits", {{"l1", l1}, {"l2", l2}, {"l3", l3}}},
      {"misses", misses},
      {"bypasses", bypasses},
      {"coalesced", coalesced},
      {"l3_verifications", verifications},
      {"by_task", by_task_json(by_task)},
      {"cost_usd", round_to(cost, 6)},
      {"baseline_cost_usd", round_to(baseline, 6)},
      {"savings_pct", baseline > 0 ? round_to(100.0 * (1.0 - cost / baseline), 2) : 0.0},
      {"cost_per_lead_usd",
       contacts.empty() ? 0.0 : round_to(cost / static_cast<double>(contacts.size()), 6)},
      {"leads", contacts.size()},
      {"replies", replies},
      {"multi_question_replies", multi_question_replies},
      {"known_fact_questions", known_fact_questions},
      {"duplicate_deliveries", duplicate_deliveries},
      {"duplicate_replies", duplicate_replies},
      {"opt_outs", opt_outs},
      {"opt_outs_by_rule", opt_outs_by_rule},
      {"messages_after_opt_out", messages_after_opt_out},
      {"handoffs",
       static_cast<std::uint64_t>(sum_family(metrics_text, "openhouse_handoffs_total"))},
      {"temperature_changes",
       static_cast<std::uint64_t>(sum_family(metrics_text, "openhouse_temperature_changes_total"))},
      {"stale_served", stale},
      {"escalations", escalations},
      {"leads_muted", muted_for.size()},
      {"leads_muted_by_reason",
       [&] {
         std::map<std::string, std::size_t> by_reason;
         for (const auto& [contact, reason] : muted_for) ++by_reason[reason];
         return by_reason;
       }()},
      {"unanswered_inbound", unanswered_inbound},
      {"answerable_inbound", answerable_inbound},
      {"holding_replies",
       static_cast<std::uint64_t>(
           sum_family(metrics_text, "openhouse_compliance_events_total", R"(event="hold_reply")"))},
      {"agent_notes",
       {{"hot_lead", static_cast<std::uint64_t>(sum_family(
                         metrics_text, "openhouse_agent_requests_total", R"(kind="hot_lead")"))},
        {"tour", static_cast<std::uint64_t>(
                     sum_family(metrics_text, "openhouse_agent_requests_total", R"(kind="tour")"))},
        {"valuation",
         static_cast<std::uint64_t>(
             sum_family(metrics_text, "openhouse_agent_requests_total", R"(kind="valuation")"))}}},
      {"latency_ms",
       {{"p50", round_to(percentile(latencies, 50), 3)},
        {"p95", round_to(percentile(latencies, 95), 3)},
        {"p99", round_to(percentile(latencies, 99), 3)}}},
      {"failed_turns", failed_turns},
      {"fallback_replies", fallbacks},
      {"crm",
       {{"tags_applied", crm_tags_applied},
        {"tags_not_applied", crm_tags_not_applied},
        {"updates_applied", crm_updates_applied},
        {"updates_not_applied", crm_updates_not_applied},
        {"person_temperatures", crm_person_temperatures},
        {"fields_rejected", crm_fields_rejected}}},
      {"follow_ups",
       {{"enabled", config->follow_up.enabled},
        {"sent", follow_ups_written},
        {"stored", follow_up_audit.stored},
        {"in_quiet_hours", follow_up_audit.in_quiet_hours},
        {"in_lead_quiet_hours", follow_up_audit.in_lead_quiet_hours},
        {"held_for_lead_quiet_hours",
         static_cast<std::uint64_t>(sum_family(metrics_text, "openhouse_follow_ups_total",
                                               R"(outcome="lead_quiet_hours")"))},
        {"after_opt_out", follow_up_audit.after_opt_out},
        {"ticks_held_for_quiet_hours", follow_up_ticks_held}}},
      {"provider_calls_source", provider_calls_source},
      {"events", events.size()},
      {"wall_seconds", round_to(wall_seconds, 3)},
  };
  if (opt_out_labels) {
    report["opt_outs_labelled"] = opt_outs_labelled;
    report["opt_outs_missed"] = opt_outs_missed;
  }
  report_file << report.dump(2) << '\n';
  out << report.dump(2) << '\n';
  return failed_turns == 0 ? 0 : 1;
}

}  // namespace openhouse::runtime
