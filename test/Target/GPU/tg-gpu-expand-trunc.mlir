// RUN: tangram-opt %s -split-input-file --pass-pipeline='builtin.module(gpu.module(tg-gpu-expand-trunc))' | FileCheck %s

// trunc(x) = copysign(floor(|x|), x), for each float width.
// CHECK-LABEL: gpu.func @trunc
// CHECK-NOT: math.trunc
// CHECK: %[[ABS:.*]] = math.absf %[[X:.*]] : f32
// CHECK: %[[FLOOR:.*]] = math.floor %[[ABS]] : f32
// CHECK: math.copysign %[[FLOOR]], %[[X]] : f32
// CHECK: math.absf %{{.*}} : f64
// CHECK: math.floor %{{.*}} : f64
// CHECK: math.copysign %{{.*}} : f64
gpu.module @m {
  gpu.func @trunc(%x: f32, %y: f64, %out: memref<2xf32>, %out64: memref<1xf64>) kernel {
    %c0 = arith.constant 0 : index
    %t = math.trunc %x : f32
    memref.store %t, %out[%c0] : memref<2xf32>
    %u = math.trunc %y : f64
    memref.store %u, %out64[%c0] : memref<1xf64>
    gpu.return
  }
}
