"""Writes a small seeded CNN (Conv, Relu, strided Conv, GlobalAveragePool,
Gemm, Softmax) as OUT/model.onnx and its input as OUT/input_0.pb: a model
whose kernels split work across the CPU thread pool."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
w = lambda *shape: numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32) * 0.2)
inits = [w(8, 3, 3, 3), w(8), w(16, 8, 3, 3), w(16), w(16, 10), w(10)]
for t, name in zip(inits, ["w1", "b1", "w2", "b2", "fc", "fcb"]):
    t.name = name
nodes = [
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], name="conv1"),
    helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
    helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], strides=[2, 2], name="conv2"),
    helper.make_node("GlobalAveragePool", ["c2"], ["p"], name="pool"),
    helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
    helper.make_node("Gemm", ["f", "fc", "fcb"], ["g"], name="fc"),
    helper.make_node("Softmax", ["g"], ["y"], name="softmax"),
]
graph = helper.make_graph(
    nodes, "small_cnn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 32, 32])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 10])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "model.onnx"))
x = numpy_helper.from_array(rng.standard_normal((2, 3, 32, 32)).astype(np.float32), "x")
open(os.path.join(out, "input_0.pb"), "wb").write(x.SerializeToString())
