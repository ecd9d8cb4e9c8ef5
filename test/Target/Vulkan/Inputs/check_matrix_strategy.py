"""Runs matrix-strategy.onnxtxt's bundle at several shapes and compares
each output with numpy in float64 (relative to the output's largest
magnitude: f16 operands, f32 accumulation).

usage: check_matrix_strategy.py TANGRAM_RUN BUNDLE WORKDIR
"""
import os
import subprocess
import sys

import numpy as np


def conv(x, w, stride, pad):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    y = np.zeros((n, f, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            y += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    return y


def run_bundle(run, bundle, work, ins, count):
    """Runs `bundle` on `ins` (name -> array) and returns its first `count`
    outputs."""
    args = [run, bundle, "--output-dir", work, "--npy"]
    for name, v in ins.items():
        path = os.path.join(work, name + ".npy")
        np.save(path, v)
        args += ["--input", f"{name}={path}"]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return [np.load(os.path.join(work, f"output_{j}.npy")) for j in range(count)]


def run_and_compare(run, bundle, work, ins, refs, label=""):
    """Runs `bundle` on `ins` (name -> array) and compares output j with
    refs[j] (float64), relative to its largest magnitude; prints a line per
    output and returns how many do not match."""
    failed = 0
    for j, (out, ref) in enumerate(zip(run_bundle(run, bundle, work, ins,
                                                  len(refs)), refs)):
        out = out.astype(np.float64)
        scale = max(np.abs(ref).max(), 1e-6)
        err = np.abs(out - ref).max() / scale if out.shape == ref.shape else np.inf
        # f16 operands (and outputs): 2^-11 relative rounding each.
        ok = err < 4e-3
        failed += not ok
        print(f"{label}output {j}: {'ok' if ok else 'MISMATCH'} (error {err:.2e})")
    return failed


def check_products(shapes, products, seed):
    """The main of a checker whose model multiplies f16 inputs `shapes`
    (name -> shape): runs argv's bundle on seeded standard normal inputs
    and compares output j with products[j] of the float64 inputs."""
    run, bundle, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(seed)
    ins = {n: rng.standard_normal(s).astype(np.float16) for n, s in shapes.items()}
    d = {k: v.astype(np.float64) for k, v in ins.items()}
    sys.exit(1 if run_and_compare(run, bundle, work, ins, [p(d) for p in products]) else 0)


def main():
    run, bundle, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(7)
    # (batch, M, K, N): tiles that fit, partial tiles, one element, k not
    # a multiple of the staged depth. The conv's shapes are the model's.
    shapes = [(2, 70, 45, 100), (1, 1, 1, 1), (1, 64, 64, 64),
              (3, 129, 33, 65)]
    failed = 0
    for s in shapes:
        b, m, k, n = s
        c, h, w, f = 3, 13, 11, 8
        ins = {
            "a": rng.standard_normal((b, m, k)).astype(np.float16),
            "b": rng.standard_normal((k, n)).astype(np.float16),
            "e": rng.standard_normal((m, k)).astype(np.float32),
            "f": rng.standard_normal((k, n)).astype(np.float32),
            "x": rng.standard_normal((1, c, h, w)).astype(np.float16),
            "w": rng.standard_normal((f, c, 3, 3)).astype(np.float16),
        }
        d = {k_: v.astype(np.float64) for k_, v in ins.items()}
        refs = [d["a"] @ d["b"], d["e"] @ d["f"], conv(d["x"], d["w"], 2, 1)]
        failed += run_and_compare(run, bundle, work, ins, refs, f"shape {s} ")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
