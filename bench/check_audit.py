#!/usr/bin/env python3
"""Checks every reuse in a replay audit against independent labels.

Usage: bench/check_audit.py AUDIT.jsonl LABELS.jsonl [--show N]

For every hit that is an L3 (semantic) hit or that crosses contacts (the
source message came from another lead), the labels of the message served and
of the message whose request filled the entry must agree: same FAQ topic,
same city, and the source carries no PII. Prints a JSON summary and exits 1
when any reuse disagrees.
"""
import collections
import json
import sys


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = 10
    if "--show" in sys.argv:
        show = int(sys.argv[sys.argv.index("--show") + 1])
        args = [a for a in args if a != str(show)]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    audit_path, labels_path = args
    labels = {}
    with open(labels_path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            labels[row["sid"]] = row
    checked = collections.Counter()
    bad = collections.Counter()
    examples = []
    unlabelled = 0
    with open(audit_path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["outcome"] not in ("l1", "l2", "l3"):
                continue
            src = row.get("source_sid")
            mine = labels.get(row["sid"])
            theirs = labels.get(src) if src else None
            if mine is None or theirs is None:
                unlabelled += 1
                continue
            cross = theirs["contact"] != mine["contact"]
            if row["outcome"] != "l3" and not cross:
                continue
            kind = f'{row["task"]}/{row["outcome"]}{"/cross" if cross else ""}'
            checked[kind] += 1
            reasons = []
            if theirs["topic"] != mine["topic"]:
                reasons.append(f'topic {theirs["topic"]} != {mine["topic"]}')
            if theirs["city"] != mine["city"]:
                reasons.append(f'city {theirs["city"]} != {mine["city"]}')
            if cross and theirs["pii"]:
                reasons.append(f'source pii {theirs["pii"]}')
            if reasons:
                bad[kind] += 1
                if len(examples) < show:
                    examples.append({"sid": row["sid"], "source_sid": src, "task": row["task"],
                                     "outcome": row["outcome"], "why": reasons})
    summary = {
        "checked": sum(checked.values()),
        "disagreeing": sum(bad.values()),
        "by_kind": {k: {"checked": checked[k], "disagreeing": bad[k]} for k in sorted(checked)},
        "unlabelled_hits": unlabelled,
        "examples": examples,
    }
    print(json.dumps(summary, indent=2))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
