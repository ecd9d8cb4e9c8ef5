# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Serving Tangram bundles with Ray Serve, on one machine or a cluster.

    import ray, tangram, tangram.serve
    ray.init(address="auto")
    handle = tangram.serve.deploy(tangram.compile("model.onnx"), num_replicas=2)
    outputs = handle.run.remote({"input": x}).result()     # numpy in, numpy out
    # or HTTP: POST http://HOST:8000/tangram  {"inputs": {"input": [[...]]}}
    #          -> {"outputs": {"output": [[...]]}}

Each replica receives the bundle's bytes (so nodes need no shared file
system), opens one Session, and answers requests. Requests that arrive
together are batched (`@serve.batch`): when every input and output has a
run-time leading dim, the batch runs as one call with the inputs
concatenated along it; otherwise the requests run one after another in the
replica. A bundle for GPU devices asks Ray for `num_gpus` per replica.
"""
import numpy as np
from ray import serve

import tangram


def _batchable(manifest):
    """True when every input and output has a run-time leading dim."""
    tensors = manifest["inputs"] + manifest["outputs"]
    return all(t["shape"] and t["shape"][0] < 0 for t in tensors)


@serve.deployment
class TangramModel:
    """A replica: one Session over the bundle's bytes."""

    def __init__(self, bundle_bytes, threads=None, max_batch_size=8, batch_wait_s=0.005):
        self.bundle = tangram.Bundle(bundle_bytes)
        self.session = tangram.Session(self.bundle, threads=threads)
        self.inputs = [name for name, _, _ in self.bundle.inputs]
        self.dtypes = {name: dtype for name, dtype, _ in self.bundle.inputs}
        self.batchable = _batchable(self.bundle.manifest)
        self._batched.set_max_batch_size(max_batch_size)
        self._batched.set_batch_wait_timeout_s(batch_wait_s)

    @serve.batch(max_batch_size=8, batch_wait_timeout_s=0.005)
    async def _batched(self, requests):
        if self.batchable and len(requests) > 1:
            sizes = [len(r[self.inputs[0]]) for r in requests]
            joined = {n: np.concatenate([r[n] for r in requests]) for n in self.inputs}
            outputs = self.session.run(joined)
            ends = np.cumsum(sizes)
            return [{n: v[e - s:e] for n, v in outputs.items()} for s, e in zip(sizes, ends)]
        return [self.session.run(r) for r in requests]

    async def run(self, feeds):
        """{name: ndarray} -> {name: ndarray}."""
        return await self._batched(feeds)

    async def __call__(self, request):
        """HTTP: JSON {"inputs": {name: nested lists}} -> {"outputs": {name: nested lists}}."""
        body = await request.json()
        feeds = {n: np.asarray(v, dtype=self.dtypes[n]) for n, v in body["inputs"].items()}
        outputs = await self._batched(feeds)
        return {"outputs": {n: v.tolist() for n, v in outputs.items()}}


def deploy(bundle, num_replicas=1, name="tangram", route_prefix="/tangram", threads=None,
           num_cpus=1, max_batch_size=8, batch_wait_s=0.005):
    """Deploys `bundle` (a tangram.Bundle or a .tgb path) on the connected Ray
    cluster with `num_replicas` replicas; returns the deployment handle."""
    if not isinstance(bundle, tangram.Bundle):
        bundle = tangram.load(bundle)
    kinds = {d["kind"] for d in bundle.manifest["devices"]}
    options = {"num_cpus": num_cpus}
    if kinds - {"cpu"}:
        options["num_gpus"] = 1
    app = TangramModel.options(num_replicas=num_replicas, ray_actor_options=options).bind(
        bundle.data, threads, max_batch_size, batch_wait_s)
    return serve.run(app, name=name, route_prefix=route_prefix)
