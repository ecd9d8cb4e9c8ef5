"""Runs row-programs.onnxtxt's bundle on several shapes (rows of 7, 300,
1 and 5 elements; a batch of no rows) and compares each output with numpy
in float64: softmax, LayerNorm, a row's mean subtracted, a softmax over
4 static rows, and an f16 LogSoftmax.

usage: check_row_programs.py TANGRAM_RUN BUNDLE WORKDIR
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_matrix_strategy import run_bundle  # noqa: E402  (the same run)


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def main():
    run, bundle, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(11)
    failed = 0
    for b, s, n, r, m in ((2, 3, 7, 5, 9), (3, 50, 300, 130, 1000),
                          (1, 4, 1, 1, 1), (0, 3, 5, 2, 3)):
        ins = {"x": 4 * rng.standard_normal((b, s, n)),
               "a": 3 + rng.standard_normal((r, n)),
               "s": rng.standard_normal(n), "bias": rng.standard_normal(n),
               "f": 4 * rng.standard_normal((4, m)),
               "h": rng.standard_normal((r, n))}
        ins = {k: v.astype(np.float16 if k == "h" else np.float32)
               for k, v in ins.items()}
        d = {k: v.astype(np.float64) for k, v in ins.items()}
        a = d["a"]
        mean = a.mean(axis=-1, keepdims=True)
        var = ((a - mean) ** 2).mean(axis=-1, keepdims=True)
        h = d["h"]
        hm = h - h.max(axis=-1, keepdims=True)
        refs = [softmax(d["x"]),
                (a - mean) / np.sqrt(var + 1e-5) * d["s"] + d["bias"],
                a - mean, softmax(d["f"]),
                hm - np.log(np.exp(hm).sum(axis=-1, keepdims=True))]
        outs = run_bundle(run, bundle, work, ins, len(refs))
        for j, (out, ref) in enumerate(zip(outs, refs)):
            # f32 outputs to f32 rounding; the f16 one to f16's 2^-11.
            tol = 4e-3 if out.dtype == np.float16 else 2e-5
            err = (np.abs(out.astype(np.float64) - ref).max(initial=0) /
                   max(np.abs(ref).max(initial=0), 1e-6)
                   if out.shape == ref.shape else np.inf)
            ok = err < tol
            failed += not ok
            print(f"{b}x{s}x{n} output {j}: {'ok' if ok else 'MISMATCH'} "
                  f"(error {err:.2e})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
