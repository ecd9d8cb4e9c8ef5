"""Writes a small ONNX model whose convolution weights are initializers
(model weights), for packed-weights.test: Y = Conv(Relu(Conv(X, W1, B1)),
W2), and Z = ReduceSum(W2 * W2) (node "S" reads W2 as well)."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(3)
w1 = rng.standard_normal((12, 4, 3, 3), dtype=np.float32)
b1 = rng.standard_normal((12,), dtype=np.float32)
w2 = rng.standard_normal((16, 12, 1, 1), dtype=np.float32)
nodes = [
    helper.make_node("Conv", ["X", "W1", "B1"], ["A"], name="A", pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["A"], ["R"], name="R"),
    helper.make_node("Conv", ["R", "W2"], ["Y"], name="Y"),
    helper.make_node("Mul", ["W2", "W2"], ["S"], name="S"),
    helper.make_node("ReduceSum", ["S"], ["Z"], name="Z", keepdims=0),
]
graph = helper.make_graph(
    nodes, "conv_weights",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 4, 9, 9])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 16, 9, 9]),
     helper.make_tensor_value_info("Z", TensorProto.FLOAT, [])],
    [numpy_helper.from_array(w1, "W1"), numpy_helper.from_array(b1, "B1"),
     numpy_helper.from_array(w2, "W2")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
np.save(sys.argv[2], rng.standard_normal((1, 4, 9, 9), dtype=np.float32))
