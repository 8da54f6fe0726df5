#!/usr/bin/env python3
"""K-fold cross-validation of the semantic tier's per-task thresholds.

Runs `openhouse eval-semantic --details` once per pairs file: each pair's
similarity to its own stored `a` and the entity guard's verdict (both
independent of the threshold). At one candidate per lookup, in isolation,
a pair hits exactly when similarity >= threshold and the guard agrees, so
thresholds can be chosen and scored offline.

The pairs are split into K folds, stratified by kind (fixed seed). For each
fold, each task's threshold is picked on the other K-1 folds: the highest
hit rate whose false-hit rate stays at or under --max-false-hit-rate (ties:
the higher threshold, the safer one); the fold itself is then scored with
those thresholds. Prints one JSON object: per-fold thresholds and rates,
the mean and spread (population standard deviation) of hit and false-hit
rates over the folds, and the thresholds the same rule picks on all the
pairs (what to put in cache.semantic.thresholds).

    python3 bench/cross_validate.py --config config/node.yaml \\
        tests/data/semantic/tune.jsonl [more.jsonl ...] [--k 5] [--seed 20261207]
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
from collections import defaultdict

# cache.semantic.thresholds accepts 0.5 to 1.
GRID = [round(0.50 + 0.01 * i, 2) for i in range(51)]


def load(binary, config, path):
    """[(pair, similarity, guard_agrees)] for one pairs file."""
    run = subprocess.run([binary, "eval-semantic", "--config", config, path, "--details"],
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        sys.exit(f"cross_validate: eval-semantic failed on {path}: {run.stderr.strip()}")
    details = {d["id"]: d for d in json.loads(run.stdout)["details"]}
    rows = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            pair = json.loads(line)
            d = details[pair["id"]]
            rows.append((pair, d["best_similarity"], d["guard_agrees"]))
    return rows


def hits(rows, thresholds):
    """(true hits, same:true pairs, false hits, same:false pairs)."""
    th = tp = fh = fn = 0
    for pair, similarity, agrees in rows:
        hit = agrees and similarity >= thresholds.get(pair["task"], 1.01)
        if pair["same"]:
            tp += 1
            th += hit
        else:
            fn += 1
            fh += hit
    return th, tp, fh, fn


def rate(numerator, denominator):
    return numerator / denominator if denominator else 0.0


def pick(rows, max_false_hit_rate):
    """Per task: the threshold with the best hit rate within the false-hit bound."""
    chosen = {}
    for task in sorted({pair["task"] for pair, _, _ in rows}):
        mine = [r for r in rows if r[0]["task"] == task]
        best = None
        for threshold in GRID:
            th, tp, fh, fn = hits(mine, {task: threshold})
            if rate(fh, fn) > max_false_hit_rate:
                continue
            key = (rate(th, tp), threshold)  # ties go to the higher threshold
            if best is None or key >= best:
                best = key
        chosen[task] = best[1] if best else 1.0
    return chosen


def folds_of(rows, k, seed):
    """Stratified by kind: each kind's pairs are shuffled and dealt round-robin."""
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row[0].get("kind") or ""].append(row)
    folds = [[] for _ in range(k)]
    rng = random.Random(seed)
    slot = 0
    for kind in sorted(by_kind):
        group = by_kind[kind]
        rng.shuffle(group)
        for row in group:
            folds[slot % k].append(row)
            slot += 1
    return folds


def summary(values):
    return {"mean": round(statistics.mean(values), 4),
            "std": round(statistics.pstdev(values), 4),
            "min": round(min(values), 4),
            "max": round(max(values), 4)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pairs", nargs="+", help="pairs files (JSON Lines), pooled")
    parser.add_argument("--config", required=True, help="market YAML (embedder, lexicon)")
    parser.add_argument("--binary", default="build/openhouse")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--max-false-hit-rate", type=float, default=0.01)
    args = parser.parse_args()
    if args.k < 2:
        sys.exit("cross_validate: --k must be at least 2")

    rows = []
    for path in args.pairs:
        rows.extend(load(args.binary, args.config, path))
    folds = folds_of(rows, args.k, args.seed)
    per_fold = []
    for i, held_out in enumerate(folds):
        training = [r for j, fold in enumerate(folds) if j != i for r in fold]
        thresholds = pick(training, args.max_false_hit_rate)
        th, tp, fh, fn = hits(held_out, thresholds)
        per_fold.append({"fold": i, "pairs": len(held_out), "thresholds": thresholds,
                         "hit_rate": round(rate(th, tp), 4),
                         "false_hit_rate": round(rate(fh, fn), 4),
                         "true_hits": th, "same_true": tp, "false_hits": fh, "same_false": fn})
    th, tp, fh, fn = hits(rows, pick(rows, args.max_false_hit_rate))
    out = {
        "pairs": len(rows),
        "files": args.pairs,
        "k": args.k,
        "seed": args.seed,
        "max_false_hit_rate": args.max_false_hit_rate,
        "folds": per_fold,
        "hit_rate": summary([f["hit_rate"] for f in per_fold]),
        "false_hit_rate": summary([f["false_hit_rate"] for f in per_fold]),
        "pooled_held_out": {
            "hit_rate": round(rate(sum(f["true_hits"] for f in per_fold),
                                   sum(f["same_true"] for f in per_fold)), 4),
            "false_hit_rate": round(rate(sum(f["false_hits"] for f in per_fold),
                                         sum(f["same_false"] for f in per_fold)), 4)},
        "thresholds_on_all_pairs": pick(rows, args.max_false_hit_rate),
        "in_sample_with_those": {"hit_rate": round(rate(th, tp), 4),
                                 "false_hit_rate": round(rate(fh, fn), 4)},
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
