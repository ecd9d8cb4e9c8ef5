# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Tangram from Python: compile ONNX models to bundles and run them on numpy.

    import tangram
    bundle = tangram.compile("model.onnx")            # path, bytes or onnx.ModelProto
    session = tangram.Session(bundle)                  # or a .tgb path
    outputs = session.run({"input": x})                # dict name -> ndarray
    outputs = session.run(None, {"input": x})          # onnxruntime's form: a list

The compiler and the runtime are the same libraries `tangram-compile` and
`tangram-run` use (the `_tangram` extension, built by CMake with nanobind).
Every failure raises `TangramError` with the tools' message.
"""
import json
import os
import tempfile

import numpy as np

from ._tangram import Session as _Session
from ._tangram import TangramError
from ._tangram import compile_model as _compile_model
from ._tangram import device_kinds as _device_kinds
from ._tangram import opt as _opt
from ._tangram import read_manifest as _read_manifest

__all__ = ["Bundle", "Session", "TangramError", "compile", "devices", "ir", "load", "opt", "placement"]

_DTYPES = {"f32": np.float32, "f64": np.float64, "f16": np.float16, "i8": np.int8, "i16": np.int16,
           "i32": np.int32, "i64": np.int64, "u8": np.uint8, "u16": np.uint16, "u32": np.uint32,
           "u64": np.uint64, "i1": np.bool_}


class _ModelFile:
    """A path for the model: the path itself, or a temporary file holding
    bytes or a serialized onnx.ModelProto."""

    def __init__(self, model):
        self.model, self.tmp = model, None

    def __enter__(self):
        model = self.model
        if isinstance(model, (str, os.PathLike)):
            return os.fspath(model)
        if hasattr(model, "SerializeToString"):
            model = model.SerializeToString()
        if not isinstance(model, (bytes, bytearray, memoryview)):
            raise TypeError("model must be a path, bytes or an onnx.ModelProto")
        self.tmp = tempfile.NamedTemporaryFile(suffix=".onnx", delete=False)
        self.tmp.write(model)
        self.tmp.close()
        return self.tmp.name

    def __exit__(self, *exc):
        if self.tmp:
            os.unlink(self.tmp.name)


def _compile(model, output, stage, targets, devices, pins, opt_level, input_shapes, objective=None,
             report=None, fallbacks=None):
    if isinstance(targets, str):
        targets = [targets]
    shapes = [f"{name}={'x'.join('?' if d is None else str(d) for d in dims)}"
              for name, dims in (input_shapes or {}).items()]
    with _ModelFile(model) as path:
        _compile_model(path, output, stage, ",".join(targets), opt_level, shapes,
                       os.fspath(devices) if devices else "", list(pins or []), objective or "latency",
                       os.fspath(report) if report else "",
                       [f if isinstance(f, str) else ",".join(f) for f in (fallbacks or [])])


class Bundle:
    """A compiled model: the bytes of a .tgb file and its manifest."""

    def __init__(self, data, manifest=None):
        self.data = bytes(data)
        if manifest is None:
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "model.tgb")
                with open(path, "wb") as f:
                    f.write(self.data)
                manifest = _manifest_of(path)
        self.manifest = manifest

    @property
    def inputs(self):
        """[(name, numpy dtype, shape)] with None or the symbolic name for dynamic dims."""
        return [_describe(t) for t in self.manifest["inputs"]]

    @property
    def outputs(self):
        return [_describe(t) for t in self.manifest["outputs"]]

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.data)


def _describe(t):
    names = t.get("dim_names") or [""] * len(t["shape"])
    shape = [d if d >= 0 else (n or None) for d, n in zip(t["shape"], names)]
    return t["name"], np.dtype(_DTYPES.get(t["dtype"], np.void)), shape


def compile(model, targets=("cpu",), devices=None, objective=None, opt_level=2, input_shapes=None,
            pins=None, report=None, fallbacks=None):
    """Compiles an ONNX model (a path, bytes or an onnx.ModelProto) to a Bundle.

    `devices` is a device catalog path (docs/DeviceCatalog.md); with cost
    fields, placement chooses each op's device for `objective` ("latency",
    the default, "throughput" or "cost"). `pins` is a list of "NODE=DEVICE",
    `input_shapes` a dict name -> dims (None keeps a dim dynamic), `report`
    a .html or .json path for the placement report. Each of `fallbacks` (a
    list of device ids, or one comma-separated string, e.g. ["cpu0"]) adds a
    plan on those devices alone, which runs when a device of the main
    schedule is absent."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "model.tgb")
        _compile(model, out, "bundle", targets, devices, pins, opt_level, input_shapes, objective, report,
                 fallbacks)
        with open(out, "rb") as f:
            return Bundle(f.read(), _manifest_of(out))


def _manifest_of(path):
    # The reader checks the whole bundle (header, manifest, sections) without
    # creating devices or loading code; errors name `path`.
    return json.loads(_read_manifest(os.fspath(path)))


def load(path):
    """The Bundle stored at `path`."""
    manifest = _manifest_of(path)
    with open(path, "rb") as f:
        return Bundle(f.read(), manifest)


def placement(model, devices, objective="latency", pins=None, input_shapes=None):
    """The placement decision for a device catalog (a dict: the JSON of
    `tangram-compile --emit=placement`, docs/DeviceCatalog.md)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "placement.json")
        _compile(model, out, "placement", ("cpu",), devices, pins, 2, input_shapes, objective)
        with open(out) as f:
            return json.load(f)


def ir(model, stage="tg", targets=("cpu",), devices=None, pins=None, input_shapes=None):
    """The model's IR at `stage`: tg, schedule, linalg or llvm (text)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "ir.txt")
        _compile(model, out, stage, targets, devices, pins, 2, input_shapes)
        with open(out) as f:
            return f.read()


def opt(ir_text, pipeline):
    """Runs a pass pipeline ("tg-infer-shapes,canonicalize", any registered
    pass or pipeline) on IR text, as tangram-opt does."""
    return _opt(ir_text, pipeline)


def devices():
    """The device kinds this runtime has drivers for ("cpu", "cuda", "hip",
    "vulkan"); a driver whose vendor library is missing says so when used."""
    return list(_device_kinds())


class Session:
    """Runs a Bundle (or a .tgb path). run() may be called from several
    threads at once; the GIL is released while the model runs. verify=False
    skips the checksums of the code and weights (very large trusted bundles)."""

    def __init__(self, bundle_or_path, device=None, threads=None, verify=True):
        if isinstance(bundle_or_path, Bundle):
            fd, path = tempfile.mkstemp(suffix=".tgb")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(bundle_or_path.data)
                # The runtime maps the file; it can go once the session is open.
                self._session = _Session(path, device or "", threads or 0, verify)
            finally:
                os.unlink(path)
        else:
            self._session = _Session(os.fspath(bundle_or_path), device or "", threads or 0, verify)
        self.manifest = json.loads(self._session.manifest_json)
        # 0: the main schedule runs; K: fallback plan K, because of
        # fallback_reason (a device of the main schedule is absent).
        self.plan = self._session.plan
        self.fallback_reason = self._session.fallback_reason
        self._inputs = [t["name"] for t in self.manifest["inputs"]]
        self._outputs = [t["name"] for t in self.manifest["outputs"]]
        self._dtypes = [np.dtype(_DTYPES.get(t["dtype"], np.void)) for t in self.manifest["inputs"]]

    def _arrays(self, inputs):
        if isinstance(inputs, dict):
            unknown = [k for k in inputs if k not in self._inputs]
            if unknown:
                raise TangramError(f"no input named '{unknown[0]}' (inputs: {', '.join(self._inputs)})")
            missing = [k for k in self._inputs if k not in inputs]
            if missing:
                raise TangramError(f"input '{missing[0]}' is missing (inputs: {', '.join(self._inputs)})")
            inputs = [inputs[k] for k in self._inputs]
        arrays = []
        for name, want, value in zip(self._inputs, self._dtypes, inputs):
            a = np.asarray(value)
            if a.dtype != want:
                raise TangramError(f"input '{name}': expected dtype {want}, got {a.dtype}")
            # Contiguous arrays are read in place; others are copied once.
            arrays.append(np.ascontiguousarray(a))
        if len(arrays) != len(inputs):
            raise TangramError(f"expected {len(self._inputs)} inputs, got {len(inputs)}")
        return arrays

    def run(self, inputs, feeds=None):
        """run(inputs) -> {name: ndarray}; run(None | [names], feeds) -> [ndarray] as in onnxruntime."""
        if feeds is None and (isinstance(inputs, dict) or isinstance(inputs, (list, tuple))):
            outputs = self._session.run(self._arrays(inputs))
            return dict(zip(self._outputs, outputs))
        names = inputs
        outputs = dict(zip(self._outputs, self._session.run(self._arrays(feeds))))
        if names is None:
            return [outputs[n] for n in self._outputs]
        return [outputs[n] for n in names]

    def benchmark(self, inputs, n=20):
        """Median milliseconds of `n` runs (after 3 warm-up runs)."""
        return self._session.benchmark(self._arrays(inputs), n)
