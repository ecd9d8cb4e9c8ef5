#!/bin/bash
# Compiles every exported model for vulkan (vulkan,cpu where a run-time
# loop needs the host) and runs each of its data sets on the Vulkan device
# (lavapipe here) against the reference outputs. One line per data set:
#   MODEL DATASET kernels=N ok|FAIL ...
# Usage: scripts/vulkan_models_check.sh [BUILD_DIR] [MODELS_DIR] [OUT_DIR]
# Exit status 1 when a model fails to compile or a data set mismatches.
set -u
cd "$(dirname "$0")/.."
build=${1:-build}; models=${2:-$build/models}; out=${3:-$build/vulkan-models}
mkdir -p "$out"
status=0
for f in "$models"/*.onnx; do
  m=$(basename "$f" .onnx)
  t=vulkan; case $m in gru_dyn|lstm_dyn) t=vulkan,cpu;; esac
  if ! "$build/bin/tangram-compile" "$f" --target $t -o "$out/$m.tgb" 2>"$out/$m.err"; then
    echo "$m: COMPILE FAIL $(head -c 200 "$out/$m.err")"; status=1; continue
  fi
  k=$("$build/bin/tangram-run" "$out/$m.tgb" --describe | python3 -c "import json,sys; m=json.load(sys.stdin); print(sum(len(x['program']['kernels']) for c in m['code_objects'] for x in c.get('exports',[]) if 'program' in x))")
  for d in "$models/$m"/test_data_set_*; do
    if "$build/bin/tangram-run" "$out/$m.tgb" --data-dir "$d" --expect "$d" --rtol 1e-3 --atol 1e-4 >"$out/$m.run" 2>&1; then
      r=ok
    else
      r="FAIL $(tail -c 300 "$out/$m.run")"; status=1
    fi
    echo "$m $(basename "$d") kernels=$k $r"
  done
done
exit $status
