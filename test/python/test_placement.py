# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Placement end to end: placed bundles run and match the references.

- resnet18 placed across the CPU and the lavapipe Vulkan device (the
  throughput objective with two devices of equal speed splits it) gives the
  reference outputs, and the same outputs as the CPU alone within tolerance
  (the devices round differently).
- A model with an op the Vulkan device cannot take (f64 on a device without
  Float64) runs with that op on the CPU automatically, and the rest on
  Vulkan; so do models whose GPU executables would need a host step (a
  run-time loop, sizes computed from data on the device).
- `--report FILE.json` has the documented fields; `--report FILE.html`
  renders in headless Chromium, and the screenshot shows each device's
  colour.
- `tangram-calibrate` writes a catalog the compiler takes.
- A bundle with a fallback plan (`--fallback cpu0`) runs on Vulkan, and on
  the CPU alone when no Vulkan driver is found.

Environment: as test_vulkan_models.py (TANGRAM_BUILD_DIR,
TANGRAM_TORCH_PYTHON, TANGRAM_REQUIRE_VULKAN); TANGRAM_REQUIRE_CHROMIUM=1
fails instead of skipping when Chromium is missing.
"""

import json
import os
import shutil
import struct
import subprocess
import zlib

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("TANGRAM_BUILD_DIR", os.path.join(REPO, "build"))
TORCH_PYTHON = os.environ.get("TANGRAM_TORCH_PYTHON", "/usr/bin/python3")
COMPILER = os.path.join(BUILD_DIR, "bin", "tangram-compile")
RUNNER = os.path.join(BUILD_DIR, "bin", "tangram-run")
CALIBRATE = os.path.join(BUILD_DIR, "bin", "tangram-calibrate")

# Two devices of equal speed behind a fast link: pipelining splits a model.
EQUAL = {"devices": [
    {"id": "cpu0", "target": "cpu", "peak_gflops": {"f32": 100}, "mem_bandwidth_gbs": 20, "launch_us": 5},
    {"id": "vulkan0", "target": "vulkan", "peak_gflops": {"f32": 100}, "mem_bandwidth_gbs": 20, "launch_us": 5}],
    "links": [{"from": "cpu0", "to": "vulkan0", "bandwidth_gbs": 100, "latency_us": 1}]}

# A Vulkan device without f64, much faster than the CPU.
NO_F64 = {"devices": [
    {"id": "vulkan0", "target": "vulkan", "features": "-Float64", "peak_gflops": {"f32": 1000},
     "mem_bandwidth_gbs": 100, "launch_us": 1},
    {"id": "cpu0", "target": "cpu", "peak_gflops": {"f32": 10, "f64": 5}, "mem_bandwidth_gbs": 1,
     "launch_us": 1}],
    "links": [{"from": "cpu0", "to": "vulkan0", "bandwidth_gbs": 100, "latency_us": 1}]}

# A Vulkan device far faster than the CPU: everything it can take goes there.
FAST_VULKAN = {"devices": [
    {"id": "cpu0", "target": "cpu", "peak_gflops": {"f32": 100}, "mem_bandwidth_gbs": 20, "launch_us": 5},
    {"id": "vulkan0", "target": "vulkan", "peak_gflops": {"f32": 100000}, "mem_bandwidth_gbs": 2000,
     "launch_us": 1}],
    "links": [{"from": "cpu0", "to": "vulkan0", "bandwidth_gbs": 100, "latency_us": 1}]}

F64_MODEL = """<ir_version: 8, opset_import: ["" : 17]>
f64_middle (float[64,64] X) => (float[64,64] Y) {
  A = MatMul(X, X)
  B = Cast <to = 11> (A)
  C = Exp(B)
  D = Cast <to = 1> (C)
  Y = Relu(D)
}
"""


@pytest.fixture(scope="module")
def models_dir():
    out = os.path.join(BUILD_DIR, "models")
    proc = subprocess.run([TORCH_PYTHON, os.path.join(REPO, "scripts", "export_models.py"), "--out", out],
                          capture_output=True, text=True)
    assert proc.returncode == 0, f"export_models.py failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def write_json(path, value):
    path.write_text(json.dumps(value))
    return str(path)


def compile_model(model, out, *extra):
    proc = subprocess.run([COMPILER, str(model), "-o", str(out), *extra], capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr
    return out


def placement(model, catalog, tmp_path, *extra):
    out = tmp_path / "placement.json"
    compile_model(model, out, "--devices", catalog, "--emit=placement", *extra)
    return json.loads(out.read_text())


def run_outputs(bundle, data, out_dir):
    proc = subprocess.run([RUNNER, str(bundle), "--data-dir", data, "--output-dir", str(out_dir), "--npy",
                           "--expect", data], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {f: np.load(os.path.join(out_dir, f)) for f in sorted(os.listdir(out_dir))}


def test_resnet18_split_across_cpu_and_vulkan(vulkan, models_dir, tmp_path):
    model = os.path.join(models_dir, "resnet18.onnx")
    catalog = write_json(tmp_path / "equal.json", EQUAL)
    plan = placement(model, catalog, tmp_path, "--objective", "throughput")
    used = {n["device"] for n in plan["nodes"]}
    assert used == {"cpu0", "vulkan0"}, used
    assert plan["transfers"], "a split moves values between the devices"
    split = compile_model(model, tmp_path / "split.tgb", "--devices", catalog, "--objective", "throughput")
    describe = json.loads(subprocess.run([RUNNER, str(split), "--describe"], capture_output=True,
                                         text=True, check=True).stdout)
    assert sorted(d["kind"] for d in describe["devices"]) == ["cpu", "vulkan"]
    alone = compile_model(model, tmp_path / "cpu.tgb")
    data = os.path.join(models_dir, "resnet18", "test_data_set_0")
    a = run_outputs(alone, data, tmp_path / "cpu")
    b = run_outputs(split, data, tmp_path / "split")  # --expect: the reference outputs
    assert a.keys() == b.keys()
    for f in a:
        np.testing.assert_allclose(b[f], a[f], rtol=1e-3, atol=1e-4)


def test_fallback_plan_runs_when_vulkan_is_absent(vulkan, models_dir, tmp_path):
    # The main schedule puts the model on Vulkan; --fallback cpu0 adds a plan
    # on the CPU alone, which runs when no Vulkan driver is found.
    model = os.path.join(models_dir, "mnist_cnn.onnx")
    catalog = write_json(tmp_path / "fast.json", FAST_VULKAN)
    bundle = compile_model(model, tmp_path / "fb.tgb", "--devices", catalog, "--fallback", "cpu0")
    describe = json.loads(subprocess.run([RUNNER, str(bundle), "--describe"], capture_output=True,
                                         text=True, check=True).stdout)
    kinds = [describe["devices"][s["device"]]["kind"] for s in describe["schedule"] if s["op"] == "launch"]
    assert "vulkan" in kinds, describe["schedule"]
    assert len(describe["fallbacks"]) == 1
    alone = compile_model(model, tmp_path / "cpu.tgb")
    data = os.path.join(models_dir, "mnist_cnn", "test_data_set_0")
    a = run_outputs(alone, data, tmp_path / "cpu")
    b = run_outputs(bundle, data, tmp_path / "main")  # on Vulkan; --expect: the references
    for f in a:
        np.testing.assert_allclose(b[f], a[f], rtol=1e-3, atol=1e-4)
    env = dict(os.environ, VK_ICD_FILENAMES=str(tmp_path / "none.json"),
               VK_DRIVER_FILES=str(tmp_path / "none.json"))
    proc = subprocess.run([RUNNER, str(bundle), "--data-dir", data, "--output-dir", str(tmp_path / "fb"),
                           "--npy", "--expect", data], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "running fallback plan 1 on cpu0" in proc.stderr, proc.stderr
    for f in a:  # the fallback is the CPU compile: the same bits
        np.testing.assert_array_equal(np.load(tmp_path / "fb" / f), a[f])


def test_op_vulkan_cannot_take_runs_on_cpu(vulkan, tmp_path):
    model = tmp_path / "f64.onnxtxt"
    model.write_text(F64_MODEL)
    catalog = write_json(tmp_path / "nof64.json", NO_F64)
    plan = placement(model, catalog, tmp_path)
    by_op = {}
    for n in plan["nodes"]:
        by_op.setdefault(n["op"], []).append(n)
    assert all(n["device"] == "vulkan0" for n in by_op["tg.matmul"] + by_op["tg.relu"]), plan["nodes"]
    assert by_op["tg.exp"][0]["device"] == "cpu0"
    assert by_op["tg.exp"][0]["reason"] == "capability"
    assert "f64" in by_op["tg.exp"][0]["detail"]
    bundle = compile_model(model, tmp_path / "f64.tgb", "--devices", catalog)
    x = (np.random.default_rng(0).standard_normal((64, 64)) * 0.05).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    proc = subprocess.run([RUNNER, str(bundle), "--input", f"X={tmp_path / 'x.npy'}", "--output-dir",
                           str(tmp_path / "out"), "--npy"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    y = np.load(tmp_path / "out" / os.listdir(tmp_path / "out")[0])
    expected = np.maximum(np.exp((x @ x).astype(np.float64)).astype(np.float32), 0)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


def test_report_json_fields(models_dir, tmp_path):
    model = os.path.join(models_dir, "resnet18.onnx")
    report = tmp_path / "r.json"
    compile_model(model, report, "--devices", os.path.join(REPO, "catalogs", "mixed-fleet.json"),
                  "--objective", "cost", "--emit=placement")
    r = json.loads(report.read_text())
    assert r["objective"] == "cost"
    for n in r["nodes"]:
        assert {"name", "op", "device", "flops", "predicted_ms", "reason"} <= n.keys()
        assert n["reason"] in {"speed", "price", "capability", "pin", "transfer", "overlap", "memory"}
    assert any(n["name"] == "/conv1/Conv" for n in r["nodes"])
    for t in r["transfers"]:
        assert {"from", "to", "bytes", "predicted_ms"} <= t.keys()
    assert {"latency_ms", "throughput_per_s", "cost_per_million"} <= r["predicted"].keys()
    assert set(r["single_device"]) == {"cpu0", "gpu0", "acc0"}
    best = min(f["cost_per_million"] for f in r["single_device"].values() if f["supported"])
    assert r["predicted"]["cost_per_million"] <= best * (1 + 1e-9)


def png_pixels(path):
    """The RGB(A) pixels of an 8-bit PNG, as a set of (r, g, b)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and color in (2, 6), (depth, color)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            colours.add(tuple(line[x:x + 3]))
        prev = line
    return colours


def test_report_html_in_browser(models_dir, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        if os.environ.get("TANGRAM_REQUIRE_CHROMIUM") == "1":
            pytest.fail("no chromium (scripts/setup.sh installs it)")
        pytest.skip("no chromium")
    model = os.path.join(models_dir, "bert_like.onnx")
    html = tmp_path / "report.html"
    compile_model(model, tmp_path / "p.json", "--devices", os.path.join(REPO, "catalogs", "h100-server.json"),
                  "--emit=placement", "--report", str(html))
    text = html.read_text()
    assert "<svg" in text and "Predicted totals" in text and "cpu0 alone" in text
    shot = tmp_path / "shot.png"
    proc = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--screenshot={shot}", "--window-size=1400,2400", f"file://{html}"],
                          capture_output=True, text=True, timeout=180)
    assert shot.exists(), proc.stderr
    colours = png_pixels(shot)
    # The two devices' colours (cpu0 first, gpu0 second in the palette).
    assert (0x4e, 0x79, 0xa7) in colours and (0xf2, 0x8e, 0x2b) in colours


def test_calibrate_writes_a_catalog(tmp_path):
    catalog = tmp_path / "cpu.json"
    proc = subprocess.run([CALIBRATE, "--devices", "cpu", "-o", str(catalog)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    c = json.loads(catalog.read_text())
    (d,) = c["devices"]
    assert d["id"] == "cpu0" and d["target"] == "cpu"
    assert d["peak_gflops"]["f32"] > 0 and d["mem_bandwidth_gbs"] > 0 and d["memory_bytes"] > 0
    assert set(d["calibration"]["curves"]) == {"gemm", "conv", "depthwise", "elementwise"}
    model = tmp_path / "f64.onnxtxt"
    model.write_text(F64_MODEL)
    r = placement(model, str(catalog), tmp_path)
    assert r["predicted"]["latency_ms"] > 0
    bad = subprocess.run([CALIBRATE, "--devices", "metal"], capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr.startswith("error: ")


@pytest.mark.parametrize("name", ["gru_dyn", "lstm_dyn"])
def test_host_steps_move_to_the_cpu(vulkan, name, models_dir, tmp_path):
    """Models with a run-time loop, which a GPU program cannot run, compile
    for cpu + vulkan: placement keeps the loop on the CPU, and the split runs
    correctly at two shapes. (What needs a host step only when lowered is
    test/Pipelines/placement-host-steps.onnxtxt.) --emit=placement shows the
    same placement as the bundle's report."""
    models_dir_dyn = os.path.join(BUILD_DIR, "models")
    proc = subprocess.run([TORCH_PYTHON, os.path.join(REPO, "scripts", "export_models.py"), "--out",
                           models_dir_dyn, "--dynamic"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    catalog = write_json(tmp_path / "fast.json", FAST_VULKAN)
    model = os.path.join(models_dir_dyn, f"{name}.onnx")
    report = tmp_path / "report.json"
    bundle = compile_model(model, tmp_path / "split.tgb", "--devices", catalog, "--report", str(report))
    describe = json.loads(subprocess.run([RUNNER, str(bundle), "--describe"], capture_output=True, text=True,
                                         check=True).stdout)
    assert sorted(d["kind"] for d in describe["devices"]) == ["cpu", "vulkan"]
    # --emit=placement stops before code, but shows the placement the bundle got.
    devices = [(n["name"], n["device"]) for n in json.loads(report.read_text())["nodes"]]
    assert [(n["name"], n["device"]) for n in placement(model, catalog, tmp_path)["nodes"]] == devices
    for k in (0, 1):
        data = os.path.join(models_dir_dyn, name, f"test_data_set_{k}")
        run_outputs(bundle, data, tmp_path / f"out_{k}")
