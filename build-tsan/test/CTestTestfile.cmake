# CMake generated Testfile for 
# Source directory: /work/main/test
# Build directory: /work/main/build-tsan/test
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test([=[cpu-conformance]=] "/root/.pyenv/shims/python3" "/work/main/scripts/cpu_conformance.py" "--build" "/work/main/build-tsan" "--out" "/work/main/build-tsan/conformance/cpu.md" "--json" "/work/main/build-tsan/conformance/cpu.json" "--baseline" "/work/main/test/conformance/cpu_baseline.json")
set_tests_properties([=[cpu-conformance]=] PROPERTIES  WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/test/CMakeLists.txt;31;add_test;/work/main/test/CMakeLists.txt;0;")
add_test([=[vulkan-conformance]=] "/root/.pyenv/shims/python3" "/work/main/scripts/cpu_conformance.py" "--build" "/work/main/build-tsan" "--target" "vulkan" "--out" "/work/main/build-tsan/conformance/vulkan.md" "--json" "/work/main/build-tsan/conformance/vulkan.json" "--baseline" "/work/main/test/conformance/vulkan_baseline.json")
set_tests_properties([=[vulkan-conformance]=] PROPERTIES  WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/test/CMakeLists.txt;40;add_test;/work/main/test/CMakeLists.txt;0;")
add_test([=[gpu-compile-cuda_sm_80]=] "/root/.pyenv/shims/python3" "/work/main/scripts/gpu_compile_conformance.py" "--build" "/work/main/build-tsan" "--target" "cuda:sm_80" "--models" "none" "--out" "/work/main/build-tsan/conformance/cuda_sm_80.md" "--json" "/work/main/build-tsan/conformance/cuda_sm_80.json" "--baseline" "/work/main/test/conformance/cuda_sm_80_baseline.json")
set_tests_properties([=[gpu-compile-cuda_sm_80]=] PROPERTIES  WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/test/CMakeLists.txt;55;add_test;/work/main/test/CMakeLists.txt;0;")
add_test([=[gpu-compile-cuda_sm_90]=] "/root/.pyenv/shims/python3" "/work/main/scripts/gpu_compile_conformance.py" "--build" "/work/main/build-tsan" "--target" "cuda:sm_90" "--models" "none" "--out" "/work/main/build-tsan/conformance/cuda_sm_90.md" "--json" "/work/main/build-tsan/conformance/cuda_sm_90.json" "--baseline" "/work/main/test/conformance/cuda_sm_90_baseline.json")
set_tests_properties([=[gpu-compile-cuda_sm_90]=] PROPERTIES  WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/test/CMakeLists.txt;55;add_test;/work/main/test/CMakeLists.txt;0;")
add_test([=[gpu-compile-rocm_gfx90a]=] "/root/.pyenv/shims/python3" "/work/main/scripts/gpu_compile_conformance.py" "--build" "/work/main/build-tsan" "--target" "rocm:gfx90a" "--models" "none" "--out" "/work/main/build-tsan/conformance/rocm_gfx90a.md" "--json" "/work/main/build-tsan/conformance/rocm_gfx90a.json" "--baseline" "/work/main/test/conformance/rocm_gfx90a_baseline.json")
set_tests_properties([=[gpu-compile-rocm_gfx90a]=] PROPERTIES  WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/test/CMakeLists.txt;55;add_test;/work/main/test/CMakeLists.txt;0;")
add_test([=[gpu-compile-rocm_gfx942]=] "/root/.pyenv/shims/python3" "/work/main/scripts/gpu_compile_conformance.py" "--build" "/work/main/build-tsan" "--target" "rocm:gfx942" "--models" "none" "--out" "/work/main/build-tsan/conformance/rocm_gfx942.md" "--json" "/work/main/build-tsan/conformance/rocm_gfx942.json" "--baseline" "/work/main/test/conformance/rocm_gfx942_baseline.json")
set_tests_properties([=[gpu-compile-rocm_gfx942]=] PROPERTIES  WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/test/CMakeLists.txt;55;add_test;/work/main/test/CMakeLists.txt;0;")
subdirs("unit")
subdirs("load")
