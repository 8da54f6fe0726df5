#include "integrations/http/dashboard.hpp"

#include <array>

namespace openhouse::http {

namespace {

// Kept in the order of the page's `M` table below; tests check both ways that
// this list and the names in the page agree.
constexpr std::array metrics_read{
    dashboard_metric{"openhouse_llm_cost_usd_total", true},
    dashboard_metric{"openhouse_llm_tokens_total", true},
    dashboard_metric{"openhouse_llm_provider_calls_total", true},
    dashboard_metric{"openhouse_cache_requests_total", true},
    dashboard_metric{"openhouse_cache_l3_estimated_false_hit_rate", false},
    dashboard_metric{"openhouse_webhook_requests_total", true},
    dashboard_metric{"openhouse_webhook_duration_seconds", true},
    dashboard_metric{"openhouse_handoffs_total", false},
    dashboard_metric{"openhouse_temperature_changes_total", false},
    dashboard_metric{"openhouse_compliance_events_total", false},
    dashboard_metric{"openhouse_agent_requests_total", false},
    dashboard_metric{"openhouse_outbox_attempts_total", false},
    dashboard_metric{"openhouse_follow_ups_total", false},
    dashboard_metric{"openhouse_follow_up_ticks_total", false},
};

// One page, no dependencies. The script never uses innerHTML: every value from
// /metrics (label values are whatever the node was given: routes, models,
// tasks) goes through textContent.
constexpr std::string_view page = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>openhouse dashboard</title>
<style>
  body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         margin: 0; background: #f5f6f8; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 10px 20px; display: flex;
           align-items: baseline; gap: 20px; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; }
  header .muted { color: #b8c0cf; }
  main { padding: 12px 20px 40px; }
  h2 { font-size: 15px; margin: 22px 0 8px; text-transform: uppercase; letter-spacing: .04em;
       color: #4a5468; }
  .tiles { display: flex; flex-wrap: wrap; gap: 10px; }
  .tile { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: 8px 14px;
          min-width: 150px; }
  .tile .v { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
  .tile .k { color: #5d6679; font-size: 12px; }
  .grid { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
  table { border-collapse: collapse; background: #fff; border: 1px solid #dde1e8; }
  caption { text-align: left; font-weight: 600; padding: 4px 0; color: #4a5468; }
  th, td { padding: 4px 10px; border-bottom: 1px solid #eef0f4; text-align: right;
           font-variant-numeric: tabular-nums; }
  th:first-child, td:first-child { text-align: left; }
  th { background: #f0f2f6; font-weight: 600; }
  .ok { color: #16794c; } .bad { color: #b3261e; font-weight: 600; }
  #error { color: #b3261e; }
</style>
</head>
<body>
<header>
  <h1>openhouse</h1>
  <span>health: <span id="health">–</span></span>
  <span class="muted">updated <span id="updated">never</span></span>
  <span id="error"></span>
</header>
<main>
  <h2>LLM cost and cache</h2>
  <div class="tiles">
    <div class="tile"><div class="v" id="t-cost">–</div><div class="k">LLM cost so far (USD)</div></div>
    <div class="tile"><div class="v" id="t-calls">–</div><div class="k">provider calls</div></div>
    <div class="tile"><div class="v" id="t-hit">–</div><div class="k">cache hit ratio (l1+l2+l3 of all requests)</div></div>
    <div class="tile"><div class="v" id="t-saved">–</div><div class="k">cache requests answered without the provider</div></div>
    <div class="tile"><div class="v" id="t-l3fh">–</div><div class="k">L3 estimated false-hit rate (worst task)</div></div>
  </div>
  <div class="grid">
    <table id="by-model"><caption>By model</caption></table>
    <table id="cache"><caption>Cache requests by task and outcome</caption></table>
    <table id="calls"><caption>Provider calls by model and task</caption></table>
  </div>

  <h2>Traffic</h2>
  <div class="tiles">
    <div class="tile"><div class="v" id="t-rps">–</div><div class="k">webhook requests/s (last poll)</div></div>
    <div class="tile"><div class="v" id="t-err">–</div><div class="k">errors (code ≥ 400) so far</div></div>
    <div class="tile"><div class="v" id="t-p50">–</div><div class="k">webhook p50 (since start)</div></div>
    <div class="tile"><div class="v" id="t-p99">–</div><div class="k">webhook p99 (since start)</div></div>
  </div>
  <div class="grid">
    <table id="routes"><caption>Requests by route</caption></table>
    <table id="codes"><caption>Requests by route and code</caption></table>
  </div>

  <h2>Leads</h2>
  <div class="grid">
    <table id="handoffs"><caption>Handoffs</caption></table>
    <table id="temps"><caption>Temperature changes</caption></table>
    <table id="compliance"><caption>Compliance events</caption></table>
    <table id="agent"><caption>Agent requests</caption></table>
    <table id="outbox"><caption>Outbox attempts</caption></table>
    <table id="followups"><caption>Follow-ups</caption></table>
    <table id="ticks"><caption>Follow-up worker ticks</caption></table>
  </div>
</main>
<script>
"use strict";
// The metric families read here; dashboard.cpp lists the same names.
const M = {
  cost: "openhouse_llm_cost_usd_total",
  tokens: "openhouse_llm_tokens_total",
  calls: "openhouse_llm_provider_calls_total",
  cache: "openhouse_cache_requests_total",
  l3FalseHits: "openhouse_cache_l3_estimated_false_hit_rate",
  requests: "openhouse_webhook_requests_total",
  latency: "openhouse_webhook_duration_seconds",
  handoffs: "openhouse_handoffs_total",
  temps: "openhouse_temperature_changes_total",
  compliance: "openhouse_compliance_events_total",
  agent: "openhouse_agent_requests_total",
  outbox: "openhouse_outbox_attempts_total",
  followUps: "openhouse_follow_ups_total",
  followUpTicks: "openhouse_follow_up_ticks_total",
};
const POLL_MS = 5000;
const DASH = "–";

// Prometheus text format: `name{a="x",b="y"} value [timestamp]`.
function parseMetrics(text) {
  const out = new Map();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line[0] === "#") continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    let l;
    while ((l = re.exec(m[2] || "")) !== null) {
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
    }
    const v = m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : parseFloat(m[3]);
    if (!out.has(m[1])) out.set(m[1], []);
    out.get(m[1]).push({ labels, value: v });
  }
  return out;
}

function series(data, name) { return data.get(name) || []; }
function present(data, name) { return data.has(name); }
function sum(rows, pred) {
  let s = 0;
  for (const r of rows) if (!pred || pred(r.labels)) s += r.value;
  return s;
}
// Sums by the joined values of `keys`; returns Map("a\u0000b" -> value).
function groupBy(rows, keys) {
  const g = new Map();
  for (const r of rows) {
    const k = keys.map((key) => r.labels[key] ?? "").join("\u0000");
    g.set(k, (g.get(k) || 0) + r.value);
  }
  return g;
}

function fmtInt(v) { return v === undefined || Number.isNaN(v) ? DASH : Math.round(v).toLocaleString("en-US"); }
function fmtUsd(v) { return v === undefined || Number.isNaN(v) ? DASH : "$" + v.toFixed(v < 1 ? 4 : 2); }
function fmtPct(v) { return v === undefined || !Number.isFinite(v) ? DASH : (100 * v).toFixed(1) + "%"; }
function fmtRate(v) { return v === undefined || !Number.isFinite(v) ? DASH : v.toFixed(2); }
function fmtSec(v) {
  if (v === undefined || !Number.isFinite(v)) return DASH;
  return v < 1 ? (1000 * v).toFixed(v < 0.01 ? 2 : 0) + " ms" : v.toFixed(2) + " s";
}

function setText(id, text) { document.getElementById(id).textContent = text; }

// Rebuilds a table from a header and rows of plain strings; textContent only.
function fillTable(id, head, rows) {
  const t = document.getElementById(id);
  while (t.rows.length > 0) t.deleteRow(0);
  const thead = t.tHead || t.createTHead();
  const hr = thead.insertRow();
  for (const h of head) {
    const th = document.createElement("th");
    th.textContent = h;
    hr.appendChild(th);
  }
  const body = t.tBodies[0] || t.createTBody();
  if (rows.length === 0) {
    const tr = body.insertRow();
    const td = tr.insertCell();
    td.colSpan = head.length;
    td.textContent = DASH;
    return;
  }
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell;
  }
}

// A counter family summed by one label, as table rows; "–" when absent.
function simpleTable(data, id, name, key, title) {
  const rows = [...groupBy(series(data, name), [key])]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => [k, fmtInt(v)]);
  fillTable(id, [title, "count"], rows);
}

// histogram_quantile over cumulative buckets [{le, count}] sorted by le.
function quantile(q, buckets) {
  if (buckets.length === 0) return undefined;
  const total = buckets[buckets.length - 1].count;
  if (!(total > 0)) return undefined;
  const rank = q * total;
  let prevLe = 0, prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;  // beyond the last finite bound
      const inBucket = b.count - prevCount;
      return inBucket > 0 ? prevLe + (b.le - prevLe) * ((rank - prevCount) / inBucket) : b.le;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
function bucketsOf(rows, pred) {
  const byLe = new Map();
  for (const r of rows) {
    if (pred && !pred(r.labels)) continue;
    const le = r.labels.le === "+Inf" ? Infinity : parseFloat(r.labels.le);
    byLe.set(le, (byLe.get(le) || 0) + r.value);
  }
  return [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

// The webhooks are the traffic that matters; this page's own polling of
// /metrics and /readyz would otherwise dominate the numbers on a quiet node.
function isWebhook(labels) { return (labels.route || "").startsWith("/webhooks/"); }

let previous = null;  // { at: ms, requests: Map(route\0code -> count) }

function render(data) {
  // LLM cost and cache.
  const costRows = series(data, M.cost);
  setText("t-cost", present(data, M.cost) ? fmtUsd(sum(costRows)) : DASH);
  setText("t-calls", present(data, M.calls) ? fmtInt(sum(series(data, M.calls))) : DASH);

  const cost = groupBy(costRows, ["model"]);
  const calls = groupBy(series(data, M.calls), ["model"]);
  const tokens = groupBy(series(data, M.tokens), ["model", "kind"]);
  const models = new Set([...cost.keys(), ...calls.keys(),
                          ...[...tokens.keys()].map((k) => k.split("\u0000")[0])]);
  const tok = (m, kind) => tokens.has(m + "\u0000" + kind) ? fmtInt(tokens.get(m + "\u0000" + kind)) : DASH;
  fillTable("by-model", ["model", "cost", "calls", "input tok", "output tok", "cache write tok", "cache read tok"],
    [...models].sort().map((m) => [m, cost.has(m) ? fmtUsd(cost.get(m)) : DASH,
                                   calls.has(m) ? fmtInt(calls.get(m)) : DASH,
                                   tok(m, "input"), tok(m, "output"), tok(m, "cache_write"), tok(m, "cache_read")]));

  const cacheRows = series(data, M.cache);
  const outcomes = ["l1", "l2", "l3", "miss", "bypass", "coalesced"];
  const isHit = (l) => l.outcome === "l1" || l.outcome === "l2" || l.outcome === "l3";
  const allCache = sum(cacheRows);
  const hits = sum(cacheRows, isHit);
  setText("t-hit", present(data, M.cache) && allCache > 0 ? fmtPct(hits / allCache) : DASH);
  setText("t-saved", present(data, M.cache)
    ? fmtInt(hits + sum(cacheRows, (l) => l.outcome === "coalesced")) : DASH);
  const tasks = [...new Set(cacheRows.map((r) => r.labels.task ?? ""))].sort();
  const cacheLine = (label, pred) => {
    const n = (o) => sum(cacheRows, (l) => pred(l) && l.outcome === o);
    const all = sum(cacheRows, pred);
    const h = sum(cacheRows, (l) => pred(l) && isHit(l));
    return [label, ...outcomes.map((o) => fmtInt(n(o))), all > 0 ? fmtPct(h / all) : DASH];
  };
  const cacheTable = tasks.map((t) => cacheLine(t, (l) => (l.task ?? "") === t));
  if (tasks.length > 1) cacheTable.push(cacheLine("all tasks", () => true));
  fillTable("cache", ["task", ...outcomes, "hit ratio"], cacheTable);

  const fh = series(data, M.l3FalseHits).map((r) => r.value).filter(Number.isFinite);
  setText("t-l3fh", fh.length > 0 ? fmtPct(Math.max(...fh)) : DASH);

  fillTable("calls", ["model", "task", "calls"],
    [...groupBy(series(data, M.calls), ["model", "task"])].sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [...k.split("\u0000"), fmtInt(v)]));

  // Traffic: rates are the counter deltas since the previous poll.
  const now = Date.now();
  const reqRows = series(data, M.requests);
  const reqs = groupBy(reqRows, ["route", "code"]);
  const dt = previous ? (now - previous.at) / 1000 : 0;
  const delta = (k, v) => {
    if (!previous || dt <= 0) return undefined;
    const before = previous.requests.get(k);
    return before === undefined || v < before ? v : v - before;  // v < before: the node restarted
  };
  let hookDelta = previous && dt > 0 ? 0 : undefined;
  const routes = new Map();
  for (const [k, v] of reqs) {
    const [route, code] = k.split("\u0000");
    const d = delta(k, v);
    const err = Number(code) >= 400;
    const r = routes.get(route) || { total: 0, errors: 0, d: undefined, dErr: undefined };
    r.total += v;
    if (err) r.errors += v;
    if (d !== undefined) {
      r.d = (r.d || 0) + d;
      r.dErr = (r.dErr || 0) + (err ? d : 0);
      if (route.startsWith("/webhooks/")) hookDelta += d;
    }
    routes.set(route, r);
  }
  setText("t-rps", present(data, M.requests) && hookDelta !== undefined ? fmtRate(hookDelta / dt) : DASH);
  setText("t-err", present(data, M.requests)
    ? fmtInt(sum(reqRows, (l) => isWebhook(l) && Number(l.code) >= 400)) + " webhook / " +
      fmtInt(sum(reqRows, (l) => Number(l.code) >= 400)) + " all"
    : DASH);

  const bucketRows = series(data, M.latency + "_bucket");
  const hookBuckets = bucketsOf(bucketRows, isWebhook);
  setText("t-p50", fmtSec(quantile(0.5, hookBuckets)));
  setText("t-p99", fmtSec(quantile(0.99, hookBuckets)));
  fillTable("routes", ["route", "requests", "req/s", "errors", "errors/s", "p50", "p99"],
    [...routes].sort().map(([route, r]) => {
      const b = bucketsOf(bucketRows, (l) => l.route === route);
      return [route, fmtInt(r.total), r.d === undefined ? DASH : fmtRate(r.d / dt),
              fmtInt(r.errors), r.dErr === undefined ? DASH : fmtRate(r.dErr / dt),
              fmtSec(quantile(0.5, b)), fmtSec(quantile(0.99, b))];
    }));
  fillTable("codes", ["route", "code", "requests"],
    [...reqs].sort().map(([k, v]) => [...k.split("\u0000"), fmtInt(v)]));
  previous = { at: now, requests: reqs };

  // Leads.
  fillTable("handoffs", ["from", "to", "count"],
    [...groupBy(series(data, M.handoffs), ["from", "to"])].sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [...k.split("\u0000"), fmtInt(v)]));
  simpleTable(data, "temps", M.temps, "to", "to");
  simpleTable(data, "compliance", M.compliance, "event", "event");
  simpleTable(data, "agent", M.agent, "kind", "kind");
  fillTable("outbox", ["kind", "outcome", "count"],
    [...groupBy(series(data, M.outbox), ["kind", "outcome"])].sort()
      .map(([k, v]) => [...k.split("\u0000"), fmtInt(v)]));
  simpleTable(data, "followups", M.followUps, "outcome", "outcome");
  simpleTable(data, "ticks", M.followUpTicks, "outcome", "outcome");
}

async function pollMetrics() {
  const res = await fetch("/metrics", { cache: "no-store" });
  if (!res.ok) throw new Error("/metrics answered " + res.status);
  render(parseMetrics(await res.text()));
}

async function pollHealth() {
  const el = document.getElementById("health");
  try {
    // 503 still carries the JSON saying which dependency is down.
    const res = await fetch("/readyz", { cache: "no-store" });
    const body = await res.json();
    const part = (name) => name + " " + (body[name] ?? DASH);
    // "ready", "degraded" (Redis down, still serving), "not ready", "draining".
    el.textContent = (body.status ?? (res.ok ? "ready" : "NOT READY")) + " (" + part("redis") + ", " + part("postgres") + ")";
    el.className = res.ok ? "ok" : "bad";
  } catch (e) {
    el.textContent = "unreachable";
    el.className = "bad";
  }
}

async function tick() {
  try {
    await pollMetrics();
    setText("updated", new Date().toLocaleTimeString());
    setText("error", "");
  } catch (e) {
    // Keep the last numbers on screen; say why they are not fresh.
    setText("error", String(e && e.message ? e.message : e));
  }
  await pollHealth();
  setTimeout(tick, POLL_MS);
}
tick();
</script>
</body>
</html>
)html";

}  // namespace

std::span<const dashboard_metric> dashboard_metrics() { return metrics_read; }

std::string_view dashboard_html() { return page; }

}  // namespace openhouse::http
