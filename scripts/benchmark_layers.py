# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Convolution layers alone, with their data in cache and out of it, in
Tangram and in onnxruntime.

    python3 scripts/benchmark_layers.py [--build build] [--threads 1]
        [--runs 60] [--rounds 4] [--only NAME[,NAME...]]
        [--out docs/benchmarks/cpu_layers.md]

Why: a layer timed alone runs about as fast as onnxruntime's, yet 1.3-2x
slower inside a model (Architecture.md, "Measured at stop 33"). Inside a
model the layer's output buffer, and often its weights, were last touched
many layers ago and are no longer in cache. This benchmark makes both cases
reproducible, one conv layer at a time:

  warm  Conv+Relu on an input just written; everything fits in cache and
        was touched by the previous run.
  cold  the same, after a 32 MB element-wise op and a reduction over it, so
        the conv's weights and output buffer have left L1/L2 and most of L3
        (this machine's L3 is 32 MB, shared).

Both variants are one ONNX model each: inputs x and `flush` (16 floats when
warm, 8M when cold); f = Abs(flush), s = ReduceMin(f), x1 = x + 0 * s,
r = Relu(Conv(x1)), y = ReduceMax(r, channels). The Add makes the conv wait
for the flush in both runtimes, and leaves x1 freshly written, as a previous
layer would. The ReduceMax makes the conv's output an intermediate buffer,
as inside a model: as the graph's output, onnxruntime allocated it fresh
each run, pages the kernel had just zeroed and so in cache, which hid the
cost of a cold output from its time (its stem 3x3 ran 1.1x slower cold,
Tangram's 1.6x, whose output buffer is reused).

Only the conv's own time is compared: Tangram's per-kernel profile
(`tangram-run --profile`: the rows whose kernel is a convolution) and
onnxruntime's per-node profile (its Conv/FusedConv nodes; the NCHWc Reorder
nodes it adds around a lone conv are left out, since inside a model they are
paid once per chain of convs, not per conv). Tangram and onnxruntime
alternate over --rounds, the order swapped each round, and each side's time
is the median of its rounds' medians, as in benchmark_cpu.py. Every Tangram
run is checked against onnxruntime's output (`tangram-run --expect`).
"""

import argparse
import collections
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

# name, in channels, out channels, input H (= W), kernel, stride, pad, groups.
# One or two layers of each kind the zoo's models spend their time in.
LAYERS = [
    ("stem 3x3 s2 3->32", 3, 32, 224, 3, 2, 1, 1),       # MobileNet, EfficientNet, RegNet
    ("stem 7x7 s2 3->64", 3, 64, 224, 7, 2, 3, 1),       # ResNet, DenseNet
    ("1x1 24->144 56x56", 24, 144, 56, 1, 1, 0, 1),      # MobileNetV2 expand
    ("1x1 144->24 56x56", 144, 24, 56, 1, 1, 0, 1),      # MobileNetV2 project
    ("1x1 960->160 7x7", 960, 160, 7, 1, 1, 0, 1),       # MobileNetV2/V3 last blocks
    ("3x3 64->64 56x56", 64, 64, 56, 3, 1, 1, 1),        # ResNet stage 1
    ("3x3 256->256 14x14", 256, 256, 14, 3, 1, 1, 1),    # ResNet stage 3
    ("dw 3x3 s1 144ch 56x56", 144, 144, 56, 3, 1, 1, 144),
    ("dw 3x3 s2 144ch 56x56", 144, 144, 56, 3, 2, 1, 144),
    ("dw 5x5 s1 480ch 14x14", 480, 480, 14, 5, 1, 2, 480),   # EfficientNet, MNASNet
    ("dw 5x5 s2 240ch 28x28", 240, 240, 28, 5, 2, 2, 240),   # EfficientNet, MNASNet
    ("dw 7x7 s1 384ch 14x14", 384, 384, 14, 7, 1, 3, 384),   # ConvNeXt
]

FLUSH_COLD = 8 * 1024 * 1024  # floats: 32 MB
FLUSH_WARM = 16


def layer_model(spec, flush):
    """The ONNX model of one layer (see the module comment) and its inputs."""
    _, c, f, h, k, s, p, g = spec
    rng = np.random.default_rng(7)
    w = rng.standard_normal((f, c // g, k, k)).astype(np.float32) * (2.0 / (c // g * k * k)) ** 0.5
    b = rng.standard_normal(f).astype(np.float32) * 0.1
    zero = np.zeros((), np.float32)
    o = (h + 2 * p - k) // s + 1
    nodes = [
        helper.make_node("Abs", ["flush"], ["f"]),
        helper.make_node("ReduceMin", ["f"], ["s"], keepdims=0),
        helper.make_node("Mul", ["s", "zero"], ["z"]),
        helper.make_node("Add", ["x", "z"], ["x1"]),
        helper.make_node("Conv", ["x1", "w", "b"], ["c"], kernel_shape=[k, k], strides=[s, s],
                         pads=[p] * 4, group=g),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("ReduceMax", ["r"], ["y"], axes=[1], keepdims=1),
    ]
    graph = helper.make_graph(
        nodes, "layer",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, h, h]),
         helper.make_tensor_value_info("flush", TensorProto.FLOAT, [flush])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, o, o])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b"),
         numpy_helper.from_array(zero, "zero")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    inputs = [rng.standard_normal((1, c, h, h)).astype(np.float32),
              rng.standard_normal(flush).astype(np.float32)]
    return model, inputs


def write_case(dir_, model, inputs):
    """MODEL.onnx and a test_data_set with onnxruntime's output as the
    expected one."""
    os.makedirs(os.path.join(dir_, "data"), exist_ok=True)
    path = os.path.join(dir_, "layer.onnx")
    onnx.save(model, path)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    (out,) = session.run(None, dict(zip(names, inputs)))
    for i, arr in enumerate(inputs):
        with open(os.path.join(dir_, "data", f"input_{i}.pb"), "wb") as fh:
            fh.write(numpy_helper.from_array(arr).SerializeToString())
    with open(os.path.join(dir_, "data", "output_0.pb"), "wb") as fh:
        fh.write(numpy_helper.from_array(out).SerializeToString())
    return path, os.path.join(dir_, "data"), dict(zip(names, inputs))


def tangram_conv_ms(args, bundle, data, runs):
    """Per-run time of the conv kernels in `tangram-run --profile`."""
    run = [os.path.join(args.build, "bin", "tangram-run"), bundle, "--data-dir", data,
           "--expect", data, "--threads", str(args.threads), "--benchmark", str(runs), "--profile"]
    out = subprocess.run(run, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"error: tangram-run failed on {bundle}:\n{out.stdout}{out.stderr}")
    ms = 0.0
    for line in out.stdout.splitlines():
        cols = line.split()
        if len(cols) > 3 and cols[3] in ("conv", "depthwise_conv"):
            ms += float(cols[0])
    if ms == 0.0:
        sys.exit(f"error: no conv kernel in tangram-run's profile of {bundle}:\n{out.stdout}")
    return ms


def ort_conv_ms(args, path, feeds, runs, tmp):
    """Median per-run time of the Conv nodes in onnxruntime's profile."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.enable_profiling = True
    options.profile_file_prefix = os.path.join(tmp, "ort")
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    for _ in range(runs + 5):
        session.run(None, feeds)
    with open(session.end_profiling()) as fh:
        events = json.load(fh)
    per_node = collections.defaultdict(list)
    for e in events:
        if (e.get("cat") == "Node" and e["name"].endswith("_kernel_time")
                and e["args"].get("op_name") in ("Conv", "FusedConv")):
            per_node[e["name"]].append(e["dur"] / 1000.0)
    if not per_node:
        sys.exit(f"error: no Conv node in onnxruntime's profile of {path}")
    return sum(statistics.median(v[-runs:]) for v in per_node.values())


def measure(args, spec, flush, tmp):
    dir_ = os.path.join(tmp, f"{LAYERS.index(spec)}_{flush}")
    model, inputs = layer_model(spec, flush)
    path, data, feeds = write_case(dir_, model, inputs)
    bundle = os.path.join(dir_, "layer.tgb")
    out = subprocess.run([os.path.join(args.build, "bin", "tangram-compile"), path, "-o", bundle],
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"error: tangram-compile failed on {spec[0]}:\n{out.stderr}")
    per = -(-args.runs // args.rounds)
    tangram, onnxrt = [], []
    for r in range(args.rounds):
        for side in ("tangram", "ort") if r % 2 == 0 else ("ort", "tangram"):
            if side == "tangram":
                tangram.append(tangram_conv_ms(args, bundle, data, per))
            else:
                onnxrt.append(ort_conv_ms(args, path, feeds, per, tmp))
    return statistics.median(tangram), statistics.median(onnxrt)


def gflops(spec, ms):
    _, c, f, h, k, s, p, g = spec
    o = (h + 2 * p - k) // s + 1
    return 2.0 * f * (c // g) * k * k * o * o / (ms * 1e6)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default="build")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--runs", type=int, default=60)
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--only", default="", help="comma-separated substrings of layer names")
    p.add_argument("--out", default="docs/benchmarks/cpu_layers.md")
    args = p.parse_args()
    if args.runs < 1 or args.rounds < 1 or args.threads < 1:
        sys.exit("error: --runs, --rounds and --threads must be at least 1")
    for tool in ("tangram-compile", "tangram-run"):
        if not os.path.exists(os.path.join(args.build, "bin", tool)):
            sys.exit(f"error: {os.path.join(args.build, 'bin', tool)} is missing (build first)")
    wanted = [s for s in args.only.split(",") if s]
    layers = [l for l in LAYERS if not wanted or any(w in l[0] for w in wanted)]
    if not layers:
        sys.exit(f"error: --only {args.only} matches no layer")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in layers:
            warm = measure(args, spec, FLUSH_WARM, tmp)
            cold = measure(args, spec, FLUSH_COLD, tmp)
            rows.append((spec, warm, cold))
            print(f"{spec[0]:<24} warm {warm[0]:.4f} / {warm[1]:.4f} ms = {warm[0] / warm[1]:.2f}"
                  f"   cold {cold[0]:.4f} / {cold[1]:.4f} ms = {cold[0] / cold[1]:.2f}", flush=True)
    geo = lambda xs: float(np.exp(np.mean(np.log(xs))))  # noqa: E731
    command = "python3 scripts/benchmark_layers.py " + " ".join(sys.argv[1:])
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(l.split(":", 1)[1].strip() for l in fh if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lines = [
        "# CPU conv layers alone: in cache and out of it",
        "",
        f"Generated by `{command.strip()}` on {datetime.date.today()} ({cpu}, "
        f"{os.cpu_count()} CPUs, onnxruntime {ort.__version__}). {args.threads} thread(s), "
        f"{args.runs} runs per side in {args.rounds} alternating rounds; each time is the "
        "median of its rounds' medians. Do not edit by hand.",
        "",
        "Times are the conv's own, per run: Tangram's profiled conv kernels and onnxruntime's "
        "Conv nodes (its NCHWc Reorder nodes left out). *Cold* runs the conv after a 32 MB "
        "element-wise op, so its weights and output buffer are out of cache, as inside a "
        "model; *warm* does not. See the script's comment for the model.",
        "",
        "| layer | warm Tangram ms | warm ORT ms | warm ratio | cold Tangram ms | cold ORT ms "
        "| cold ratio | Tangram cold/warm | ORT cold/warm | Tangram warm GFLOP/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for spec, (wt, wo), (ct, co) in rows:
        lines.append(f"| {spec[0]} | {wt:.4f} | {wo:.4f} | {wt / wo:.2f} | {ct:.4f} | {co:.4f} "
                     f"| {ct / co:.2f} | {ct / wt:.2f} | {co / wo:.2f} | {gflops(spec, wt):.0f} |")
    lines += ["", f"Geometric mean Tangram/onnxruntime: warm "
              f"{geo([w[0] / w[1] for _, w, _ in rows]):.2f}, cold "
              f"{geo([c[0] / c[1] for _, _, c in rows]):.2f}.", ""]
    try:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        with open(args.out, "w") as fh:
            fh.write("\n".join(lines))
    except OSError as e:
        sys.exit(f"error: cannot write {args.out}: {e.strerror}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
