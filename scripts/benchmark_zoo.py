# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The zoo mode of scripts/benchmark_cpu.py (`--zoo`): Tangram, onnxruntime
and IREE's llvm-cpu backend side by side on many model families.

    python3 scripts/benchmark_cpu.py --zoo [--models a,b] [--runs 10] [--threads 2]
        [--out docs/benchmarks/cpu_zoo.md] [--json docs/benchmarks/cpu_zoo.json]

For each model (scripts/export_models.py's six and its --zoo set, exported
into BUILD/models when missing), in one process and with the same inputs
(test_data_set_0) and threads:
  - Tangram: tangram-compile -O2 --target cpu (timed), then tangram-run
    --expect test_data_set_0 (rtol 1e-3, atol 1e-4: a row that does not
    match is an error, not a timing) --benchmark;
  - onnxruntime: CPUExecutionProvider, intra-op T, inter-op 1,
    ORT_ENABLE_ALL; warm-up, then the timed runs;
    the two in alternating rounds that share the N runs (--rounds, the
    order swapped each round: benchmark_cpu.time_interleaved), each side's
    time the median of its rounds' medians;
  - IREE: iree-import-onnx, then iree-compile --iree-hal-target-backends=llvm-cpu
    --iree-llvmcpu-target-cpu=host (both timed: the compile time), run with
    the local-task driver on T threads (--task_topology_group_count=T) by
    iree.runtime; warm-up, N runs, the median; its outputs are compared
    with test_data_set_0 too (a mismatch is reported, the time kept);
  - peak resident memory of tangram-run and of a process that loads the
    model in onnxruntime and runs it (GNU time's maximum resident set size;
    tangram-run runs once, onnxruntime three times).
IREE comes from PyPI: TANGRAM_BENCHMARK_DEPS=1 scripts/setup.sh installs it.
The table gives the ratios Tangram/onnxruntime and Tangram/IREE per model and
their geometric means. The issue's bar: geometric mean of Tangram/onnxruntime
<= 1.0 and no model over 1.5.
"""
import math
import os
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort

SIX = ["resnet18", "resnet50", "mobilenet_v2", "squeezenet1_1", "bert_like", "mnist_cnn"]
ZOO = SIX + ["mobilenet_v3_large", "efficientnet_b0", "regnet_y_400mf", "shufflenet_v2_x1_0",
             "mnasnet1_0", "densenet121", "convnext_tiny", "vit_small", "gpt_decoder", "resnet18_b8"]
GEOMEAN_BAR = 1.0
WORST_BAR = 1.5
RTOL, ATOL = 1e-3, 1e-4


def geomean(values):
    values = [v for v in values if v]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def child_peak_rss_mb(argv, tmp):
    """Runs ARGV under GNU time; (exit status, its peak resident memory in
    MB). Not this process's own rusage of the child: a child forked from a
    large Python process starts with the parent's resident size as its
    maximum, before it execs."""
    report = os.path.join(tmp, "maxrss.txt")
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report] + argv,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(report) as f:
        return proc.returncode, int(f.read().split()[-1]) / 1024.0


ORT_MEMORY_PROBE = """
import sys, onnxruntime as ort, onnx
from onnx import numpy_helper
sys.path.insert(0, {scripts!r})
from benchmark_cpu import load_inputs
o = ort.SessionOptions(); o.intra_op_num_threads = {threads}; o.inter_op_num_threads = 1
s = ort.InferenceSession({model!r}, o, providers=["CPUExecutionProvider"])
feeds = load_inputs({data!r})
for _ in range(3):
    s.run(None, feeds)
"""


def iree_time(model, data_dir, runs, threads, tmp, load_inputs, load_outputs):
    """(compile seconds, median ms, matches test data) or raises."""
    import iree.runtime as rt
    name = os.path.splitext(os.path.basename(model))[0]
    mlir = os.path.join(tmp, f"{name}.iree.mlir")
    vmfb = os.path.join(tmp, f"{name}.vmfb")
    start = time.perf_counter()
    for argv in (["iree-import-onnx", model, "-o", mlir],
                 ["iree-compile", mlir, "--iree-hal-target-backends=llvm-cpu",
                  "--iree-llvmcpu-target-cpu=host", "-o", vmfb]):
        proc = subprocess.run(argv, capture_output=True, text=True)
        if proc.returncode:
            lines = [l for l in proc.stderr.splitlines() if "error" in l] or proc.stderr.splitlines() or ["?"]
            raise RuntimeError(f"{argv[0]}: {lines[0][:160]}")
    compile_s = time.perf_counter() - start
    rt.flags.parse_flags(f"--task_topology_group_count={threads}")
    config = rt.Config("local-task")
    ctx = rt.SystemContext(config=config)
    with open(vmfb, "rb") as f:
        ctx.add_vm_module(rt.VmModule.copy_buffer(ctx.instance, f.read()))
    fn = ctx.modules.module[onnx.load(model, load_external_data=False).graph.name]
    args = list(load_inputs(data_dir).values())

    def run():
        out = fn(*args)
        outs = out if isinstance(out, (list, tuple)) else [out]
        return [np.asarray(o.to_host()) for o in outs]

    warm_start = time.perf_counter()
    warm = 0
    while warm < 3 or time.perf_counter() - warm_start < 0.1:
        outputs = run()
        warm += 1
    ms = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        ms.append((time.perf_counter() - start) * 1e3)
    expected = load_outputs(data_dir)
    matches = len(outputs) == len(expected) and all(
        o.shape == e.shape and np.allclose(o, e, rtol=RTOL, atol=ATOL) for o, e in zip(outputs, expected))
    return compile_s, float(np.median(ms)), matches


def load_outputs(data_dir):
    files = sorted((f for f in os.listdir(data_dir) if f.startswith("output_") and f.endswith(".pb")),
                   key=lambda f: int(f[len("output_"):-len(".pb")]))
    from onnx import numpy_helper
    return [numpy_helper.to_array(onnx.load_tensor(os.path.join(data_dir, f))) for f in files]


def benchmark_zoo_model(args, name, runs, tmp, bench):
    """One row of the zoo table (bench: the benchmark_cpu module)."""
    model = os.path.join(args.models_dir, f"{name}.onnx")
    data_dir = os.path.join(args.models_dir, name, "test_data_set_0")
    bundle = os.path.join(tmp, f"{name}.tgb")
    row = {"model": name, "runs": runs}
    row["compile_s"], error = bench.compile_bundle(args, model, bundle)
    if not error:
        times, error = bench.time_interleaved(args, bundle, model, data_dir, runs)
    if error:
        row["error"] = error
        row["ort_median_ms"] = round(bench.time_onnxruntime(model, data_dir, runs, args.threads), 4)
    else:
        row["tangram_median_ms"], ort_ms = times
        row["ort_median_ms"] = round(ort_ms, 4)
        rc, row["tangram_peak_rss_mb"] = child_peak_rss_mb(
            [os.path.join(args.build, "bin", "tangram-run"), bundle, "--data-dir", data_dir,
             "--threads", str(args.threads)], tmp)
    probe = ORT_MEMORY_PROBE.format(scripts=os.path.dirname(os.path.abspath(__file__)),
                                    threads=args.threads, model=model, data=data_dir)
    _, row["ort_peak_rss_mb"] = child_peak_rss_mb([sys.executable, "-c", probe], tmp)
    try:
        row["iree_compile_s"], row["iree_median_ms"], row["iree_matches"] = iree_time(
            model, data_dir, runs, args.threads, tmp, bench.load_inputs, load_outputs)
        row["iree_compile_s"] = round(row["iree_compile_s"], 2)
        row["iree_median_ms"] = round(row["iree_median_ms"], 4)
    except Exception as e:  # an IREE failure is a cell of the table, not the end of the run
        row["iree_error"] = str(e).splitlines()[0][:200]
    if "tangram_median_ms" in row:
        row["ratio_ort"] = round(row["tangram_median_ms"] / row["ort_median_ms"], 3)
        if "iree_median_ms" in row:
            row["ratio_iree"] = round(row["tangram_median_ms"] / row["iree_median_ms"], 3)
    return row


def write_zoo_markdown(path, command, machine, settings, rows, machine_section, fmt):
    ort_ratios = [r.get("ratio_ort") for r in rows]
    iree_ratios = [r.get("ratio_iree") for r in rows]
    g_ort, g_iree = geomean(ort_ratios), geomean(iree_ratios)
    worst = max((r for r in rows if r.get("ratio_ort")), key=lambda r: r["ratio_ort"], default=None)
    failed = [r["model"] for r in rows if "error" in r]
    met = (g_ort is not None and g_ort <= GEOMEAN_BAR and not failed
           and worst is not None and worst["ratio_ort"] <= WORST_BAR)
    ort_vs_iree = geomean([r["iree_median_ms"] / r["ort_median_ms"] for r in rows if r.get("iree_median_ms")])
    lines = [
        "<!-- Generated by scripts/benchmark_cpu.py --zoo; do not edit: rerun the command below. -->",
        "# CPU benchmark zoo: Tangram vs onnxruntime vs IREE (llvm-cpu)",
        "",
        "Generated by `scripts/benchmark_cpu.py --zoo`; do not edit by hand.",
        "",
        f"The issue's bar: geometric mean of Tangram/onnxruntime <= {GEOMEAN_BAR:g} and no model over "
        f"{WORST_BAR:g}x onnxruntime. **{'Met' if met else 'Not met'}**: geometric mean "
        f"{fmt(g_ort, '.2f')}, worst {worst['model'] if worst else '—'} "
        f"{fmt(worst['ratio_ort'] if worst else None, '.2f')}"
        f"{'; failed: ' + ', '.join(failed) if failed else ''}. "
        f"Geometric mean of Tangram/IREE: {fmt(g_iree, '.2f')} (IREE/onnxruntime: {fmt(ort_vs_iree, '.2f')}).",
        "",
        "| model | Tangram ms | onnxruntime ms | IREE ms | Tangram/ORT | Tangram/IREE | Tangram compile s "
        "| iree-compile s | Tangram peak RSS MB | ORT peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes = []
    for r in rows:
        if "error" in r:
            notes.append(f"- {r['model']}: Tangram {r['error']}")
        if "iree_error" in r:
            notes.append(f"- {r['model']}: IREE failed: {r['iree_error']}")
        elif r.get("iree_matches") is False:
            notes.append(f"- {r['model']}: IREE's outputs differ from test_data_set_0 "
                         f"(rtol {RTOL:g}, atol {ATOL:g}); its time is kept")
        lines.append(
            f"| {r['model']} | {fmt(r.get('tangram_median_ms'), '.2f')} | {fmt(r.get('ort_median_ms'), '.2f')} | "
            f"{fmt(r.get('iree_median_ms'), '.2f')} | {fmt(r.get('ratio_ort'), '.2f')} | "
            f"{fmt(r.get('ratio_iree'), '.2f')} | {fmt(r.get('compile_s'), '.2f')} | "
            f"{fmt(r.get('iree_compile_s'), '.2f')} | {fmt(r.get('tangram_peak_rss_mb'), '.0f')} | "
            f"{fmt(r.get('ort_peak_rss_mb'), '.0f')} |")
    lines += ["", f"| geometric mean | | | | {fmt(g_ort, '.2f')} | {fmt(g_iree, '.2f')} | | | | |"]
    if notes:
        lines += ["", "Notes:", ""] + notes
    lines += machine_section(
        command, machine, settings, "all three",
        f"N = {settings['runs']}; IREE: the local-task driver, {settings['threads']} threads "
        f"(`--task_topology_group_count`), `iree-compile --iree-hal-target-backends=llvm-cpu "
        f"--iree-llvmcpu-target-cpu=host` after `iree-import-onnx`",
        "; outputs checked against the model's test_data_set_0 while timing (`--expect`, "
        f"rtol {RTOL:g}, atol {ATOL:g}); peak RSS (GNU time's maximum resident set): `tangram-run` "
        "running the bundle once, and a Python process that loads the model in onnxruntime and runs it "
        "three times",
        "each model's `test_data_set_0` from `scripts/export_models.py` (batch 1, resnet18_b8 batch 8)")
    with open(path, "w") as f:
        f.write("\n".join(lines))
