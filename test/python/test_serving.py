# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Serving a bundle with Ray Serve on a real two-node Ray cluster on loopback.

The module starts a head node (`ray start --head`) and one more worker node
process on 127.0.0.1, deploys mnist_cnn_dyn (dynamic batch, so concurrent
requests are batched into one call) with two replicas through
`tangram.serve.deploy`, sends bounded numbers of concurrent requests from
several client threads through the deployment handle and over HTTP (JSON),
checks every answer against onnxruntime, and stops the cluster. It prints
the replicas, the requests served and the throughput.
"""
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import numpy as np
import onnxruntime as ort
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("TANGRAM_BUILD_DIR", os.path.join(REPO, "build"))
TORCH_PYTHON = os.environ.get("TANGRAM_TORCH_PYTHON", "/usr/bin/python3")
CACHE = os.path.join(BUILD_DIR, "CMakeCache.txt")
if os.path.exists(CACHE) and "TANGRAM_ENABLE_PYTHON:BOOL=OFF" in open(CACHE).read():
    pytest.skip("this build has TANGRAM_ENABLE_PYTHON=OFF", allow_module_level=True)
PYTHON_DIR = os.path.join(BUILD_DIR, "python")
sys.path.insert(0, PYTHON_DIR)
import ray  # noqa: E402
from ray import serve  # noqa: E402

import tangram  # noqa: E402
import tangram.serve  # noqa: E402

CLIENTS, REQUESTS_PER_CLIENT, HTTP_REQUESTS = 4, 25, 8


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def model():
    out = os.path.join(BUILD_DIR, "models")
    proc = subprocess.run([TORCH_PYTHON, os.path.join(REPO, "scripts", "export_models.py"), "--out", out,
                           "--only", "mnist_cnn_dyn"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return os.path.join(out, "mnist_cnn_dyn.onnx")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A head node and one worker node on loopback; stopped at the end."""
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0",
               PYTHONPATH=os.pathsep.join(p for p in [PYTHON_DIR, os.environ.get("PYTHONPATH")] if p))
    port = free_port()
    common = ["--node-ip-address=127.0.0.1", "--num-cpus=1", "--disable-usage-stats"]
    try:
        subprocess.run(["ray", "start", "--head", f"--port={port}", "--include-dashboard=false", *common],
                       env=env, check=True, capture_output=True, timeout=120)
        subprocess.run(["ray", "start", f"--address=127.0.0.1:{port}", *common],
                       env=env, check=True, capture_output=True, timeout=120)
        os.environ["PYTHONPATH"] = env["PYTHONPATH"]
        ray.init(address=f"127.0.0.1:{port}", logging_level="ERROR")
        deadline = time.time() + 60
        while sum(n["Alive"] for n in ray.nodes()) < 2 and time.time() < deadline:
            time.sleep(0.5)
        assert sum(n["Alive"] for n in ray.nodes()) == 2, ray.nodes()
        http_port = free_port()
        serve.start(http_options={"host": "127.0.0.1", "port": http_port})
        yield http_port
    finally:
        try:
            serve.shutdown()
        except Exception:
            pass
        ray.shutdown()
        subprocess.run(["ray", "stop", "--force"], env=env, capture_output=True, timeout=120)


def test_two_replicas_answer_concurrent_clients(model, cluster):
    http_port = cluster
    bundle = tangram.compile(model)
    handle = tangram.serve.deploy(bundle, num_replicas=2, num_cpus=0.5, threads=1)
    status = serve.status().applications["tangram"]
    replicas = sum(d.replica_states.get("RUNNING", 0) for d in status.deployments.values())
    assert replicas == 2, status
    reference = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    batches = [rng.standard_normal((1 + i % 3, 1, 28, 28)).astype(np.float32)
               for i in range(CLIENTS * REQUESTS_PER_CLIENT)]
    expected = [reference.run(None, {"input": x})[0] for x in batches]
    wrong, errors = [], []

    def client(c):
        try:
            for k in range(REQUESTS_PER_CLIENT):
                i = c * REQUESTS_PER_CLIENT + k
                got = handle.run.remote({"input": batches[i]}).result(timeout_s=120)["output"]
                if got.shape != expected[i].shape or not np.allclose(got, expected[i], rtol=1e-3, atol=1e-4):
                    wrong.append(i)
        except Exception as e:  # reported below, with the test's failure
            errors.append(repr(e))

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    assert not errors, errors
    assert not wrong, wrong
    served = CLIENTS * REQUESTS_PER_CLIENT
    print(f"\nserve: {replicas} replicas on a 2-node cluster, {served} requests from {CLIENTS} clients in "
          f"{seconds:.2f} s: {served / seconds:.1f} requests/s")

    # HTTP with JSON, on loopback.
    for i in range(HTTP_REQUESTS):
        x = batches[i]
        req = urllib.request.Request(f"http://127.0.0.1:{http_port}/tangram",
                                     data=json.dumps({"inputs": {"input": x.tolist()}}).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            got = np.asarray(json.load(r)["outputs"]["output"], np.float32)
        np.testing.assert_allclose(got, expected[i], rtol=1e-3, atol=1e-4)
