#pragma once

#include "config/market.hpp"

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace openhouse::runtime {

/// A trace that cannot be replayed; the message names the file and line.
struct replay_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One line of a trace (DESIGN.md "Traces").
struct trace_event {
  std::size_t line = 0;  ///< 1-based, for messages
  double t = 0;          ///< seconds after local midnight of the replay's first day
  std::string type;      ///< "sms" | "crm_tag" | "crm_update"
  // sms
  std::string sid, from, to, body;
  // crm_tag / crm_update
  std::string contact;
  std::vector<std::string> add, remove;
  std::map<std::string, std::string> fields;  ///< crm_update: values as text ("" clears)
};

/// Reads a JSON Lines trace. Blank lines are skipped; anything else that is
/// not a well-formed event, or a `t` smaller than the one before, throws
/// replay_error("NAME:LINE: reason").
std::vector<trace_event> read_trace(std::istream& in, const std::string& name);

/// What `openhouse replay` is asked to do.
struct replay_options {
  std::string trace_path;
  std::string report_path;  ///< required
  std::string audit_path;   ///< empty: no audit
  /// Labels of the trace (JSON Lines {"sid","cat",...}; cat "optout" marks an
  /// opt-out): the report then also counts opt-outs the runtime missed, and
  /// every text it sent after one. Empty: the runtime's own verdicts only.
  std::string labels_path;
  std::string sim_url;  ///< empty: an in-process simulator at latency 0
  /// Run in a database of its own (CREATE DATABASE on the configured server,
  /// migrated, dropped at the end): the store's dedup and the leads' state
  /// then start empty, as they must for a second run of the same trace.
  bool scratch_db = false;
};

/// `openhouse replay`: drives the node's actors (node_parts, the same as
/// `serve`) through the trace on a virtual clock that starts at local
/// midnight of 2026-01-05 in the market's zone, writes the report (and the
/// audit), prints the report to `out`. Progress goes to stderr: a bar on a
/// terminal, a line per 10% otherwise. Throws replay_error on a bad trace.
int run_replay(const std::shared_ptr<const config::market_config>& loaded,
               const replay_options& options, std::ostream& out);

}  // namespace openhouse::runtime
