// openhouse: the command-line entry point. Each subcommand parses its own
// flags, prints --help, and fails with one line and a non-zero exit code.

#include "cache/local_embedder.hpp"
#include "cache/market_lexicon.hpp"
#include "cache/semantic_eval.hpp"
#include "cache/semantic_setup.hpp"
#include "cache/semantic_tier.hpp"
#include "config/deployment.hpp"
#include "config/loader.hpp"
#include "core/phone_number.hpp"
#include "core/shutdown_signal.hpp"
#include "core/transcript.hpp"
#include "integrations/llm/sim_server.hpp"
#include "integrations/postgres/ledger.hpp"
#include "integrations/postgres/store.hpp"
#include "runtime/node.hpp"
#include "runtime/replay.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace openhouse;
using args = std::vector<std::string_view>;

constexpr std::string_view usage = R"(usage: openhouse <command> [options]

commands:
  serve --config FILE [--port N]     run the node: HTTP front, actors, tiers, its markets
  check-config FILE                  validate a node file with its markets, or one market
                                     file (errors name file, key and line)
  migrate --config FILE              apply PostgreSQL migrations
  costs --config FILE [--since DAY]  LLM cost per day and per lead, from the ledger (JSON)
  conversation --config FILE PHONE   a lead's transcript, each reply with its provenance
  sim-llm --port N [options]         the LLM provider simulator
  replay --config FILE TRACE.jsonl --report R.json
                                     replay a trace on a virtual clock (JSON report)
  eval-semantic --config FILE PAIRS  score the semantic tier on labelled pairs (JSON)

FILE of --config is a node file (its `markets:` name the market files) or an
old-style file holding one market with the node's settings. Commands that work
on one market take --market ID (default: the node file's first market).

Run 'openhouse <command> --help' for a command's options.
)";

/// Thrown for bad command lines; main prints it as one line and exits 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool wants_help(const args& a) {
  return std::any_of(a.begin(), a.end(), [](auto s) { return s == "--help" || s == "-h"; });
}

/// Splits `--name value` options from positional arguments; every option takes a value.
struct parsed_args {
  std::map<std::string, std::string, std::less<>> options;
  std::vector<std::string> positional;
};

parsed_args parse(const args& a, std::initializer_list<std::string_view> known) {
  parsed_args out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].starts_with("--")) {
      auto name = a[i].substr(2);
      std::string value;
      if (const auto eq = name.find('='); eq != std::string_view::npos) {
        value = std::string{name.substr(eq + 1)};
        name = name.substr(0, eq);
      } else {
        if (i + 1 >= a.size()) {
          throw usage_error("option --" + std::string{name} + " needs a value");
        }
        value = std::string{a[++i]};
      }
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        throw usage_error("unknown option --" + std::string{name});
      }
      out.options[std::string{name}] = std::move(value);
    } else {
      out.positional.emplace_back(a[i]);
    }
  }
  return out;
}

template <class T>
T number(const std::string& name, const std::string& text) {
  T value{};
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || p != text.data() + text.size()) {
    throw usage_error("--" + name + ": not a number: " + text);
  }
  return value;
}

double rate(const parsed_args& p, const std::string& name) {
  auto i = p.options.find(name);
  if (i == p.options.end()) {
    return 0.0;
  }
  const double r = std::stod(i->second);
  if (r < 0.0 || r > 1.0) {
    throw usage_error("--" + name + " must be between 0 and 1");
  }
  return r;
}

/// Loads the node file named by --config with its markets; prints every error.
std::optional<config::deployment> load_deployment_of(const parsed_args& p, std::string_view command,
                                                     const config::env_lookup& env) {
  auto i = p.options.find("config");
  if (i == p.options.end()) {
    throw usage_error(std::string{command} + ": --config FILE is required");
  }
  auto result = config::load_deployment(i->second, env);
  if (!result.has_value()) {
    for (const auto& e : result.error()) std::cerr << config::to_string(e) << '\n';
    return std::nullopt;
  }
  return std::move(*result);
}

/// The market a one-market command works on: --market ID, else the first.
std::shared_ptr<const config::market_config> load_market_of(const parsed_args& p,
                                                            std::string_view command,
                                                            const config::env_lookup& env) {
  auto d = load_deployment_of(p, command, env);
  if (!d) return nullptr;
  const auto id = p.options.count("market") != 0 ? p.options.at("market") : std::string{};
  auto market = d->by_id(id);
  if (!market) {
    std::cerr << command << ": no market '" << id << "' in " << d->node_file << '\n';
  }
  return market;
}

/// Loads and validates the config named by --config; prints every error.
std::shared_ptr<const config::market_config> load_config(const parsed_args& p,
                                                         std::string_view command) {
  return load_market_of(p, command, config::process_env());
}

int cmd_serve(const args& a) {
  if (wants_help(a)) {
    std::cout << "usage: openhouse serve --config FILE [--port N]\n"
                 "  Runs the node. --port overrides server.port (0 picks a free port).\n"
                 "  Prints 'listening on http://ADDR:PORT' once the front end accepts requests.\n"
                 "  SIGTERM drains: /readyz answers 503 at once, the node serves on for\n"
                 "  server.drain_delay, finishes the turns in flight and exits 0 (SIGINT skips\n"
                 "  the delay; a second signal ends it).\n";
    return 0;
  }
  auto p = parse(a, {"config", "port"});
  auto d = load_deployment_of(p, "serve", config::process_env());
  if (!d) {
    return 1;
  }
  if (auto port = p.options.find("port"); port != p.options.end()) {
    const auto n = number<std::uint16_t>("port", port->second);
    for (auto& m : d->markets) {
      auto copy = *m;
      copy.server.port = n;
      m = std::make_shared<const config::market_config>(std::move(copy));
    }
  }
  return runtime::run_serve(std::move(*d), std::cout);
}

int cmd_check_config(const args& a) {
  if (wants_help(a)) {
    std::cout
        << "usage: openhouse check-config FILE\n"
           "  Validates a node file with every market file it names, an old-style file, or\n"
           "  one market file alone; prints 'ok' or one 'FILE:LINE: KEY: problem' per error.\n"
           "  Secrets need not be set: an unset ${VAR} is listed as unset on stdout.\n";
    return 0;
  }
  auto p = parse(a, {});
  if (p.positional.size() != 1) {
    throw usage_error("check-config: exactly one FILE is required");
  }
  return config::check_config_command(p.positional[0], std::cout, std::cerr, config::process_env());
}

int cmd_migrate(const args& a) {
  if (wants_help(a)) {
    std::cout << "usage: openhouse migrate --config FILE\n"
                 "  Applies pending PostgreSQL migrations (serve also does this at start).\n";
    return 0;
  }
  auto cfg = load_config(parse(a, {"config"}), "migrate");
  if (!cfg) {
    return 1;
  }
  return runtime::run_migrate(*cfg, std::cout, std::cerr);
}

int cmd_costs(const args& a) {
  if (wants_help(a)) {
    std::cout << "usage: openhouse costs --config FILE [--since YYYY-MM-DD] [--top N]\n"
                 "  Prints the cost ledger as JSON: per day (calls, cost, cost without prompt\n"
                 "  caching, tokens), the N most expensive leads, total and cost per lead.\n";
    return 0;
  }
  auto p = parse(a, {"config", "since", "top", "market"});
  auto cfg = load_config(p, "costs");
  if (!cfg) {
    return 1;
  }
  const auto since = p.options.count("since") != 0 ? p.options.at("since") : std::string{};
  const int top = p.options.count("top") != 0 ? number<int>("top", p.options.at("top")) : 10;
  postgres::ledger ledger{cfg->storage.database_url, cfg->market.id};
  std::cout << ledger.report(since, top).dump(2) << '\n';
  return 0;
}

int cmd_sim_llm(const args& a) {
  if (wants_help(a)) {
    std::cout
        << "usage: openhouse sim-llm [--address A] [--port N] [--latency MS] [--io-threads N]\n"
           "                         [--fault-429 R] [--fault-529 R] [--fault-500 R]\n"
           "                         [--fault-timeout R] [--fault-malformed R]\n"
           "  The LLM provider simulator: POST /v1/messages, /v1/chat/completions,\n"
           "  /v1/embeddings, GET /stats. --latency 0 answers at once; without it latency\n"
           "  imitates the provider. Fault rates are in [0, 1]; the x-sim-fault request\n"
           "  header forces one. Prints 'listening on http://ADDR:PORT'.\n";
    return 0;
  }
  auto p = parse(a, {"port", "latency", "io-threads", "fault-429", "fault-529", "fault-500",
                     "fault-timeout", "fault-malformed", "address"});
  llm::simulator_options opts;
  if (auto i = p.options.find("port"); i != p.options.end()) {
    opts.port = number<std::uint16_t>("port", i->second);
  }
  if (auto i = p.options.find("address"); i != p.options.end()) {
    opts.address = i->second;
  }
  if (auto i = p.options.find("latency"); i != p.options.end()) {
    opts.latency = std::chrono::milliseconds{number<long>("latency", i->second)};
  }
  if (auto i = p.options.find("io-threads"); i != p.options.end()) {
    opts.io_threads = number<std::size_t>("io-threads", i->second);
  }
  opts.fault_rate_429 = rate(p, "fault-429");
  opts.fault_rate_529 = rate(p, "fault-529");
  opts.fault_rate_500 = rate(p, "fault-500");
  opts.fault_rate_timeout = rate(p, "fault-timeout");
  opts.fault_rate_malformed = rate(p, "fault-malformed");
  return llm::run_simulator(opts, std::cout);
}

/// The process environment, where each of `not_needed` that is unset or
/// empty reads "unset-NAME": a command that never uses those variables
/// loads a market file that requires them.
config::env_lookup env_with_placeholders(std::set<std::string> not_needed) {
  return [real_env = config::process_env(), not_needed = std::move(not_needed)](
             const std::string& name) -> std::optional<std::string> {
    auto value = real_env(name);
    if (not_needed.count(name) > 0 && (!value || value->empty())) return "unset-" + name;
    return value;
  };
}

/// The variables only the HTTP front reads: Twilio signatures, CRM
/// webhooks, the admin endpoint.
std::set<std::string> front_secrets() {
  return {"TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID", "OPENHOUSE_CRM_SECRET",
          "OPENHOUSE_ADMIN_TOKEN"};
}

/// Threshold of a task the market lists no threshold for: the built-in
/// embedder's tuned value (its guard-backed operating point), so that a pairs
/// file may score tasks the market does not match semantically yet.
constexpr double eval_default_threshold = cache::local_embedder_threshold;

int cmd_eval_semantic(const args& a) {
  if (wants_help(a)) {
    std::cout
        << "usage: openhouse eval-semantic --config FILE PAIRS.jsonl [--shared-index] [--details]\n"
           "                               [--candidates N]\n"
           "  Scores the semantic (L3) tier on labelled pairs "
           "{\"id\",\"task\",\"a\",\"b\",\"same\",\"kind\"?}:\n"
           "  stores each a, looks up b (similarity >= the task's threshold and the entity\n"
           "  guard agreeing), and prints one JSON object: pairs, true_hits, false_hits,\n"
           "  hit_rate (on same:true), false_hit_rate (on same:false), by_kind, guard_blocked.\n"
           "  By default every pair is scored in isolation (its own partition holding only\n"
           "  its a); the figures with every a of a task in one shared index follow as the\n"
           "  \"shared_index\" block. --shared-index makes those the top-level figures (the\n"
           "  isolated ones then follow as \"isolated\"). --details adds each pair's outcome,\n"
           "  similarity, and the entity guard's verdict and entities whatever the threshold\n"
           "  (bench/cross_validate.py chooses thresholds from them).\n"
           "  --candidates N: nearest entries examined per lookup (default 1, as served).\n"
           "  Embedder and thresholds come from cache.semantic in the market file; a task it\n"
           "  lists no threshold for uses "
        << eval_default_threshold
        << ". Unset ${VAR}s the command does not\n"
           "  need (database, Redis, Twilio) are tolerated.\n";
    return 0;
  }
  // Flags take no value; the shared parser wants one for every option.
  args rest;
  bool shared_index = false;
  bool details = false;
  for (const auto arg : a) {
    if (arg == "--shared-index") {
      shared_index = true;
    } else if (arg == "--details") {
      details = true;
    } else {
      rest.push_back(arg);
    }
  }
  auto p = parse(rest, {"config", "candidates", "market"});
  if (p.positional.size() != 1) {
    throw usage_error("eval-semantic: exactly one PAIRS.jsonl file is required");
  }
  // Scoring touches neither PostgreSQL, Redis nor Twilio: secrets the market
  // file requires for serving get a placeholder when unset.
  auto not_needed = front_secrets();
  not_needed.insert({"OPENHOUSE_DATABASE_URL", "OPENHOUSE_REDIS_URL"});
  auto loaded = load_market_of(p, "eval-semantic", env_with_placeholders(std::move(not_needed)));
  if (!loaded) {
    return 1;
  }
  const auto& cfg = *loaded;
  std::ifstream in(p.positional[0]);
  if (!in) {
    std::cerr << "openhouse eval-semantic: cannot read " << p.positional[0] << '\n';
    return 1;
  }
  std::vector<cache::semantic_pair> pairs;
  try {
    pairs = cache::parse_semantic_pairs(in);
  } catch (const cache::semantic_eval_error& e) {
    std::cerr << "openhouse eval-semantic: " << p.positional[0] << ": " << e.what() << '\n';
    return 1;
  }
  const auto lex = cache::market_lexicon(cfg);
  std::unique_ptr<cache::embedder> embed;
  if (cfg.cache.semantic.embedder == "openai") {
    auto remote = cache::make_remote_embedder(cfg);
    std::vector<std::string> texts;
    for (const auto& pair : pairs) {
      texts.push_back(pair.a);
      texts.push_back(pair.b);
    }
    remote->prefetch(texts);
    embed = std::move(remote);
  } else {
    embed = std::make_unique<cache::local_embedder>(lex);
  }
  cache::semantic_eval_options options;
  options.isolated = !shared_index;
  options.include_pairs = details;
  options.candidates = p.options.count("candidates") != 0
                           ? number<std::size_t>("candidates", p.options.at("candidates"))
                           : cache::semantic_tier_options{}.candidates;
  auto report = cache::run_semantic_eval(pairs, *embed, lex, cfg.cache.semantic.thresholds,
                                         eval_default_threshold, options);
  report["embedder"] = cfg.cache.semantic.embedder;
  std::cout << report.dump(2) << '\n';
  return 0;
}

/// Secrets only the HTTP front needs (Twilio signatures, CRM webhooks, the
/// admin endpoint) get a placeholder when unset: replay has no front.
config::env_lookup front_secrets_optional() { return env_with_placeholders(front_secrets()); }

int cmd_replay(const args& a) {
  if (wants_help(a)) {
    std::cout
        << "usage: openhouse replay --config FILE TRACE.jsonl --report R.json [--audit A.jsonl]\n"
           "                        [--labels L.jsonl] [--sim in-process | --sim http URL]\n"
           "                        [--scratch-db]\n"
           "  Replays a trace (JSON Lines: sms, crm_tag, crm_update events sorted by t, in\n"
           "  seconds after local midnight) through the node's actors - conversations, cache\n"
           "  (L1/L2/L3), gateway, store, ledger - on a virtual clock starting at local\n"
           "  midnight of 2026-01-05 in the market's zone. Uses the configured Redis (under a\n"
           "  fresh key prefix, so the cache starts empty) and PostgreSQL, and an in-process\n"
           "  simulator at latency 0 unless --sim http URL names one.\n"
           "  PostgreSQL rows (messages, conversations, ledger) accumulate: a second replay of\n"
           "  the same trace in the same database sees every sid as a duplicate. --scratch-db\n"
           "  runs in a database created for the run (on the configured server) and dropped.\n"
           "  Writes the report (and with --audit one JSON line per cache request) and prints\n"
           "  the report. Progress on stderr. Exits 1 when a line of the trace is malformed\n"
           "  (naming the line) or a turn failed.\n"
           "  --labels: the trace's labels (JSON Lines with sid and cat; cat \"optout\" marks\n"
           "  an opt-out): the report also counts the opt-outs the runtime missed\n"
           "  (opt_outs_missed), and every text sent after a labelled opt-out counts in\n"
           "  messages_after_opt_out, the reply to the opt-out itself included.\n";
    return 0;
  }
  // Value-less flags and the two-word "--sim http URL" do not fit the shared parser.
  args rest;
  runtime::replay_options options;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "--scratch-db") {
      options.scratch_db = true;
    } else if (a[i] == "--sim") {
      if (i + 1 >= a.size()) {
        throw usage_error("replay: --sim needs in-process or http URL");
      }
      const auto mode = a[++i];
      if (mode == "http") {
        if (i + 1 >= a.size()) {
          throw usage_error("replay: --sim http needs a URL");
        }
        options.sim_url = std::string{a[++i]};
      } else if (mode.starts_with("http://") || mode.starts_with("https://")) {
        options.sim_url = std::string{mode};
      } else if (mode != "in-process") {
        throw usage_error("replay: --sim must be in-process or http URL");
      }
    } else {
      rest.push_back(a[i]);
    }
  }
  auto p = parse(rest, {"config", "report", "audit", "labels", "market"});
  if (p.positional.size() != 1) {
    throw usage_error("replay: exactly one TRACE.jsonl is required");
  }
  if (p.options.count("report") == 0) {
    throw usage_error("replay: --report FILE is required");
  }
  auto loaded = load_market_of(p, "replay", front_secrets_optional());
  if (!loaded) {
    return 1;
  }
  // stdout carries only the report; the node's logs go to stderr, and its
  // per-turn info lines would drown the progress of a 5,000-event trace.
  spdlog::set_default_logger(spdlog::stderr_color_mt("replay"));
  spdlog::set_level(spdlog::level::warn);
  options.trace_path = p.positional[0];
  options.report_path = p.options.at("report");
  if (auto i = p.options.find("audit"); i != p.options.end()) {
    options.audit_path = i->second;
  }
  if (auto i = p.options.find("labels"); i != p.options.end()) {
    options.labels_path = i->second;
  }
  try {
    return runtime::run_replay(std::move(loaded), options, std::cout);
  } catch (const runtime::replay_error& e) {
    std::cerr << "openhouse replay: " << e.what() << '\n';
    return 1;
  }
}

int cmd_conversation(const args& a) {
  if (wants_help(a)) {
    std::cout << "usage: openhouse conversation --config FILE PHONE\n"
                 "  Prints the lead's transcript from PostgreSQL, oldest first: the lead's state,\n"
                 "  then each inbound text and the reply to it, and under each reply its\n"
                 "  provenance: the bot and what wrote the reply; each LLM unit as\n"
                 "  'task tier [source sid, similarity] model $cost' (tier l1, l2, l3, miss,\n"
                 "  bypass, coalesced or error; the source sid is the message whose request\n"
                 "  filled the cache entry); the compliance, opt-out, escalation and handoff\n"
                 "  verdicts; FRS, PCS and temperature after the turn. Follow-ups appear in\n"
                 "  order. PHONE is E.164 (+19095551234). Exits 1 when the market has no lead\n"
                 "  with that number.\n";
    return 0;
  }
  auto p = parse(a, {"config", "market"});
  if (p.positional.size() != 1) {
    throw usage_error("conversation: exactly one PHONE is required");
  }
  const auto& phone = p.positional[0];
  if (!core::is_phone_number(phone)) {
    throw usage_error("conversation: PHONE must be an E.164 number like +19095551234, not '" +
                      phone + "'");
  }
  auto loaded = load_market_of(p, "conversation", front_secrets_optional());
  if (!loaded) {
    return 1;
  }
  agents::lead_transcript transcript;
  try {
    postgres::store db{loaded->storage.database_url, loaded->market.id};
    transcript = db.transcript(phone);
  } catch (const std::exception& e) {
    // libpq's messages span lines; the command's error is one.
    std::string why = e.what();
    std::replace_if(
        why.begin(), why.end(), [](char c) { return c == '\n' || c == '\t'; }, ' ');
    while (!why.empty() && why.back() == ' ') why.pop_back();
    std::cerr << "openhouse conversation: " << why << '\n';
    return 1;
  }
  if (!transcript.found) {
    std::cerr << "openhouse conversation: no lead " << phone << " in market '" << loaded->market.id
              << "'\n";
    return 1;
  }
  std::cout << agents::format_transcript(transcript);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread starts: signals go only to the thread that waits for them.
  runtime::block_shutdown_signals();
  args all(argv + 1, argv + argc);
  if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
    std::cout << usage;
    return all.empty() ? 2 : 0;
  }
  const auto command = all[0];
  const args rest(all.begin() + 1, all.end());
  try {
    if (command == "serve") {
      return cmd_serve(rest);
    }
    if (command == "check-config") {
      return cmd_check_config(rest);
    }
    if (command == "migrate") {
      return cmd_migrate(rest);
    }
    if (command == "costs") {
      return cmd_costs(rest);
    }
    if (command == "conversation") {
      return cmd_conversation(rest);
    }
    if (command == "sim-llm") {
      return cmd_sim_llm(rest);
    }
    if (command == "eval-semantic") {
      return cmd_eval_semantic(rest);
    }
    if (command == "replay") {
      return cmd_replay(rest);
    }
    std::cerr << "openhouse: unknown command '" << command << "' (see openhouse --help)\n";
    return 2;
  } catch (const usage_error& e) {
    std::cerr << "openhouse: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "openhouse " << command << ": " << e.what() << '\n';
    return 1;
  }
}
