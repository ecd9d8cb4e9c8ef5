"""Runs folded-fills.onnxtxt's bundle with K = 3 and with K = 0 (empty
reductions) and compares each output with numpy in float64: the products
and the sum of an empty row are the fill's 0, the max of one is the fill's
-inf (ONNX: the least value when the set is empty).

usage: check_folded_fills.py TANGRAM_RUN BUNDLE WORKDIR
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_matrix_strategy import run_and_compare  # noqa: E402  (the same comparison)


def main():
    run, bundle, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(5)
    failed = 0
    for k in (3, 0):
        ins = {"a": rng.standard_normal((5, k)).astype(np.float32),
               "b": rng.standard_normal((k, 7)).astype(np.float32),
               "b2": rng.standard_normal((k, 7)).astype(np.float32),
               "c": rng.standard_normal((5, k)).astype(np.float16),
               "d": rng.standard_normal((k, 7)).astype(np.float16)}
        d = {n: v.astype(np.float64) for n, v in ins.items()}
        refs = [d["a"] @ d["b"], d["a"] @ d["b2"], d["c"] @ d["d"],
                d["a"].sum(axis=1)]
        failed += run_and_compare(run, bundle, work, ins, refs, f"K={k} ")
        m = np.load(os.path.join(work, "output_4.npy"))
        ref = d["a"].max(axis=1) if k else np.full(5, -np.inf)
        ok = m.shape == ref.shape and np.array_equal(m.astype(np.float64), ref)
        failed += not ok
        print(f"K={k} output 4: {'ok' if ok else 'MISMATCH ' + str(m)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
