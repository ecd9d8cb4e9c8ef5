// RUN: tangram-opt %s -split-input-file --pass-pipeline='builtin.module(gpu.module(tg-gpu-subgroup-reduce-to-shuffles))' -verify-diagnostics | FileCheck %s
// RUN: tangram-opt %s -split-input-file --pass-pipeline='builtin.module(gpu.module(tg-gpu-subgroup-reduce-to-shuffles{subgroup-size=64}))' -verify-diagnostics | FileCheck %s --check-prefix=WAVE64
// RUN: not tangram-opt %s -split-input-file --pass-pipeline='builtin.module(gpu.module(tg-gpu-subgroup-reduce-to-shuffles{subgroup-size=48}))' 2>&1 | FileCheck %s --check-prefix=BADSIZE
// BADSIZE: error: subgroup-size must be a power of two

// A sum over 32 lanes: five xor shuffles (offsets 1 to 16), each followed
// by the combiner; over 64 lanes, six. A NaN-propagating maximum keeps its
// combiner.
// CHECK-LABEL: gpu.func @sum
// CHECK-NOT: gpu.subgroup_reduce
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: memref.store
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: arith.maximumf
// WAVE64-LABEL: gpu.func @sum
// WAVE64-COUNT-6: gpu.shuffle xor
gpu.module @m {
  gpu.func @sum(%x: f32, %out: memref<2xf32>) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %s = gpu.subgroup_reduce add %x : (f32) -> f32
    memref.store %s, %out[%c0] : memref<2xf32>
    %m = gpu.subgroup_reduce maximumf %x : (f32) -> f32
    memref.store %m, %out[%c1] : memref<2xf32>
    gpu.return
  }
}

// -----

// A 16-bit value is widened to a 32-bit shuffle.
// CHECK-LABEL: gpu.func @half
// CHECK-NOT: gpu.subgroup_reduce
// CHECK: gpu.shuffle xor {{.*}} : i32
gpu.module @m {
  gpu.func @half(%x: f16, %out: memref<1xf16>) kernel {
    %c0 = arith.constant 0 : index
    %s = gpu.subgroup_reduce add %x : (f16) -> f16
    memref.store %s, %out[%c0] : memref<1xf16>
    gpu.return
  }
}

// -----

// 64-bit values have no 32-bit shuffle lowering here.
gpu.module @m {
  gpu.func @wide(%x: f64, %out: memref<1xf64>) kernel {
    %c0 = arith.constant 0 : index
    // expected-error @below {{a subgroup reduction of 'f64' has no shuffle lowering}}
    %s = gpu.subgroup_reduce add %x : (f64) -> f64
    memref.store %s, %out[%c0] : memref<1xf64>
    gpu.return
  }
}

// -----

// Subgroup ids from the invocation id of a 1-D workgroup.
// CHECK-LABEL: gpu.func @ids
// CHECK-NOT: gpu.subgroup_id
// CHECK-NOT: gpu.num_subgroups
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG: %[[TID:.*]] = gpu.thread_id x
// CHECK-DAG: arith.divui %[[TID]], %[[C32]]
// CHECK-DAG: %[[BDIM:.*]] = gpu.block_dim x
// CHECK-DAG: arith.ceildivui %[[BDIM]], %[[C32]]
// WAVE64-LABEL: gpu.func @ids
// WAVE64: arith.constant 64 : index
gpu.module @m {
  gpu.func @ids(%out: memref<2xindex>) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %s = gpu.subgroup_id : index
    %n = gpu.num_subgroups : index
    memref.store %s, %out[%c0] : memref<2xindex>
    memref.store %n, %out[%c1] : memref<2xindex>
    gpu.return
  }
}
