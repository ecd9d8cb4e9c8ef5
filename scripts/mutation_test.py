#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Random mutations of a real model and of its bundle, as a damaged download
or an attacker would make them: each mutated ONNX file goes through
tangram-compile, each mutated bundle through tangram-run. Every run must end
in exit 0, or exit 1 with exactly one `error:` line on stderr; a signal, a
timeout, another exit code or a silent exit 1 is a failure (and the input is
kept for reproduction).

    python3 scripts/mutation_test.py --build build --model build/models/mnist_cnn.onnx \
        --data-dir build/models/mnist_cnn/test_data_set_0 --count 1000 \
        --out docs/benchmarks/mutations.md

A mutation is 1 to 8 edits: a flipped bit, a random byte, a deleted or
inserted run of bytes, or a truncation. Seeded: the same --seed gives the
same files.
"""
import argparse
import collections
import concurrent.futures as cf
import os
import random
import subprocess
import sys
import tempfile
import time


def mutate(original, rng):
    data = bytearray(original)
    for _ in range(rng.randint(1, 8)):
        kind = rng.choice(["bit", "byte", "delete", "insert", "truncate"])
        if not data:
            break
        at = rng.randrange(len(data))
        if kind == "bit":
            data[at] ^= 1 << rng.randrange(8)
        elif kind == "byte":
            data[at] = rng.randrange(256)
        elif kind == "delete":
            del data[at:at + rng.randint(1, 64)]
        elif kind == "insert":
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        elif kind == "truncate" and rng.random() < 0.3:
            del data[at:]
    if data == original:  # every mutant differs from the original
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def judge(cmd, timeout):
    """'ok', 'error' (exit 1 with one error: line) or a failure description."""
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timeout after {timeout} s"
    if p.returncode == 0:
        return "ok"
    lines = [l for l in p.stderr.decode(errors="replace").splitlines() if l.strip()]
    if p.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: "):
        return "error"
    if p.returncode < 0:
        return f"signal {-p.returncode}"
    return f"exit {p.returncode} with {len(lines)} stderr lines: {lines[:2]}"


def run_campaign(name, original, count, seed, make_cmd, jobs, timeout, keep_dir):
    # Each mutant from its own seed, made when it is run: a thousand copies
    # of a large bundle would not fit in memory.
    mutant = lambda i: mutate(original, random.Random(seed * 1000003 + i))
    results = collections.Counter()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        def one(i):
            path = os.path.join(tmp, f"m{i}")
            with open(path, "wb") as f:
                f.write(mutant(i))
            verdict = judge(make_cmd(path, tmp, i), timeout)
            os.unlink(path)
            return i, verdict
        start = time.time()
        with cf.ThreadPoolExecutor(jobs) as pool:
            for i, verdict in pool.map(one, range(count)):
                if verdict in ("ok", "error"):
                    results[verdict] += 1
                else:
                    results["failure"] += 1
                    os.makedirs(keep_dir, exist_ok=True)
                    kept = os.path.join(keep_dir, f"{name}-{i}")
                    with open(kept, "wb") as f:
                        f.write(mutant(i))
                    failures.append((i, verdict, kept))
        elapsed = time.time() - start
    return results, failures, elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--model", required=True, help="a real .onnx model")
    ap.add_argument("--data-dir", required=True, help="its test_data_set (input_<i>.pb)")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--what", choices=["model", "bundle", "both"], default="both")
    ap.add_argument("--keep", default="mutation-failures", help="where failing inputs are kept")
    ap.add_argument("--out", help="append the table to this Markdown file")
    args = ap.parse_args()
    compile_ = os.path.join(args.build, "bin", "tangram-compile")
    run = os.path.join(args.build, "bin", "tangram-run")
    rows = []
    ok = True
    if args.what in ("model", "both"):
        original = open(args.model, "rb").read()
        cmd = lambda path, tmp, i: [compile_, path, "-o", os.path.join(tmp, f"b{i}.tgb")]
        rows.append(("model (tangram-compile)", args.model,
                     *run_campaign("model", original, args.count, args.seed, cmd, args.jobs,
                                   args.timeout, args.keep)))
    if args.what in ("bundle", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            bundle = os.path.join(tmp, "real.tgb")
            subprocess.run([compile_, args.model, "-o", bundle], check=True)
            original = open(bundle, "rb").read()
        cmd = lambda path, tmp, i: [run, path, "--data-dir", args.data_dir]
        rows.append(("bundle (tangram-run)", os.path.basename(args.model) + " compiled",
                     *run_campaign("bundle", original, args.count, args.seed, cmd, args.jobs,
                                   args.timeout, args.keep)))
    lines = ["| input | from | mutations | exit 0 | exit 1, one `error:` line | failures | seconds |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for what, source, results, failures, elapsed in rows:
        lines.append(f"| {what} | `{source}` | {args.count} | {results['ok']} | {results['error']} "
                     f"| {results['failure']} | {elapsed:.0f} |")
        for i, verdict, kept in failures:
            print(f"FAIL {what} mutation {i}: {verdict} (kept: {kept})", file=sys.stderr)
            ok = False
    table = "\n".join(lines)
    print(table)
    if args.out:
        new = not os.path.exists(args.out)
        with open(args.out, "a") as f:
            if new:
                f.write("# Random mutations of real models and bundles\n\n"
                        "Generated by `scripts/mutation_test.py` (each command appends its "
                        "table; docs/Reliability.md). Each mutant is 1 to 8 random edits of "
                        "the file; every run must end in exit 0, or exit 1 with exactly one "
                        "`error:` line.\n")
            f.write(f"\n`{' '.join(sys.argv)}` ({time.strftime('%Y-%m-%d')}):\n\n")
            f.write(table + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
