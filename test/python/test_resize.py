# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Resize lowering numerics against the ONNX reference outputs.

onnx's Resize node tests pass scales/sizes as graph inputs, which the CPU
lowering cannot size at compile time. Here those inputs become initializers
(the form real models have), the model is compiled and run, and the output is
compared with the case's reference output.
"""

import os
import re
import subprocess

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("TANGRAM_BUILD_DIR", os.path.join(REPO, "build"))
NODE_DIR = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node")
# Not lowered: antialias, tf_crop_and_resize, axes and keep_aspect_ratio_policy
# are refused by the importer.
SKIP = re.compile(r"antialias|tf_crop|axes|not_larger|not_smaller")
CASES = sorted(c for c in os.listdir(NODE_DIR)
               if re.match(r"test_(resize|upsample)_", c) and not SKIP.search(c))


@pytest.mark.parametrize("case", CASES)
def test_resize_matches_reference(case, tmp_path):
    d = os.path.join(NODE_DIR, case)
    model = onnx.load(os.path.join(d, "model.onnx"))
    data = os.path.join(d, "test_data_set_0")
    inputs = list(model.graph.input)
    for i, inp in enumerate(inputs[1:], start=1):
        t = onnx.TensorProto()
        with open(os.path.join(data, f"input_{i}.pb"), "rb") as f:
            t.ParseFromString(f.read())
        t.name = inp.name
        model.graph.initializer.append(t)
        model.graph.input.remove(inp)
    model_path = tmp_path / "model.onnx"
    onnx.save(model, str(model_path))
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    with open(os.path.join(data, "input_0.pb"), "rb") as f:
        (in_dir / "input_0.pb").write_bytes(f.read())
    bundle = tmp_path / "m.tgb"
    p = subprocess.run([os.path.join(BUILD_DIR, "bin", "tangram-compile"), str(model_path), "-o", str(bundle)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([os.path.join(BUILD_DIR, "bin", "tangram-run"), str(bundle), "--data-dir", str(in_dir),
                        "--expect", data, "--rtol", "1e-3", "--atol", "1e-5"], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
