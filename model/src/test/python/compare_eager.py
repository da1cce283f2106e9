"""`rlhf bench model` against PyTorch eager (bench_eager.py), alternating runs A B A B ...

A comparison benchmark, not product code. Each run is a fresh process of either side with one
intra-op thread; per case and column it prints both medians over the runs, each side's spread
(max / min) and the ratio of the medians (ours / eager), then one JSON object with --json.

    python model/src/test/python/compare_eager.py --runs 5 [--case NANO:16x64 ...] [--cpu 0]

--cpu pins both sides to one CPU (taskset), for a machine that is busy on the other one.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
COLUMNS = [("train_tokens_per_s", "train tok/s"), ("gen_tokens_per_s_kv", "gen kv t/s")]


def last_json(cmd, env):
    out = subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def key(r):
    return f"{r['preset']}:{r['batch']}x{r['seq']}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--case", action="append", default=[])
    ap.add_argument("--cpu", help="taskset -c CPU for both sides")
    ap.add_argument("--python", default=sys.executable, help="a Python with torch 2.5.1, transformers 4.46.3")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    cases = [a for c in args.case for a in ("--case", c)]
    pin = ["taskset", "-c", args.cpu] if args.cpu else []
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    ours_cmd = pin + ["./rlhf", "bench", "model", "--threads", "1", "--json"] + cases
    eager_cmd = pin + [args.python, os.path.join(HERE, "bench_eager.py"), "--threads", "1", "--json"] + cases
    subprocess.run(["./rlhf", "--version"], cwd=ROOT, env=env, capture_output=True)  # builds the CLI if stale
    runs = {"ours": [], "eager": []}
    for i in range(args.runs):
        for side, cmd in (("ours", ours_cmd), ("eager", eager_cmd)):
            print(f"run {i + 1}/{args.runs}: {side}", file=sys.stderr, flush=True)
            runs[side].append({key(r): r for r in last_json(cmd, env)["results"]})
    table = []
    print(f"{'case':<15} {'column':<12} {'ours median':>12} {'spread':>7} {'eager median':>13} {'spread':>7} {'ours/eager':>10}")
    for case in runs["ours"][0]:
        for col, label in COLUMNS:
            ours = [r[case][col] for r in runs["ours"]]
            eager = [r[case][col] for r in runs["eager"]]
            row = dict(case=case, column=col, ours=ours, eager=eager,
                       ours_median=statistics.median(ours), eager_median=statistics.median(eager),
                       ours_spread=max(ours) / min(ours), eager_spread=max(eager) / min(eager))
            row["ratio"] = row["ours_median"] / row["eager_median"]
            table.append(row)
            print(f"{case:<15} {label:<12} {row['ours_median']:>12.0f} {row['ours_spread']:>7.2f}"
                  f" {row['eager_median']:>13.0f} {row['eager_spread']:>7.2f} {row['ratio']:>10.2f}")
    if args.json:
        print(json.dumps(dict(runs=args.runs, cpu=args.cpu, rows=table)))


if __name__ == "__main__":
    main()
