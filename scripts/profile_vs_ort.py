# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Where a model's time goes, layer by layer, in Tangram and in onnxruntime.

    python3 scripts/profile_vs_ort.py MODEL [--build build] [--threads 2]
        [--runs 30] [--top 25]

MODEL is a name under BUILD/models (scripts/export_models.py), run on its
test_data_set_0. Tangram: `tangram-run --profile --benchmark RUNS` (each
microkernel call and parallel loop, per run, busiest first; see
include/tangram/Runtime/Profile.h). onnxruntime (CPUExecutionProvider, the
same intra-op threads, ORT_ENABLE_ALL): its per-node profile
(`enable_profiling`), the median of the last RUNS runs of each node, totals
per op type and the busiest nodes. The two lists are printed side by side in
time order of their own, not matched node to node: Tangram's kernels are
named by their sizes, onnxruntime's nodes by their outputs (its NCHWc
rewrite adds Reorder nodes and renames convs).
"""

import argparse
import collections
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper


def tangram(args, model, data):
    bin_dir = os.path.join(args.build, "bin")
    with tempfile.TemporaryDirectory() as tmp:
        bundle = os.path.join(tmp, "m.tgb")
        subprocess.run([os.path.join(bin_dir, "tangram-compile"), model, "-o", bundle], check=True)
        out = subprocess.run([os.path.join(bin_dir, "tangram-run"), bundle, "--data-dir", data,
                              "--expect", data, "--threads", str(args.threads), "--benchmark",
                              str(args.runs), "--profile"], capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"error: tangram-run failed:\n{out.stdout}{out.stderr}")
    lines = out.stdout.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("profile:"))
    table = lines[start:]
    return table[:2 + args.top] + ([table[-1]] if len(table) > 2 + args.top else [])


def onnxruntime(args, model, data):
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.enable_profiling = True
    with tempfile.TemporaryDirectory() as tmp:
        options.profile_file_prefix = os.path.join(tmp, "ort")
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        feeds = {}
        files = sorted(glob.glob(os.path.join(data, "input_*.pb")))
        for arg, path in zip(session.get_inputs(), files):
            tensor = onnx.TensorProto()
            with open(path, "rb") as f:
                tensor.ParseFromString(f.read())
            feeds[arg.name] = numpy_helper.to_array(tensor)
        for _ in range(args.runs + 10):
            session.run(None, feeds)
        with open(session.end_profiling()) as f:
            events = json.load(f)
    times, kind = collections.defaultdict(list), {}
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            name = e["name"][:-len("_kernel_time")]
            times[name].append(e["dur"] / 1000.0)
            kind[name] = e["args"].get("op_name", "?")
    rows = [(statistics.median(v[-args.runs:]), n, kind[n]) for n, v in times.items()]
    total = sum(r[0] for r in rows)
    per_kind = collections.Counter()
    for ms, _, k in rows:
        per_kind[k] += ms
    out = [f"onnxruntime: {args.runs} runs, {total:.3f} ms of nodes per run; per op type: "
           + ", ".join(f"{k} {v:.3f}" for k, v in per_kind.most_common()),
           f"{'ms':>9} {'%':>6}  {'op':<15} node"]
    for ms, name, k in sorted(rows, reverse=True)[:args.top]:
        out.append(f"{ms:9.4f} {100 * ms / total:5.1f}%  {k:<15} {name}")
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("--build", default="build")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args()
    model = os.path.join(args.build, "models", args.model + ".onnx")
    data = os.path.join(args.build, "models", args.model, "test_data_set_0")
    if not os.path.exists(model) or not os.path.isdir(data):
        sys.exit(f"error: {model} or {data} is missing (run scripts/export_models.py --out "
                 f"{os.path.join(args.build, 'models')})")
    print(f"== {args.model}, {args.threads} threads")
    print("\n".join(tangram(args, model, data)))
    print()
    print("\n".join(onnxruntime(args, model, data)))


if __name__ == "__main__":
    main()
