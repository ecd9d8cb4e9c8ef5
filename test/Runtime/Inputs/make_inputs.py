# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Regenerates the tangram-run test inputs in this directory.

The sample bundle (tangram-unit-tests --write-sample-bundle) computes
y = x + w with x: f32 [?,4] and w = [1, 2, 3, 4].
"""
import os

import numpy as np
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
W = np.array([1, 2, 3, 4], np.float32)


def save_pb(path, array, name, raw=True):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tensor = numpy_helper.from_array(array, name)
    if not raw:  # the typed field instead of raw_data
        tensor.ClearField("raw_data")
        tensor.float_data.extend(array.flatten().tolist())
    with open(path, "wb") as f:
        f.write(tensor.SerializeToString())


x = np.arange(8, dtype=np.float32).reshape(2, 4)
y = x + W
save_pb(os.path.join(HERE, "data", "input_0.pb"), x, "x", raw=False)
save_pb(os.path.join(HERE, "expected", "output_0.pb"), y, "y")
wrong = y.copy()
wrong[0, 3] += 1
save_pb(os.path.join(HERE, "wrong", "output_0.pb"), wrong, "y")
save_pb(os.path.join(HERE, "wrong-shape", "output_0.pb"), y[:1], "y")
np.save(os.path.join(HERE, "x.npy"), x)
np.save(os.path.join(HERE, "y.npy"), y)
np.save(os.path.join(HERE, "x-f64.npy"), x.astype(np.float64))
np.save(os.path.join(HERE, "x-5cols.npy"), np.zeros((2, 5), np.float32))
np.save(os.path.join(HERE, "x-fortran.npy"), np.asfortranarray(np.ones((2, 4), np.float32)))
