# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""One model split across two CPU devices by pins.

`tangram-compile --devices CATALOG --pin NODE=DEVICE` assigns the ops of
matching ONNX nodes to a device; tg-outline-executables cuts the model into
per-device executables with a transfer at each crossing, and the runtime
runs each device's steps on its own queue. A split must change nothing but
where the work runs: the outputs are bit-identical to the one-device
bundle's, for a static CNN (resnet18), a dynamic-axes CNN (resnet18_dyn at
three shapes) and a dynamic-axes transformer (bert_like_dyn at three
shapes). `tangram-run --describe` shows the two devices, their executables
and the transfers.

Environment: as test_dynamic_models.py (TANGRAM_BUILD_DIR, TANGRAM_TORCH_PYTHON).
"""

import json
import os
import subprocess

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("TANGRAM_BUILD_DIR", os.path.join(REPO, "build"))
TORCH_PYTHON = os.environ.get("TANGRAM_TORCH_PYTHON", "/usr/bin/python3")
COMPILER = os.path.join(BUILD_DIR, "bin", "tangram-compile")
RUNNER = os.path.join(BUILD_DIR, "bin", "tangram-run")
CATALOG = os.path.join(REPO, "test", "Pipelines", "Inputs", "two-cpus.json")

# model -> (pins, data sets). The pins move a middle part to cpu1, so the
# schedule goes cpu0 -> cpu1 -> cpu0 with a transfer each way.
SPLITS = {
    "resnet18": (["/layer2/*=cpu1", "/layer3/*=cpu1"], 1),
    "resnet18_dyn": (["/layer2/*=cpu1", "/layer3/*=cpu1"], 3),
    "bert_like_dyn": (["/layers.0/*=cpu1"], 3),
}


@pytest.fixture(scope="module")
def models_dir():
    out = os.path.join(BUILD_DIR, "models")
    for extra in ([], ["--dynamic"]):
        proc = subprocess.run([TORCH_PYTHON, os.path.join(REPO, "scripts", "export_models.py"), "--out", out]
                              + extra, capture_output=True, text=True)
        assert proc.returncode == 0, f"export_models.py {extra} failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def compile_model(models_dir, name, out, *extra):
    proc = subprocess.run([COMPILER, os.path.join(models_dir, f"{name}.onnx"), "-o", str(out), *extra],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


def run_outputs(bundle, data, out_dir):
    proc = subprocess.run([RUNNER, str(bundle), "--data-dir", data, "--output-dir", str(out_dir), "--npy",
                           "--expect", data], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {f: np.load(os.path.join(out_dir, f)) for f in sorted(os.listdir(out_dir))}


@pytest.mark.parametrize("name", sorted(SPLITS))
def test_split_is_bit_identical(name, models_dir, tmp_path):
    pins, sets = SPLITS[name]
    one = compile_model(models_dir, name, tmp_path / "one.tgb")
    pin_args = [a for p in pins for a in ("--pin", p)]
    two = compile_model(models_dir, name, tmp_path / "two.tgb", "--devices", CATALOG, *pin_args)
    for k in range(sets):
        data = os.path.join(models_dir, name, f"test_data_set_{k}")
        a = run_outputs(one, data, tmp_path / f"one_{k}")
        b = run_outputs(two, data, tmp_path / f"two_{k}")
        assert a.keys() == b.keys()
        for f in a:
            assert a[f].shape == b[f].shape and a[f].dtype == b[f].dtype
            assert a[f].tobytes() == b[f].tobytes(), f"{name} set {k} {f}: max diff {np.abs(a[f] - b[f]).max()}"

    proc = subprocess.run([RUNNER, str(two), "--describe"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    m = json.loads(proc.stdout)
    assert [d["name"] for d in m["devices"]] == ["cpu0", "cpu1"]
    exports = [x["name"] for c in m["code_objects"] for x in c["exports"]]
    assert len(exports) >= 3, exports
    steps = [s["op"] for s in m["schedule"]]
    assert steps.count("transfer") >= 2, steps
    # Every transfer crosses devices; every launch's buffers are its own.
    buffers = m["buffers"]
    for s in m["schedule"]:
        if s["op"] == "transfer":
            assert buffers[s["src"]]["device"] != buffers[s["dst"]]["device"]
        else:
            assert all(buffers[b]["device"] == s["device"] for b in s["args"] + s["results"])
