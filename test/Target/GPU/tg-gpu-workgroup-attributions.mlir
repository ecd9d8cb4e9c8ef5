// RUN: tangram-opt %s -split-input-file --pass-pipeline='builtin.module(gpu.module(tg-gpu-workgroup-attributions))' -verify-diagnostics | FileCheck %s

// Workgroup memory of the kernel strategies (space 3) becomes workgroup
// attributions in #gpu.address_space<workgroup>; other allocations stay.
// CHECK-LABEL: gpu.func @tiles
// CHECK-SAME: workgroup(%[[A:.*]] : memref<512xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[B:.*]] : memref<64xi32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK-NOT: memref.alloc() : memref<512xf32, 3>
// CHECK: memref.store %{{.*}}, %[[A]]
// CHECK: memref.load %[[B]]
// CHECK: memref.alloca() : memref<4xf32>
gpu.module @m {
  gpu.func @tiles(%x: memref<?xf32>) kernel {
    %a = memref.alloc() : memref<512xf32, 3>
    %b = memref.alloc() : memref<64xi32, 3>
    %c0 = arith.constant 0 : index
    %v = memref.load %x[%c0] : memref<?xf32>
    memref.store %v, %a[%c0] : memref<512xf32, 3>
    %i = memref.load %b[%c0] : memref<64xi32, 3>
    %p = memref.alloca() : memref<4xf32>
    gpu.return
  }
}

// -----

// A dynamic size, or an allocation below the top of the kernel, has no
// attribution.
gpu.module @m {
  gpu.func @nested(%n: index) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %n step %c1 {
      // expected-error @below {{workgroup memory must be allocated with a static shape at the top of the kernel}}
      %a = memref.alloc() : memref<16xf32, 3>
    }
    gpu.return
  }
}
