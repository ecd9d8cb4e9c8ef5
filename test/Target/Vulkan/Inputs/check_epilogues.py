"""Runs epilogues.onnxtxt's bundle with K = 3 and with K = 0 (empty
reductions: the epilogues then see the fills' 0) and compares each output
with numpy in float64.

usage: check_epilogues.py TANGRAM_RUN BUNDLE WORKDIR
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_matrix_strategy import run_and_compare  # noqa: E402  (the same comparison)


def main():
    run, bundle, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(9)
    failed = 0
    for k in (3, 0):
        ins = {"a": rng.standard_normal((70, k)).astype(np.float32),
               "b": rng.standard_normal((k, 33)).astype(np.float32),
               "b2": rng.standard_normal((k, 33)).astype(np.float32),
               "bias": rng.standard_normal(33).astype(np.float32),
               "c": rng.standard_normal((70, k)).astype(np.float16),
               "d": rng.standard_normal((k, 33)).astype(np.float16)}
        d = {n: v.astype(np.float64) for n, v in ins.items()}
        y = np.maximum(d["a"] @ d["b"] + d["bias"], 0)
        refs = [y, 1 / (1 + np.exp(-(d["c"] @ d["d"]))), d["a"] @ d["b2"] + y]
        failed += run_and_compare(run, bundle, work, ins, refs, f"K={k} ")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
