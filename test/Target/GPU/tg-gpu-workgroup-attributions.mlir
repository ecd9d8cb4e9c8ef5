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

// -----

// A kernel given its workgroup memory at launch: each allocation is a view
// of gpu.dynamic_shared_memory, at 16-byte aligned offsets (100 bytes of
// the first take 112), and the mark is consumed.
// CHECK-LABEL: gpu.func @dynamic
// CHECK-NOT: workgroup(
// CHECK-NOT: tg.dynamic_shared_memory
// CHECK-DAG: %[[D:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[D]][%[[C0]]][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<50xf16, #gpu.address_space<workgroup>>
// CHECK: %[[C112:.*]] = arith.constant 112 : index
// CHECK: memref.view %[[D]][%[[C112]]][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<8xf32, #gpu.address_space<workgroup>>
gpu.module @m {
  gpu.func @dynamic(%x: f32) kernel attributes {tg.dynamic_shared_memory = 144 : i64} {
    %a = memref.alloc() : memref<50xf16, 3>
    %b = memref.alloc() : memref<8xf32, 3>
    %c0 = arith.constant 0 : index
    memref.store %x, %b[%c0] : memref<8xf32, 3>
    %h = memref.load %a[%c0] : memref<50xf16, 3>
    gpu.return
  }
}

// -----

// More workgroup memory than the launch gives is an error.
gpu.module @m {
  // expected-error @below {{workgroup memory of 160 bytes does not fit the 144 given at launch}}
  gpu.func @too_much(%x: f32) kernel attributes {tg.dynamic_shared_memory = 144 : i64} {
    %a = memref.alloc() : memref<40xf32, 3>
    gpu.return
  }
}
