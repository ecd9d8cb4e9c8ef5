// RUN: tangram-opt %s -split-input-file -tg-vulkan-attach-target | FileCheck %s
// RUN: not tangram-opt %s -split-input-file -tg-vulkan-attach-target='capabilities=-Float64' 2>&1 | FileCheck %s --check-prefix=NOF64
// RUN: not tangram-opt %s -split-input-file -tg-vulkan-attach-target='capabilities=Shader' 2>&1 | FileCheck %s --check-prefix=PLAIN
// RUN: not tangram-opt %s -split-input-file -tg-vulkan-attach-target='capabilities=+Teleport' 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not tangram-opt %s -split-input-file -tg-vulkan-attach-target='capabilities=-StorageBuffer16BitAccess' 2>&1 | FileCheck %s --check-prefix=NO16

// The target env and each kernel's workgroup size.
// CHECK-LABEL: module attributes
// CHECK-SAME: spirv.target_env = #spirv.target_env<#spirv.vce<v1.3, [Shader, Int8, Int16, Int64, Float16, Float64,
// CHECK-SAME: api=Vulkan
// CHECK: gpu.func @k
// CHECK-SAME: spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [64, 1, 1]>
// NOF64-DAG: [Shader, Int8, Int16, Int64, Float16, StorageBuffer8BitAccess,
// PLAIN-DAG: #spirv.vce<v1.3, [Shader], [SPV_KHR_storage_buffer_storage_class]>
// UNKNOWN: error: unknown SPIR-V capability 'Teleport'
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%p: memref<?xi32>, %a: memref<?xf32>) kernel attributes {known_block_size = array<i32: 64, 1, 1>} {
      gpu.return
    }
  }
}

// -----

// f64 on a device without Float64: the op, its ONNX node and the missing
// capability; a device with Float64 takes it.
// CHECK-LABEL: module attributes
// CHECK: arith.addf %{{.*}} : f64
// NOF64-DAG: error: {{.*}}'memref.load' (ONNX node 'load_node') computes with 'f64', which the Vulkan device lacks (it needs the SPIR-V capability Float64)
// PLAIN-DAG: error: {{.*}}'memref.load' (ONNX node 'load_node') computes with 'f64', which the Vulkan device lacks (it needs the SPIR-V capability Float64)
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%p: memref<?xi32>, %a: memref<?xf64>) kernel attributes {known_block_size = array<i32: 1, 1, 1>} {
      %c0 = arith.constant 0 : index
      %x = memref.load %a[%c0] : memref<?xf64> loc("load_node")
      %y = arith.addf %x, %x : f64
      memref.store %y, %a[%c0] : memref<?xf64>
      gpu.return
    }
  }
}

// -----

// f16 needs two capabilities; the error names the one the device lacks.
// CHECK-LABEL: module attributes
// CHECK: arith.addf %{{.*}} : f16
// NO16: error: {{.*}}'arith.addf' computes with 'f16', which the Vulkan device lacks (it needs the SPIR-V capability StorageBuffer16BitAccess)
// PLAIN-DAG: error: {{.*}}'arith.addf' computes with 'f16', which the Vulkan device lacks (it needs the SPIR-V capabilities Float16 and StorageBuffer16BitAccess)
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%p: memref<?xi32>, %x: f16) kernel attributes {known_block_size = array<i32: 1, 1, 1>} {
      %y = arith.addf %x, %x : f16
      gpu.return
    }
  }
}
