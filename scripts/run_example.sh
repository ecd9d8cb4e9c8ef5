#!/usr/bin/env bash
# The main job on the bundled example: export the MNIST CNN (seeded random
# weights) to ONNX and import it, printing its tg IR.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 scripts/export_models.py --out build/models --only mnist_cnn
build/bin/tangram-compile build/models/mnist_cnn.onnx --emit=tg -o -
