#!/usr/bin/env bash
# The cuda target on a real NVIDIA GPU, in two halves, so that the GPU
# machine (the device tool) needs no compiler:
#
#   scripts/gpu_check.sh prepare [sm_XX]   (here) compiles, for cuda:sm_XX
#       (default sm_90), every ONNX node case that passes on Vulkan, the
#       small real models (exact f32 and --precision=f16) and f16 matmuls
#       into build/gpu-check: bundles, reference data, tangram-run and the
#       shared libraries it needs (scripts/gpu_check_prepare.py); then packs
#       it as build/gpu-check.tgz, what the device tool carries (64 MiB in
#       all: the node cases' data compress, the models' weights do not).
#   scripts/gpu_check.sh run               (there, with build/gpu-check.tgz
#       carried) unpacks it, checks each bundle with tangram-run --expect on the first
#       cuda device, times the models and a 4096-cube f16 matmul against
#       PyTorch on the same GPU, and writes $OUT/cuda.md and cuda.json
#       (scripts/gpu_check_report.py): the page docs/benchmarks/cuda.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=build/gpu-check

if [ "${1:-}" = prepare ]; then
  ARCH=${2:-sm_90}
  rm -rf "$DIR" && mkdir -p "$DIR/cases" "$DIR/models" "$DIR/matmul" "$DIR/lib"
  cp build/bin/tangram-run "$DIR/"
  for lib in $(ldd build/bin/tangram-run | awk '/=> \// {print $3}' | grep -E 'onnx|protobuf'); do
    cp "$lib" "$DIR/lib/"
  done
  python3 scripts/gpu_check_prepare.py "$ARCH" "$DIR"
  tar -czf "$DIR.tgz" -C "$(dirname "$DIR")" "$(basename "$DIR")"
  du -sh "$DIR" "$DIR.tgz"
  exit 0
fi

if [ "${1:-}" = run ]; then
  OUT=${OUT:-$DIR}
  [ -d "$DIR" ] || tar -xzf "$DIR.tgz" -C "$(dirname "$DIR")"
  export LD_LIBRARY_PATH="$PWD/$DIR/lib:${LD_LIBRARY_PATH:-}"
  "$DIR/tangram-run" --list-devices
  python3 scripts/gpu_check_report.py "$DIR" "$OUT"
  exit 0
fi

echo "usage: scripts/gpu_check.sh prepare [sm_XX] | run" >&2
exit 1
