"""Runs matrix-async-copies.onnxtxt's bundle on seeded inputs and compares
each output with numpy in float64 (relative to the output's largest
magnitude: f16 operands, f32 accumulation).

usage: check_matrix_copies.py TANGRAM_RUN BUNDLE WORKDIR
"""
import os
import subprocess
import sys

import numpy as np

# The model's inputs and, per output, the product it computes.
SHAPES = {"a": (2, 70, 48), "b": (48, 100), "p": (70, 40), "q": (50, 40),
          "c": (3, 33, 36), "d": (36, 20), "e": (17, 30), "f": (30, 9),
          "h": (5, 45), "i": (45, 7), "r": (2, 19, 64), "s": (64, 37)}
PRODUCTS = [lambda d: d["a"] @ d["b"], lambda d: d["p"] @ d["q"].T,
            lambda d: d["c"] @ d["d"], lambda d: d["e"] @ d["f"],
            lambda d: d["h"] @ d["i"], lambda d: d["r"] @ d["s"]]


def main():
    run, bundle, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(11)
    ins = {n: rng.standard_normal(s).astype(np.float16) for n, s in SHAPES.items()}
    args = [run, bundle, "--output-dir", work, "--npy"]
    for name, v in ins.items():
        path = os.path.join(work, name + ".npy")
        np.save(path, v)
        args += ["--input", f"{name}={path}"]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    d = {k: v.astype(np.float64) for k, v in ins.items()}
    failed = 0
    for j, product in enumerate(PRODUCTS):
        ref = product(d)
        out = np.load(os.path.join(work, f"output_{j}.npy")).astype(np.float64)
        scale = max(np.abs(ref).max(), 1e-6)
        err = np.abs(out - ref).max() / scale if out.shape == ref.shape else np.inf
        # f16 operands (and outputs): 2^-11 relative rounding each.
        ok = err < 4e-3
        failed += not ok
        print(f"output {j}: {'ok' if ok else 'MISMATCH'} (error {err:.2e})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
