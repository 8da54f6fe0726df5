#!/usr/bin/env python3
"""The miss-path burst: N new leads text the node at the same moment.

Reads a request file of make_requests.py (--mode miss: one signed first message
per lead, distinct From numbers), opens one connection per request, and sends
every request at once (a barrier releases them together). Meanwhile it samples
the node's /metrics (provider calls in flight) and /proc/PID/status (threads,
RSS) every 50 ms. Prints one JSON line:

  leads, real_replies, fallback_replies, other (non-200 or no reply),
  p50_s / p99_s / max_s of the reply latency, in_flight_peak (the node's own
  peak gauge when it has one, else the highest sample; null when the node
  exports neither), threads/rss_kib before, at the peak and after.

A reply is the fallback when the TwiML message is the market's
fallback_reply (read from --config).
"""
import argparse
import html
import json
import re
import socket
import threading
import time
import urllib.parse
import urllib.request

import yaml


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                out["threads"] = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                out["rss_kib"] = int(line.split()[1])
    return out


def metric(text, name):
    """Sum of every sample of metric `name` (any labels), or None."""
    total, seen = 0.0, False
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
            seen = True
    return total if seen else None


def scrape(url):
    try:
        with urllib.request.urlopen(url + "/metrics", timeout=5) as r:
            return r.read().decode()
    except OSError:
        return ""


def post(host, port, path, signature, body, timeout):
    """Opens a connection for one request; returns (request bytes, socket)."""
    data = body.encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(data)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    s = socket.create_connection((host, port), timeout=timeout)
    s.settimeout(timeout)
    return head + data, s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", required=True)
    ap.add_argument("--url", required=True, help="the node, http://HOST:PORT")
    ap.add_argument("--pid", type=int, required=True, help="the node's process id")
    ap.add_argument("--config", required=True, help="market file, for fallback_reply")
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()

    with open(args.config) as f:
        # ${VAR:-default} placeholders are plain strings to yaml; fallback_reply has none.
        fallback = " ".join(yaml.safe_load(f)["market"]["fallback_reply"].split())
    lines = [l.rstrip("\n").split("\t", 1) for l in open(args.requests) if l.strip()]
    target = urllib.parse.urlparse(args.url)
    host, port = target.hostname, target.port
    path = "/webhooks/twilio/sms"

    # Connect every lead first, so that the burst is the requests, not the handshakes.
    conns = []
    for signature, body in lines:
        payload, sock = post(host, port, path, signature, body, args.timeout)
        conns.append((payload, sock))

    samples = []
    stop = threading.Event()

    def sampler():
        while not stop.is_set():
            st = proc_status(args.pid)
            st["in_flight"] = metric(scrape(args.url), "openhouse_llm_calls_in_flight")
            st["t"] = time.monotonic()
            samples.append(st)
            stop.wait(0.05)

    before = proc_status(args.pid)
    results = [None] * len(conns)
    barrier = threading.Barrier(len(conns) + 1)

    def one(i):
        payload, sock = conns[i]
        barrier.wait()
        start = time.monotonic()
        try:
            sock.sendall(payload)
            chunks = []
            while True:
                b = sock.recv(65536)
                if not b:
                    break
                chunks.append(b)
            raw = b"".join(chunks).decode(errors="replace")
            status = int(raw.split(" ", 2)[1]) if raw.startswith("HTTP/") else 0
            body = raw.split("\r\n\r\n", 1)[1] if "\r\n\r\n" in raw else ""
            results[i] = (status, body, time.monotonic() - start)
        except OSError as e:
            results[i] = (0, str(e), time.monotonic() - start)
        finally:
            sock.close()

    workers = [threading.Thread(target=one, args=(i,)) for i in range(len(conns))]
    for w in workers:
        w.start()
    sample_thread = threading.Thread(target=sampler)
    sample_thread.start()
    barrier.wait()
    for w in workers:
        w.join()
    stop.set()
    sample_thread.join()
    after = proc_status(args.pid)
    final_metrics = scrape(args.url)

    real = fallback_n = other = 0
    other_sample = None
    latencies = []
    for status, body, secs in results:
        m = re.search(r"<Message>(.*?)</Message>", body, re.S)
        if status != 200 or not m:
            other += 1
            other_sample = other_sample or f"{status}: {body[:200]}"
            continue
        latencies.append(secs)
        text = " ".join(html.unescape(m.group(1)).split())
        if text == fallback:
            fallback_n += 1
        else:
            real += 1
    latencies.sort()

    def q(p):
        if not latencies:
            return None
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 3)

    peak_sample = max(samples, key=lambda s: s.get("threads", 0)) if samples else {}
    flights = [s["in_flight"] for s in samples if s.get("in_flight") is not None]
    peak_gauge = metric(final_metrics, "openhouse_llm_calls_in_flight_peak")
    print(
        json.dumps(
            {
                "leads": len(results),
                "real_replies": real,
                "fallback_replies": fallback_n,
                "other": other,
                "other_sample": other_sample,
                "p50_s": q(0.50),
                "p99_s": q(0.99),
                "max_s": round(latencies[-1], 3) if latencies else None,
                "in_flight_peak": peak_gauge if peak_gauge is not None else (max(flights) if flights else None),
                "threads_before": before.get("threads"),
                "threads_peak": peak_sample.get("threads"),
                "threads_after": after.get("threads"),
                "rss_kib_before": before.get("rss_kib"),
                "rss_kib_peak": max((s.get("rss_kib", 0) for s in samples), default=None),
                "rss_kib_after": after.get("rss_kib"),
            }
        )
    )


if __name__ == "__main__":
    main()
