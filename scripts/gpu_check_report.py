# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The run half of scripts/gpu_check.sh, on the GPU machine: runs what
scripts/gpu_check_prepare.py put in DIR on the first cuda device, times
the same models and an f16 matmul with PyTorch on the same GPU, and writes
OUT/cuda.md (for docs/benchmarks/cuda.md) and OUT/cuda.json.

    python3 scripts/gpu_check_report.py DIR OUT

Correctness: every bundle with reference data runs with tangram-run
--expect at its tolerances (node cases: the conformance runs'; models:
the zoo's 1e-3 / 1e-4; matmuls: f16 ulps). Speed: a model's latency is
tangram-run --benchmark's median (inputs copied in and results out on
every run: buffers do not stay on the device between launches yet) and
the sum of its kernels' times by CUDA events (--profile); PyTorch's is its
forward pass on inputs already on the GPU, timed by CUDA events (torch
needs torchvision for the torchvision models). The matmul is 4096 x 4096
x 4096 in f16: Tangram's kernel time against torch.matmul (cuBLAS).
"""

import concurrent.futures
import datetime
import json
import os
import re
import statistics
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = 20


def run(cmd, timeout=600):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return 124, "error: timeout"


def first_error(text):
    for line in text.splitlines():
        if "error" in line:
            return line.strip()[:150].replace("|", "/")
    return text.strip().splitlines()[-1][:150] if text.strip() else "failed"


def check(tangram, case_dir, bundle="model.tgb"):
    """'pass', or the first error line of tangram-run --expect."""
    with open(os.path.join(case_dir, "tolerances")) as f:
        rtol, atol = f.read().split()
    data = os.path.join(case_dir, "data")
    rc, out = run([tangram, os.path.join(case_dir, bundle), "--data-dir", data, "--expect", data,
                   "--rtol", rtol, "--atol", atol])
    return "pass" if rc == 0 else first_error(out)


def timed(tangram, bundle, inputs):
    """(median latency ms, kernel ms per run) of `bundle`, or an error."""
    rc, out = run([tangram, bundle, *inputs, "--benchmark", str(RUNS), "--profile"])
    if rc != 0:
        return None, None, first_error(out)
    latency = re.search(r"median ([0-9.]+) ms", out)
    profile = re.search(r"profile: (\d+) runs", out)
    kernels = sum(float(m.group(1)) for m in re.finditer(r"^\s*([0-9.]+)\s+[0-9.]+%\s+\S+\s+cuda_kernel", out, re.M))
    if not latency or not profile:
        return None, None, "no timing in tangram-run's output"
    return float(latency.group(1)), kernels, ""


def torch_times(names):
    """PyTorch's forward pass per model (f32 and f16, ms), and the f16
    4096-cube matmul (ms); {} where torch or the model is missing."""
    try:
        import torch
    except ImportError:
        return {}, None, "torch is not installed"
    if not torch.cuda.is_available():
        return {}, None, "torch sees no CUDA device"

    def time_ms(fn):
        for _ in range(5):
            fn()
        torch.cuda.synchronize()
        ms = []
        for _ in range(RUNS):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            torch.cuda.synchronize()
            ms.append(start.elapsed_time(end))
        return statistics.median(ms)

    a = torch.rand(4096, 4096, device="cuda", dtype=torch.float16)
    b = torch.rand(4096, 4096, device="cuda", dtype=torch.float16)
    matmul_ms = time_ms(lambda: torch.matmul(a, b))
    models, note = {}, ""
    try:
        sys.path.insert(0, HERE)
        import export_models as em
    except ImportError as e:
        return models, matmul_ms, f"models not built in torch ({e})"
    for name in names:
        spec = {**em.MODELS, **em.ZOO_MODELS}.get(name)
        if not spec:
            continue
        build, _, _, make_inputs = spec
        try:
            torch.manual_seed(0)
            model = build().eval().cuda()
            xs = [torch.from_numpy(x).cuda() for x in make_inputs(np.random.default_rng(0))]
            with torch.no_grad():
                f32 = time_ms(lambda: model(*xs))
                half = model.half()
                hs = [x.half() if x.is_floating_point() else x for x in xs]
                f16 = time_ms(lambda: half(*hs))
            models[name] = (f32, f16)
        except Exception as e:  # a torchvision model without torchvision, say
            note += f" {name}: not timed in torch ({type(e).__name__}: {str(e)[:80]})."
    return models, matmul_ms, note.strip()


def main():
    root, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    tangram = os.path.join(root, "tangram-run")
    rc, devices = run([tangram, "--list-devices"])
    device = next((l for l in devices.splitlines() if l.startswith("cuda:0")), "no cuda device")
    result = {"date": datetime.date.today().isoformat(), "device": device}

    cases = sorted(os.listdir(os.path.join(root, "cases"))) if os.path.isdir(os.path.join(root, "cases")) else []
    # Eight at a time: each run is mostly loading and the PTX JIT.
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        found = pool.map(lambda c: check(tangram, os.path.join(root, "cases", c)), cases)
    outcomes = dict(zip(cases, found))
    result["cases"] = outcomes

    matmul_dir = os.path.join(root, "matmul")
    matmul_checks = {c: check(tangram, os.path.join(matmul_dir, c)) for c in ("async_copies", "cube1000")
                     if os.path.isdir(os.path.join(matmul_dir, c))}
    result["matmul_checks"] = matmul_checks
    rng = np.random.default_rng(0)
    inputs = []
    for name in ("a", "b"):
        path = os.path.join(out, f"bench_{name}.npy")
        np.save(path, rng.uniform(-1, 1, (4096, 4096)).astype(np.float16))
        inputs += ["--input", f"{name}={path}"]
    _, bench_kernels, bench_error = timed(tangram, os.path.join(matmul_dir, "bench", "model.tgb"), inputs)
    for name in ("a", "b"):
        os.remove(os.path.join(out, f"bench_{name}.npy"))

    names = sorted(os.listdir(os.path.join(root, "models"))) if os.path.isdir(os.path.join(root, "models")) else []
    models = {}
    for name in names:
        d = os.path.join(root, "models", name)
        data = ["--data-dir", os.path.join(d, "data")]
        row = {"check": check(tangram, d)}
        row["ms"], row["kernel_ms"], row["error"] = timed(tangram, os.path.join(d, "model.tgb"), data)
        if os.path.exists(os.path.join(d, "model_f16.tgb")):
            row["f16_ms"], row["f16_kernel_ms"], row["f16_error"] = timed(
                tangram, os.path.join(d, "model_f16.tgb"), data)
        models[name] = row
    torch_models, torch_matmul_ms, torch_note = torch_times(names)
    result.update(models=models, torch_models=torch_models, torch_note=torch_note,
                  bench_kernel_ms=bench_kernels, bench_error=bench_error, torch_matmul_ms=torch_matmul_ms)
    with open(os.path.join(out, "cuda.json"), "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)

    flops = 2 * 4096 ** 3
    tflops = lambda ms: flops / (ms * 1e-3) / 1e12 if ms else None  # noqa: E731
    fmt = lambda x, spec=".3f": format(x, spec) if isinstance(x, (int, float)) else "—"  # noqa: E731
    passed = sum(v == "pass" for v in outcomes.values())
    lines = [f"# The cuda target on a real GPU ({result['date']})", "",
             "Generated by `scripts/gpu_check.sh run` (scripts/gpu_check_report.py) on", f"`{device}`; do not edit by hand.",
             "", "## f16 matmul, 4096 x 4096 x 4096", "",
             "| | ms | TFLOP/s |", "|---|---:|---:|",
             f"| Tangram (kernel time, CUDA events) | {fmt(bench_kernels)} | {fmt(tflops(bench_kernels), '.1f')} |",
             f"| torch.matmul (cuBLAS) | {fmt(torch_matmul_ms)} | {fmt(tflops(torch_matmul_ms), '.1f')} |", ""]
    if bench_kernels and torch_matmul_ms:
        lines += [f"**Tangram reaches {100 * torch_matmul_ms / bench_kernels:.0f}% of cuBLAS.**", ""]
    if bench_error:
        lines += [f"Tangram's run failed: {bench_error}", ""]
    lines += ["Matmul correctness (f16, against numpy): " +
              ", ".join(f"{c} {v}" for c, v in matmul_checks.items()), "",
              "## Real models", "",
              "Latency: tangram-run's median over 20 runs, inputs copied in and results out each run; "
              "kernels: the sum of its kernels' times. PyTorch: the forward pass on the GPU's own inputs. "
              "f16: `--precision=f16` (tensor cores) against `model.half()`. " + (torch_note or ""), "",
              "| model | check | Tangram ms | kernels ms | PyTorch ms | Tangram f16 kernels ms | PyTorch f16 ms |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for name, row in models.items():
        t32, t16 = torch_models.get(name, (None, None))
        lines.append(f"| {name} | {row['check'] if row['check'] == 'pass' else 'FAILED: ' + row['check']} | "
                     f"{fmt(row['ms'])} | {fmt(row['kernel_ms'])} | {fmt(t32)} | "
                     f"{fmt(row.get('f16_kernel_ms'))} | {fmt(t16)} |")
    lines += ["", "## ONNX node cases", "", f"**{passed} / {len(outcomes)} pass** (the node cases that pass on "
              "Vulkan and compile for cuda, at the conformance runs' tolerances).", "",
              "| case | outcome |", "|---|---|"]
    lines += [f"| {c} | {v} |" for c, v in outcomes.items() if v != "pass"]
    with open(os.path.join(out, "cuda.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"cuda: {passed} / {len(outcomes)} node cases pass; matmul {fmt(tflops(bench_kernels), '.1f')} TFLOP/s "
          f"against cuBLAS {fmt(tflops(torch_matmul_ms), '.1f')} -> {os.path.join(out, 'cuda.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
