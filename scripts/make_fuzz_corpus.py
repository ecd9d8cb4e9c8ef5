#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes the fuzz harnesses' seed corpora into test/fuzz/corpus/<harness>/.

Seeds are small real inputs: ONNX node-test models (every op family the
importer handles, a few hundred bytes each), bundles compiled from some of
them for the cpu and vulkan targets and for both at once (a schedule with
transfers), the unit tests' sample bundle, and the node tests' TensorProto
files plus .npy files of each dtype. Rerun after a bundle format change:

    python3 scripts/make_fuzz_corpus.py --build build
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node")

# Importer seeds: named families, then every 12th node test for breadth.
IMPORT_CASES = [
    "test_conv_with_strides_padding", "test_gemm_default_matrix_bias", "test_matmul_2d",
    "test_add_bcast", "test_relu", "test_reshape_negative_dim", "test_loop11", "test_if",
    "test_gru_defaults", "test_lstm_defaults", "test_slice", "test_gather_0",
    "test_resize_upsample_scales_linear", "test_softmax_axis_1", "test_maxpool_2d_pads",
    "test_batchnorm_epsilon", "test_cast_FLOAT_to_DOUBLE", "test_concat_2d_axis_0",
    "test_range_float_type_positive_delta", "test_sequence_insert_at_back",
    "test_einsum_batch_matmul", "test_nonzero_example", "test_where_example", "test_scan9_sum",
    "test_layer_normalization_2d_axis0", "test_qlinearmatmul_2D_uint8_float32",
    "test_cumsum_1d", "test_expand_dim_changed", "test_constantofshape_int_zeros",
]
# Bundle seeds: (node test, compile arguments).
BUNDLE_CASES = [
    ("test_relu", []),
    ("test_gemm_default_matrix_bias", []),
    ("test_conv_with_strides_padding", []),
    ("test_if", []),
    ("test_reshape_negative_dim", []),
    ("test_relu", ["--target", "vulkan"]),
    ("test_matmul_2d", ["--target", "vulkan"]),
    ("test_softmax_axis_1", ["--target", "vulkan"]),
]


def put(directory, data):
    """Stores `data` under its hash, as libFuzzer names corpus files."""
    os.makedirs(directory, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=os.path.join(ROOT, "test", "fuzz", "corpus"))
    args = ap.parse_args()
    compile_ = os.path.join(args.build, "bin", "tangram-compile")
    unit = os.path.join(args.build, "bin", "tangram-unit-tests")
    for h in ("onnx-import", "bundle", "session", "tensor-files"):
        shutil.rmtree(os.path.join(args.out, h), ignore_errors=True)

    cases = sorted(os.listdir(NODE))
    names = IMPORT_CASES + [c for c in cases[::12] if c not in IMPORT_CASES]
    for case in names:
        with open(os.path.join(NODE, case, "model.onnx"), "rb") as f:
            put(os.path.join(args.out, "onnx-import"), f.read())
        pb = os.path.join(NODE, case, "test_data_set_0", "input_0.pb")
        if case in IMPORT_CASES and os.path.exists(pb) and os.path.getsize(pb) < 4096:
            with open(pb, "rb") as f:
                put(os.path.join(args.out, "tensor-files"), f.read())

    with tempfile.TemporaryDirectory() as tmp:
        bundles = []
        for case, extra in BUNDLE_CASES:
            out = os.path.join(tmp, "b.tgb")
            subprocess.run([compile_, os.path.join(NODE, case, "model.onnx"), "-o", out] + extra,
                           check=True)
            bundles.append(open(out, "rb").read())
        # Two devices: the Relu on vulkan, inputs and outputs on the cpu.
        catalog = os.path.join(tmp, "devices.json")
        with open(catalog, "w") as f:
            json.dump({"devices": [
                {"id": "cpu0", "target": "cpu", "peak_gflops": {"f32": 100}, "mem_bandwidth_gbs": 20,
                 "memory_bytes": 1 << 33, "launch_us": 1},
                {"id": "gpu0", "target": "vulkan", "peak_gflops": {"f32": 100},
                 "mem_bandwidth_gbs": 20, "memory_bytes": 1 << 33, "launch_us": 1}],
                "links": [{"from": "cpu0", "to": "gpu0", "bandwidth_gbs": 10, "latency_us": 5}]},
                f)
        out = os.path.join(tmp, "b.tgb")
        subprocess.run([compile_, os.path.join(NODE, "test_relu", "model.onnx"), "-o", out,
                        "--devices", catalog, "--pin", "*=gpu0"], check=True)
        bundles.append(open(out, "rb").read())
        for mode in ("elf", "in-process"):
            subprocess.run([unit, "--write-sample-bundle", out, mode], check=True)
            bundles.append(open(out, "rb").read())
        for data in bundles:
            put(os.path.join(args.out, "bundle"), data)
            put(os.path.join(args.out, "session"), data)

    # .npy files of every dtype tangram-run reads, in each format version.
    rng = np.random.default_rng(0)
    for dtype in ("<f4", "<f8", "<f2", "<i8", "<i4", "<i2", "|i1", "|u1", "<u2", "|b1"):
        for shape in ((), (3,), (2, 3)):
            a = rng.integers(0, 3, size=shape).astype(dtype)
            with tempfile.TemporaryFile() as f:
                np.lib.format.write_array(f, a, version=(1, 0) if dtype != "<f8" else (2, 0))
                f.seek(0)
                put(os.path.join(args.out, "tensor-files"), f.read())
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(args.out) for n in ns)
    print(f"{args.out}: {total} bytes")


if __name__ == "__main__":
    sys.exit(main())
