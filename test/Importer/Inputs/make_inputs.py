# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Regenerates the binary inputs of the importer's bad-input tests.

Run with the pip python (it needs `onnx`): python3 make_inputs.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def small_model(weights_external: bool) -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((8, 3, 3, 3)).astype(np.float32), "w")
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[1, 1, 1, 1])
    graph = helper.make_graph(
        [node], "small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 8, 8])],
        [w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    if weights_external:
        onnx.external_data_helper.convert_model_to_external_data(
            model, all_tensors_to_one_file=True, location="external.bin",
            size_threshold=0)
    return model


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    data = small_model(False).SerializeToString()
    open(os.path.join(here, "small.onnx"), "wb").write(data)
    open(os.path.join(here, "truncated.onnx"), "wb").write(data[: len(data) // 2])
    open(os.path.join(here, "empty.onnx"), "wb").close()
    rng = np.random.default_rng(1)
    open(os.path.join(here, "garbage.onnx"), "wb").write(rng.bytes(3000))
    onnx.save_model(small_model(True), os.path.join(here, "external.onnx"),
                    save_as_external_data=True, location="external.bin")
    # A model whose external-data file is missing.
    m = small_model(True)
    for t in m.graph.initializer:
        for kv in t.external_data:
            if kv.key == "location":
                kv.value = "missing.bin"
    open(os.path.join(here, "external-missing.onnx"), "wb").write(m.SerializeToString())


if __name__ == "__main__":
    main()
