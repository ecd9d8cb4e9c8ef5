#!/usr/bin/env bash
# The main job on the bundled example: export the MNIST CNN (seeded random
# weights) to ONNX if missing, compile it to a CPU bundle, run it on its test
# inputs, print the outputs, compare them with torch's and time 20 runs.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 scripts/export_models.py --out build/models --only mnist_cnn
build/bin/tangram-compile build/models/mnist_cnn.onnx -o build/mnist_cnn.tgb
data=build/models/mnist_cnn/test_data_set_0
build/bin/tangram-run build/mnist_cnn.tgb --data-dir "$data" --expect "$data" --print --benchmark 20
