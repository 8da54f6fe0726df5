#!/usr/bin/env python3
"""Writes validly signed Twilio SMS webhook requests for wrk (twilio_sms.lua).

wrk's Lua has no HMAC-SHA1, so the requests are signed here, ahead of the run:
one line per request, "<X-Twilio-Signature>\t<form body>". The signature is
computed independently of the node's own code (integrations/twilio/signature),
as Twilio documents it: base64(HMAC-SHA1(auth token, URL + every POST field's
name and value, sorted by name)). Every request has its own MessageSid (a
repeated sid is a duplicate delivery, a different path).

  --mode hit   CONTACTS leads, each asking one FAQ question from a fixed list of
               common, PII-free ones; ROUNDS files (OUT.1 .. OUT.ROUNDS), one
               message per lead in each, the same question every round. Every
               LLM unit of a turn is keyed by the lead (intent, facts) or the
               market (the FAQ answer), and the facts unit also reads the
               question the bot asked last, so a lead's third identical turn is
               the first whose units were all seen before: rounds 1-2 warm up,
               round 3 is the all-hit path.
  --mode miss  CONTACTS new leads, one message each, every text unique (a
               number, a price and a zip that differ per message, which the
               semantic tier's entity guard never matches): every unit misses.
"""
import argparse
import base64
import hashlib
import hmac
import random
import sys
import urllib.parse

# Common FAQ questions of the dev trace's kind: no PII, no greeting, nothing
# about availability or time ("today", "this weekend"), which are never cached,
# and each one the simulator classifies as a general question (intent faq,
# confidence >= 0.6), so that the turn answers with the market's shared FAQ
# unit. A question classified as buyer/seller/other gets the personalised reply
# unit instead, keyed by the lead's history, which never repeats: no such turn
# is ever an all-hit turn.
FAQ_QUESTIONS = [
    "how much should we budget for closing costs",
    "how long is escrow usually?",
    "how much is the realtor fee",
    "whats the minimum down payment",
    "do we need a preapproval before looking?",
    "how does the pre-approval work",
    "what are property taxes like out here",
    "how long does escrow take start to finish",
    "how much are closing costs?",
    "how long does it take to close?",
    "How much do I need for a down payment?",
    "what do u charge?",
    "what is an hoa",
    "what is a contingency",
    "how much is earnest money usually",
    "what is pmi",
]

CITIES = ["Riverside", "Ontario", "Fontana", "Corona", "Temecula", "Redlands", "Chino", "Upland"]
ZIPS = ["92501", "92503", "91761", "92335", "92879", "92590", "92373", "91710"]


def miss_text(i: int, rng: random.Random) -> str:
    beds = 2 + i % 4
    price = 380 + (i * 7919) % 620  # $380k..$999k, varies between neighbours
    city = CITIES[i % len(CITIES)]
    zip_code = ZIPS[(i // len(CITIES)) % len(ZIPS)]
    templates = [
        "looking to buy a {b} bed in {c} {z}, budget around ${p}k, lead {i}",
        "we want to sell our {b}br house in {c} {z}, hoping for ${p}k, ref {i}",
        "is ${p}k realistic for a {b} bedroom near {z} {c}? #{i}",
        "thinking about moving to {c} ({z}), {b} beds, up to ${p}k, case {i}",
    ]
    return rng.choice(templates).format(b=beds, c=city, z=zip_code, p=price, i=i)


def sign(token: str, url: str, params: list) -> str:
    payload = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def line(token: str, url: str, params: list) -> str:
    body = urllib.parse.urlencode(params)  # quote_plus: spaces as '+', as Twilio sends
    return sign(token, url, params) + "\t" + body + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="the public URL Twilio signs, with the path")
    ap.add_argument("--token", required=True, help="TWILIO_AUTH_TOKEN")
    ap.add_argument("--out", required=True, help="output file (hit mode: OUT.1 .. OUT.ROUNDS)")
    ap.add_argument("--mode", choices=["hit", "miss"], required=True)
    ap.add_argument("--contacts", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=3, help="hit mode: messages per lead")
    ap.add_argument("--first-number", type=int, default=9090000000,
                    help="leads are +1<first-number> .. +1<first-number + contacts - 1>")
    ap.add_argument("--to", default="+19095550100", help="the market's number")
    ap.add_argument("--account-sid", default="AC" + "0" * 32)
    ap.add_argument("--seed", type=int, default=6)
    args = ap.parse_args()
    if args.contacts < 1 or args.rounds < 1:
        sys.exit("make_requests: --contacts and --rounds must be positive")

    rng = random.Random(args.seed)
    # Leads in a shuffled order, so that wrk's threads (which take every n-th
    # line) and the conversation actors see them mixed, not in number order.
    leads = list(range(args.contacts))
    rng.shuffle(leads)
    sid_counter = 0

    def next_sid() -> str:
        nonlocal sid_counter
        sid_counter += 1
        # Unique within a run and across runs of the same seed; the run id
        # (the first number) keeps the hit and miss sets apart.
        return "SM" + hashlib.md5(f"{args.first_number}:{sid_counter}".encode()).hexdigest()

    def params(lead: int, text: str) -> list:
        return [
            ("AccountSid", args.account_sid),
            ("Body", text),
            ("From", f"+1{args.first_number + lead}"),
            ("MessageSid", next_sid()),
            ("NumMedia", "0"),
            ("To", args.to),
        ]

    if args.mode == "hit":
        for r in range(1, args.rounds + 1):
            with open(f"{args.out}.{r}", "w", encoding="ascii") as f:
                for lead in leads:
                    question = FAQ_QUESTIONS[lead % len(FAQ_QUESTIONS)]
                    f.write(line(args.token, args.url, params(lead, question)))
    else:
        with open(args.out, "w", encoding="ascii") as f:
            for i, lead in enumerate(leads):
                f.write(line(args.token, args.url, params(lead, miss_text(i, rng))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
