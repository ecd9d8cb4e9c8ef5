# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Real models through the Vulkan target: SPIR-V kernels run by the first
Vulkan device (Mesa's lavapipe in CI), compared with onnxruntime.

resnet18, mobilenet_v2 and the BERT-like encoder at their export shape, and
models with dynamic axes (bert_like_dyn, mobilenet_v2_dyn, detector_dyn,
whose Resize sizes come from Shape at run time: the GPU program computes
them, gpt_decoder_dyn, and vit_small_dyn, whose class token is expanded to a
shape computed by Where(Equal(...)), swin_dyn, whose windows are padded
by pads computed from Shape, and maxvit_dyn) at one or two shapes each from one
bundle on Vulkan alone. Every SPIR-V module of these models must pass
spirv-val.

Without a Vulkan device the tests skip, unless TANGRAM_REQUIRE_VULKAN=1
(scripts/test.sh sets it: CI installs lavapipe, so a missing device there is
a broken set-up).
"""

import glob
import os
import shutil
import subprocess

import onnx
import onnxruntime as ort
import pytest
from onnx import numpy_helper

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("TANGRAM_BUILD_DIR", os.path.join(REPO, "build"))
TORCH_PYTHON = os.environ.get("TANGRAM_TORCH_PYTHON", "/usr/bin/python3")
COMPILER = os.path.join(BUILD_DIR, "bin", "tangram-compile")
RUNNER = os.path.join(BUILD_DIR, "bin", "tangram-run")
RTOL, ATOL = "1e-3", "1e-4"

# (model, data sets): static models at their export shape, dynamic ones at
# two shapes.
CASES = [
    ("resnet18", [0]),
    ("mobilenet_v2", [0]),
    ("bert_like", [0]),
    ("bert_like_dyn", [0, 1]),
    ("mobilenet_v2_dyn", [1, 2]),
    ("detector_dyn", [0, 1]),
    ("vit_small_dyn", [1]),
    ("gpt_decoder_dyn", [1, 2]),
    ("swin_dyn", [1, 2]),
    ("maxvit_dyn", [2]),
]


@pytest.fixture(scope="module", autouse=True)
def needs_vulkan(vulkan):
    pass


@pytest.fixture(scope="module")
def models_dir():
    out = os.path.join(BUILD_DIR, "models")
    for flags in ([], ["--dynamic"]):
        proc = subprocess.run([TORCH_PYTHON, os.path.join(REPO, "scripts", "export_models.py"), "--out", out,
                               *flags], capture_output=True, text=True)
        assert proc.returncode == 0, f"export_models.py {flags} failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def load_tensors(data, prefix):
    files = sorted((f for f in os.listdir(data) if f.startswith(prefix) and f.endswith(".pb")),
                   key=lambda f: int(f[len(prefix):-len(".pb")]))
    return [onnx.load_tensor(os.path.join(data, f)) for f in files]


@pytest.mark.parametrize("name,sets", CASES, ids=[c[0] for c in CASES])
def test_vulkan_matches_onnxruntime(name, sets, models_dir, tmp_path):
    model = os.path.join(models_dir, f"{name}.onnx")
    bundle = tmp_path / f"{name}.tgb"
    proc = subprocess.run([COMPILER, model, "-o", str(bundle), "--target", "vulkan"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"tangram-compile exited {proc.returncode}:\n{proc.stderr}"
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    for k in sets:
        data = os.path.join(models_dir, name, f"test_data_set_{k}")
        inputs = load_tensors(data, "input_")
        actual = session.run(None, {t.name: numpy_helper.to_array(t) for t in inputs})
        expect = tmp_path / f"expect{k}"
        expect.mkdir()
        for j, (info, value) in enumerate(zip(session.get_outputs(), actual)):
            onnx.save_tensor(numpy_helper.from_array(value, info.name), str(expect / f"output_{j}.pb"))
        proc = subprocess.run([RUNNER, str(bundle), "--data-dir", data, "--expect", str(expect),
                               "--rtol", RTOL, "--atol", ATOL], capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, f"data set {k}: tangram-run exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_spirv_is_valid(name, models_dir, tmp_path):
    validator = shutil.which("spirv-val")
    if not validator:
        if os.environ.get("TANGRAM_REQUIRE_VULKAN") == "1":
            pytest.fail("no spirv-val (scripts/setup.sh installs spirv-tools)")
        pytest.skip("no spirv-val")
    out = tmp_path / "spv"
    proc = subprocess.run([COMPILER, os.path.join(models_dir, f"{name}.onnx"), "-o", str(out), "--target", "vulkan",
                           "--emit=spirv"], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"tangram-compile exited {proc.returncode}:\n{proc.stderr}"
    modules = sorted(glob.glob(str(out / "*.spv")))
    assert modules, "no SPIR-V module written"
    for m in modules:
        v = subprocess.run([validator, "--target-env", "vulkan1.2", m], capture_output=True, text=True)
        assert v.returncode == 0, f"{os.path.basename(m)}: {v.stdout}{v.stderr}"
