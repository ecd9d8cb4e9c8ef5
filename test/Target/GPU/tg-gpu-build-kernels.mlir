// RUN: tangram-opt %s -split-input-file -tg-gpu-build-kernels -verify-diagnostics | FileCheck %s

// A parallel loop over a run-time dim: one distributed kernel (params, then
// one flat binding per buffer) and a program that sizes its grid from the
// input's dim.
// CHECK-LABEL: func.func @relu
// CHECK-SAME: tg.gpu_program = "{\22values\22:{{\[\[}}\22dim\22,0,0],
// CHECK-SAME: [\22ceildiv\22,0,4],[\22const\22,65535,0],[\22mins\22,5,6]]
// CHECK-SAME: \22kernels\22:[{\22name\22:\22relu_k0\22,\22workgroup\22:[64,1,1]
// CHECK-SAME: \22bindings\22:{{\[\[}}\22arg\22,0],[\22arg\22,1]]
// CHECK-NEXT: return
// CHECK: gpu.module @relu_k0
// CHECK: gpu.func @relu_k0(%[[P:.*]]: memref<?xi32>, %[[IN:.*]]: memref<?xf32>, %[[OUT:.*]]: memref<?xf32>) kernel attributes {known_block_size = array<i32: 64, 1, 1>}
// CHECK: memref.load %[[P]]
// CHECK: gpu.block_id x
// CHECK: gpu.thread_id x
// CHECK: gpu.grid_dim x
// CHECK: scf.for
// CHECK: memref.load %[[IN]]
// CHECK: arith.maximumf
// CHECK: memref.store %{{.*}}, %[[OUT]]
func.func @relu(%x: memref<?xf32>, %y: memref<?xf32>) attributes {tg.num_results = 1 : i64, tg.gpu_values = [array<i64: 1, 0, 0, 0>], tg.gpu_result_dims = [array<i64: 0>]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %n = memref.dim %x, %c0 : memref<?xf32>
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %v = memref.load %x[%i] : memref<?xf32>
    %r = arith.maximumf %v, %zero : f32
    memref.store %r, %y[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// Device work outside parallel loops (a load, arithmetic, a store) becomes
// one kernel of a single invocation; a view's static offset is added to the
// flat index.
// CHECK-LABEL: func.func @scalar
// CHECK-SAME: \22workgroup\22:[1,1,1]
// CHECK: gpu.func @scalar_k0(%{{.*}}: memref<?xi32>, %[[IN:.*]]: memref<?xf32>, %[[OUT:.*]]: memref<?xf32>) kernel attributes {known_block_size = array<i32: 1, 1, 1>}
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[AT:.*]] = arith.addi %[[C2]]
// CHECK: memref.load %[[IN]][%[[AT]]]
// CHECK: arith.mulf
// CHECK: memref.store %{{.*}}, %[[OUT]]
func.func @scalar(%x: memref<4xf32>, %y: memref<f32>) attributes {tg.num_results = 1 : i64} {
  %base, %off, %size, %stride = memref.extract_strided_metadata %x : memref<4xf32> -> memref<f32>, index, index, index
  %v = memref.reinterpret_cast %base to offset: [2], sizes: [1], strides: [1] : memref<f32> to memref<1xf32, strided<[1], offset: 2>>
  %c0 = arith.constant 0 : index
  %a = memref.load %v[%c0] : memref<1xf32, strided<[1], offset: 2>>
  %b = arith.mulf %a, %a : f32
  memref.store %b, %y[] : memref<f32>
  return
}

// -----

// A constant tensor is a program constant (little-endian bytes) that the
// kernel binds.
// CHECK-LABEL: func.func @table
// CHECK-SAME: \22constants\22:[\220000803f00000040\22]
// CHECK-SAME: [\22constant\22,0]
memref.global "private" constant @t : memref<2xf32> = dense<[1.0, 2.0]>
func.func @table(%x: memref<2xf32>, %y: memref<2xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %t = memref.get_global @t : memref<2xf32>
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    %a = memref.load %x[%i] : memref<2xf32>
    %b = memref.load %t[%i] : memref<2xf32>
    %s = arith.addf %a, %b : f32
    memref.store %s, %y[%i] : memref<2xf32>
    scf.reduce
  }
  return
}

// -----

// A size the host would need from data computed on the device.
func.func @data_size(%x: memref<f32>, %y: memref<?xf32>) attributes {tg.num_results = 1 : i64, tg.gpu_values = [array<i64: 1, 1, 0, 0>], tg.gpu_result_dims = [array<i64: 0>]} {
  %v = memref.load %x[] : memref<f32>
  %i = arith.fptosi %v : f32 to i64
  %n = arith.index_cast %i : i64 to index
  // expected-error @+1 {{'memref.alloc' needs on the host a value computed on the device; the op needs a host step}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

// Host checks: a check on sizes is made by the program.
// CHECK-LABEL: func.func @check
// CHECK-SAME: \22checks\22:{{\[\[}}{{[0-9]+}},\22too small\22]]
func.func @check(%x: memref<?xf32>, %y: memref<?xf32>) attributes {tg.num_results = 1 : i64, tg.gpu_values = [array<i64: 1, 0, 0, 0>], tg.gpu_result_dims = [array<i64: 0>]} {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  %ok = arith.cmpi sge, %n, %c3 : index
  cf.assert %ok, "too small"
  return
}

// -----

// A branch on a host value: each case's kernels run `when` its condition
// holds (CmpEQ of the switch value, or none of the cases for the
// default); a scratch buffer of a case is 0 bytes when it is not taken.
// CHECK-LABEL: func.func @branch
// CHECK-SAME: [\22load\22,1,1],[\22eq\22,3,2],[\22const\22,16,0],[\22select\22,4,5,1]
// CHECK-SAME: [\22ne\22,3,2],[\22and\22,2,9]]
// CHECK-SAME: \22scratch\22:[6]
// CHECK-SAME: \22name\22:\22branch_k0\22{{[^}]*}}\22when\22:4}
// CHECK-SAME: \22name\22:\22branch_k1\22{{[^}]*}}\22when\22:10}
func.func @branch(%x: memref<4xf32>, %k: memref<1xi64>, %y: memref<4xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %e = memref.load %k[%c0] : memref<1xi64>
  %i = arith.index_cast %e : i64 to index
  scf.index_switch %i
  case 1 {
    %t = memref.alloc() : memref<4xf32>
    scf.parallel (%j) = (%c0) to (%c4) step (%c1) {
      %v = memref.load %x[%j] : memref<4xf32>
      memref.store %v, %y[%j] : memref<4xf32>
      scf.reduce
    }
    scf.yield
  }
  default {
    scf.parallel (%j) = (%c0) to (%c4) step (%c1) {
      %v = memref.load %x[%j] : memref<4xf32>
      %w = arith.addf %v, %v : f32
      memref.store %w, %y[%j] : memref<4xf32>
      scf.reduce
    }
    scf.yield
  }
  return
}

// -----

// A row reduction (one operand varies with the reduction loop) gets the
// reduce strategy: one workgroup per output element, slots of workgroup
// memory (space 3) seeded with the identity, a tree with barriers, and the
// first invocation folding the result into the element.
// CHECK-LABEL: func.func @rowmax
// CHECK-SAME: \22grid\22:[{{[0-9]+}},
// CHECK: gpu.func @rowmax_k0
// CHECK: %[[SLOTS:.*]] = memref.alloc() : memref<64xf32, 3>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: memref.store %{{.*}}, %[[SLOTS]]
// CHECK: scf.for
// CHECK: arith.maximumf
// CHECK: memref.store %{{.*}}, %[[SLOTS]]
// CHECK: gpu.barrier
// CHECK: arith.cmpi ult
// CHECK: scf.if
// CHECK: gpu.barrier
// CHECK: arith.cmpi eq
// CHECK: scf.if
// CHECK: arith.maximumf
// CHECK: gpu.barrier
func.func @rowmax(%x: memref<8x100xf32>, %y: memref<8xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c100 = arith.constant 100 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.for %k = %c0 to %c100 step %c1 {
      %a = memref.load %y[%i] : memref<8xf32>
      %v = memref.load %x[%i, %k] : memref<8x100xf32>
      %m = arith.maximumf %a, %v : f32
      memref.store %m, %y[%i] : memref<8xf32>
    }
    scf.reduce
  }
  return
}

// -----

// A contraction (two operands vary with the loop) keeps the distribute
// strategy: no workgroup memory.
// CHECK-LABEL: func.func @dot
// CHECK: gpu.func @dot_k0
// CHECK-NOT: memref<64xf32, 3>
// CHECK-NOT: gpu.barrier
// CHECK: gpu.return
func.func @dot(%a: memref<4x8xf32>, %b: memref<8xf32>, %y: memref<4xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    scf.for %k = %c0 to %c8 step %c1 {
      %acc = memref.load %y[%i] : memref<4xf32>
      %u = memref.load %a[%i, %k] : memref<4x8xf32>
      %v = memref.load %b[%k] : memref<8xf32>
      %p = arith.mulf %u, %v : f32
      %s = arith.addf %acc, %p : f32
      memref.store %s, %y[%i] : memref<4xf32>
    }
    scf.reduce
  }
  return
}
