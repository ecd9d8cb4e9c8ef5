# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Export a torchvision model to ONNX, compile it with Tangram, run it, and
compare its outputs and latency with onnxruntime.

    python3 python/examples/compile_and_run.py [--model resnet18] [--runs 20] [--threads 2]

The export runs scripts/export_models.py with Debian's /usr/bin/python3
(which has torch and torchvision; weights are seeded random, no download)
into build/models, unless the model is there already. Then, in this
interpreter (which needs `pip install .` or build/python on PYTHONPATH):
tangram.compile, tangram.Session, and onnxruntime on the same input.
"""
import argparse
import os
import subprocess
import time

import numpy as np
import onnxruntime as ort

import tangram

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="resnet18", help="a model of scripts/export_models.py")
    p.add_argument("--models-dir", default=os.path.join(REPO, "build", "models"))
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    path = os.path.join(args.models_dir, f"{args.model}.onnx")
    if not os.path.exists(path):
        subprocess.run(["/usr/bin/python3", os.path.join(REPO, "scripts", "export_models.py"),
                        "--out", args.models_dir, "--only", args.model], check=True)

    start = time.perf_counter()
    bundle = tangram.compile(path)
    print(f"compiled {args.model} in {time.perf_counter() - start:.2f} s; "
          f"devices: {[d['name'] for d in bundle.manifest['devices']]}, "
          f"executables: {[x['name'] for c in bundle.manifest['code_objects'] for x in c['exports']]}")
    print("inputs:", bundle.inputs, "outputs:", bundle.outputs)

    session = tangram.Session(bundle, threads=args.threads)
    rng = np.random.default_rng(0)
    feeds = {name: rng.standard_normal([d if isinstance(d, int) else 1 for d in shape]).astype(dtype)
             for name, dtype, shape in bundle.inputs}
    outputs = session.run(feeds)

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    reference = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    expected = reference.run(None, feeds)
    for (name, got), want in zip(outputs.items(), expected):
        err = float(np.abs(got - want).max())
        print(f"output '{name}' {list(got.shape)}: max abs difference from onnxruntime {err:.2e}")
        assert np.allclose(got, want, rtol=1e-3, atol=1e-4), f"{name} differs from onnxruntime"

    tangram_ms = session.benchmark(feeds, args.runs)
    times = []
    for _ in range(args.runs + 3):
        t = time.perf_counter()
        reference.run(None, feeds)
        times.append((time.perf_counter() - t) * 1e3)
    ort_ms = float(np.median(times[3:]))
    print(f"median latency over {args.runs} runs, {args.threads} threads: "
          f"Tangram {tangram_ms:.2f} ms, onnxruntime {ort_ms:.2f} ms")


if __name__ == "__main__":
    main()
