// RUN: tangram-opt %s -split-input-file -tg-gpu-build-kernels -verify-diagnostics | FileCheck %s
// RUN: tangram-opt %s -split-input-file -tg-gpu-build-kernels='subgroup-reduce=addf,maxs' -verify-diagnostics | FileCheck %s --check-prefix=SUBGROUP
// RUN: tangram-opt %s -split-input-file -tg-gpu-build-kernels='contract=false' -verify-diagnostics | FileCheck %s --check-prefix=NOTILES
// RUN: tangram-opt %s -split-input-file -tg-gpu-build-kernels='shared-memory=1024' -verify-diagnostics | FileCheck %s --check-prefix=NOTILES
// RUN: not tangram-opt %s -split-input-file -tg-gpu-build-kernels='subgroup-reduce=addf,teleport' 2>&1 | FileCheck %s --check-prefix=BADKIND
// BADKIND: error: unknown reduction kind 'teleport' in subgroup-reduce
// RUN: not tangram-opt %s -split-input-file -tg-gpu-build-kernels='multiprocessors=0' 2>&1 | FileCheck %s --check-prefix=BADMP
// BADMP: error: workgroup-size, max-workgroups and multiprocessors must be positive
// RUN: tangram-opt %s -split-input-file -tg-gpu-build-kernels='matrix-ops=mma_sync_m16n8k16_f16,mma_sync_m16n8k8_tf32' -verify-diagnostics | FileCheck %s --check-prefix=MMA
// RUN: tangram-opt %s -split-input-file -tg-gpu-build-kernels='matrix-ops=mma_sync_m16n8k16_f16,mma_sync_m16n8k8_tf32 shared-memory=49152' -verify-diagnostics | FileCheck %s --check-prefix=MMA2
// RUN: tangram-opt %s -split-input-file -tg-gpu-build-kernels='matrix-ops=mma_sync_m16n8k16_f16,mma_sync_m16n8k8_tf32 precision=tf32 shared-memory=49152' -verify-diagnostics | FileCheck %s --check-prefix=TF32
// RUN: tangram-opt %s -split-input-file -tg-gpu-build-kernels='matrix-ops=mfma_f32_16x16x16_f16' -verify-diagnostics | FileCheck %s --check-prefix=MFMA
// RUN: tangram-opt %s -split-input-file -tg-gpu-build-kernels='matrix-ops=mma_sync_m16n8k16_f16 shared-memory=49152 max-shared-memory=196608' -verify-diagnostics | FileCheck %s --check-prefix=DEEP
// RUN: not tangram-opt %s -split-input-file -tg-gpu-build-kernels='matrix-ops=teleport' 2>&1 | FileCheck %s --check-prefix=BADMATRIX
// BADMATRIX: error: unknown matrix op 'teleport' in matrix-ops
// RUN: not tangram-opt %s -split-input-file -tg-gpu-build-kernels='precision=f8' 2>&1 | FileCheck %s --check-prefix=BADPRECISION
// BADPRECISION: error: unknown precision 'f8' (expected tf32, f16 or bf16)

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
// With subgroup reduction of addf and maxs only, maximumf still folds
// through the tree.
// CHECK-LABEL: func.func @rowmax
// SUBGROUP-LABEL: func.func @rowmax
// SUBGROUP-NOT: gpu.subgroup_reduce
// SUBGROUP: arith.cmpi ult
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

// A matrix-vector product: the vector varies with no parallel dim, so
// there are no cols to tile; each element's row of products is folded by
// the reduce strategy (a GEMV's workgroup per row), its two operands that
// vary with the loop loaded by each invocation.
// CHECK-LABEL: func.func @dot
// CHECK: gpu.func @dot_k0
// CHECK: memref.alloc() : memref<64xf32, 3>
// CHECK: scf.for
// CHECK: memref.load
// CHECK: memref.load
// CHECK: arith.mulf
// CHECK: gpu.barrier
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

// -----

// A row sum on a target that folds addf across a subgroup: each subgroup
// reduces its partials, its first lane writes the subgroup's slot, and the
// first invocation folds the slots (as many as there are subgroups).
// CHECK-LABEL: func.func @rowsum
// CHECK-NOT: gpu.subgroup_reduce
// SUBGROUP-LABEL: func.func @rowsum
// SUBGROUP: gpu.func @rowsum_k0
// SUBGROUP: %[[SLOTS:.*]] = memref.alloc() : memref<64xf32, 3>
// SUBGROUP: %[[SUM:.*]] = gpu.subgroup_reduce add %{{.*}} : (f32) -> f32
// SUBGROUP: gpu.barrier
// SUBGROUP: %[[LANE:.*]] = gpu.lane_id
// SUBGROUP: %[[SG:.*]] = gpu.subgroup_id : index
// SUBGROUP: arith.cmpi eq, %[[LANE]]
// SUBGROUP: memref.store %[[SUM]], %[[SLOTS]][%[[SG]]]
// SUBGROUP: gpu.barrier
// SUBGROUP: gpu.num_subgroups : index
// SUBGROUP: scf.for
// SUBGROUP: arith.addf
// SUBGROUP-NOT: arith.cmpi ult
// SUBGROUP: gpu.return
func.func @rowsum(%x: memref<8x100xf32>, %y: memref<8xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c100 = arith.constant 100 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.for %k = %c0 to %c100 step %c1 {
      %a = memref.load %y[%i] : memref<8xf32>
      %v = memref.load %x[%i, %k] : memref<8x100xf32>
      %m = arith.addf %a, %v : f32
      memref.store %m, %y[%i] : memref<8xf32>
    }
    scf.reduce
  }
  return
}

// -----

// A reduction over a nest of loops (a global average pool's H x W, 12 x 12
// points) is one row: the workgroup folds k = tid, tid + 64, ... over the
// nest's 144 points, delinearized into h and w.
// CHECK-LABEL: func.func @pool_nest
// CHECK: gpu.func @pool_nest_k0
// CHECK: %[[C12:.*]] = arith.constant 12 : index
// CHECK: %[[C144:.*]] = arith.constant 144 : index
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: memref.alloc() : memref<64xf32, 3>
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: scf.for %[[K:.*]] = %[[TID]] to %[[C144]] step %[[C64]] {
// CHECK-NEXT: arith.remsi %[[K]], %[[C12]] : index
// CHECK-NEXT: arith.divsi %[[K]], %[[C12]] : index
// CHECK: gpu.barrier
// CHECK-NOT: scf.for {{.*}} to %[[C12]]
// CHECK: gpu.return
func.func @pool_nest(%x: memref<8x12x12xf32>, %y: memref<8xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c12 = arith.constant 12 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.for %h = %c0 to %c12 step %c1 {
      scf.for %w = %c0 to %c12 step %c1 {
        %a = memref.load %y[%i] : memref<8xf32>
        %v = memref.load %x[%i, %h, %w] : memref<8x12x12xf32>
        %m = arith.addf %a, %v : f32
        memref.store %m, %y[%i] : memref<8xf32>
      }
    }
    scf.reduce
  }
  return
}

// -----

// A nest over run-time sizes is a row too; its points are counted by the
// host (a param of the kernel).
// CHECK-LABEL: func.func @pool_nest_dynamic
// CHECK: gpu.func @pool_nest_dynamic_k0
// CHECK: memref.alloc() : memref<64xf32, 3>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: arith.remsi
// CHECK: arith.divsi
// CHECK: gpu.barrier
// CHECK: gpu.return
func.func @pool_nest_dynamic(%x: memref<8x?x?xf32>, %y: memref<8xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %hs = memref.dim %x, %c1 : memref<8x?x?xf32>
  %ws = memref.dim %x, %c2 : memref<8x?x?xf32>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.for %h = %c0 to %hs step %c1 {
      scf.for %w = %c0 to %ws step %c1 {
        %a = memref.load %y[%i] : memref<8xf32>
        %v = memref.load %x[%i, %h, %w] : memref<8x?x?xf32>
        %m = arith.addf %a, %v : f32
        memref.store %m, %y[%i] : memref<8xf32>
      }
    }
    scf.reduce
  }
  return
}

// -----

// A short nest (a 3 x 3 window, fewer than 64 points) is distributed: one
// invocation per element runs the whole window, with no workgroup memory.
// CHECK-LABEL: func.func @window_nest
// CHECK: gpu.func @window_nest_k0
// CHECK-NOT: memref.alloc
// CHECK-NOT: gpu.barrier
// CHECK: scf.for
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK-NOT: gpu.barrier
// CHECK: gpu.return
func.func @window_nest(%x: memref<8x10x10xf32>, %y: memref<8x8x8xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %oh, %ow) = (%c0, %c0, %c0) to (%c8, %c8, %c8) step (%c1, %c1, %c1) {
    scf.for %h = %c0 to %c3 step %c1 {
      scf.for %w = %c0 to %c3 step %c1 {
        %ih = arith.addi %oh, %h : index
        %iw = arith.addi %ow, %w : index
        %a = memref.load %y[%i, %oh, %ow] : memref<8x8x8xf32>
        %v = memref.load %x[%i, %ih, %iw] : memref<8x10x10xf32>
        %m = arith.maximumf %a, %v : f32
        memref.store %m, %y[%i, %oh, %ow] : memref<8x8x8xf32>
      }
    }
    scf.reduce
  }
  return
}

// -----

// A matmul gets the contract strategy: 32x32 output tiles (8x8
// invocations, 4x4 each) in a grid-stride loop over ceil(40/32) *
// ceil(30/32) tiles;
// per step of 16 along k, the tile's a and b values are staged in
// workgroup memory (32x16 each) where they are in range, and 16
// accumulators are carried in registers; nothing is folded when k is
// empty, and each accumulator is folded into its element where it is in
// range. Without the strategy, or with too little workgroup memory for
// the tiles, the loop is distributed.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: [\22const\22,32,0]
// CHECK: gpu.func @matmul_k0
// CHECK-DAG: %[[A:.*]] = memref.alloc() : memref<512xf32, 3>
// CHECK-DAG: %[[B:.*]] = memref.alloc() : memref<512xf32, 3>
// CHECK: scf.for
// CHECK: arith.cmpi sgt
// CHECK: scf.if
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK: scf.if
// CHECK: memref.store %{{.*}}, %[[A]]
// CHECK: scf.if
// CHECK: memref.store %{{.*}}, %[[B]]
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK-COUNT-4: memref.load %[[A]]
// CHECK-COUNT-4: memref.load %[[B]]
// CHECK-COUNT-16: arith.mulf
// CHECK: scf.yield
// CHECK: gpu.barrier
// CHECK-COUNT-16: arith.addf
// CHECK: gpu.return
// f32 stays exact f32 unless the compile lets it round to tf32 (then
// the m16n8k8 tensor-core op, with one by one fragment loads; its 64x36
// f32 tiles need more than the default 16 KiB of workgroup memory).
// MMA-LABEL: func.func @matmul
// MMA-NOT: nvgpu
// MMA: gpu.return
// TF32-LABEL: func.func @matmul
// TF32: known_block_size = array<i32: 128, 1, 1>
// TF32-COUNT-16: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 8], tf32Enabled} : (vector<4x1xf32>, vector<2x1xf32>, vector<2x2xf32>) -> vector<2x2xf32>
// TF32: gpu.return
// NOTILES-LABEL: func.func @matmul
// NOTILES-NOT: memref<512xf32, 3>
// NOTILES-NOT: gpu.barrier
// NOTILES: gpu.return
func.func @matmul(%a: memref<40x20xf32>, %b: memref<20x30xf32>, %c: memref<40x30xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c20 = arith.constant 20 : index
  %c30 = arith.constant 30 : index
  %c40 = arith.constant 40 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c40, %c30) step (%c1, %c1) {
    scf.for %k = %c0 to %c20 step %c1 {
      %u = memref.load %a[%i, %k] : memref<40x20xf32>
      %v = memref.load %b[%k, %j] : memref<20x30xf32>
      %acc = memref.load %c[%i, %j] : memref<40x30xf32>
      %p = arith.mulf %u, %v : f32
      %s = arith.addf %acc, %p : f32
      memref.store %s, %c[%i, %j] : memref<40x30xf32>
    }
    scf.reduce
  }
  return
}

// -----

// A matmul whose fill tg-gpu-fold-fills folded into it (its body stores
// 0.5 first): the sums start from 0.5 instead of a load of the output, and
// when the reduction (a run-time K) is empty the tile's elements are set
// to 0.5 (0.5 + 0), split over the invocations: 64 with scalar tiles of
// 32 x 32, 128 with mma.sync's of 64 x 64.
// CHECK-LABEL: func.func @matmul_init
// CHECK: gpu.func @matmul_init_k0(%{{.*}}: memref<?xi32>, %[[OUT:.*]]: memref<?xf16>, %{{.*}}: memref<?xf16>, %{{.*}}: memref<?xf16>)
// CHECK: %[[HALF:.*]] = arith.constant 5.000000e-01 : f16
// CHECK-NOT: memref.load %[[OUT]]
// CHECK: scf.for {{.*}} iter_args
// CHECK-COUNT-16: arith.addf %[[HALF]], %{{.*}} : f16
// CHECK: } else {
// CHECK-NEXT: arith.constant 1024 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: scf.if
// CHECK: %[[V:.*]] = arith.addf %[[HALF]], %{{.*}} : f16
// CHECK: memref.store %[[V]], %[[OUT]]
// CHECK: gpu.return
// MMA-LABEL: func.func @matmul_init
// MMA: gpu.func @matmul_init_k0(%{{.*}}: memref<?xi32>, %[[OUT:.*]]: memref<?xf16>, %{{.*}}: memref<?xf16>, %{{.*}}: memref<?xf16>)
// MMA: %[[HALF:.*]] = arith.constant 5.000000e-01 : f16
// MMA-NOT: memref.load %[[OUT]]
// MMA: nvgpu.mma.sync
// MMA: arith.extf %[[HALF]] : f16 to f32
// MMA: } else {
// MMA-NEXT: arith.constant 4096 : index
// MMA: scf.for %{{.*}} = %{{.*}} to %c4096 step %c128 {
// MMA: memref.store %{{.*}}, %[[OUT]]
// MMA: gpu.return
func.func @matmul_init(%a: memref<40x?xf16>, %b: memref<?x30xf16>, %c: memref<40x30xf16>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c30 = arith.constant 30 : index
  %c40 = arith.constant 40 : index
  %half = arith.constant 0.5 : f16
  %k = memref.dim %a, %c1 : memref<40x?xf16>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c40, %c30) step (%c1, %c1) {
    memref.store %half, %c[%i, %j] : memref<40x30xf16>
    scf.for %kk = %c0 to %k step %c1 {
      %u = memref.load %a[%i, %kk] : memref<40x?xf16>
      %v = memref.load %b[%kk, %j] : memref<?x30xf16>
      %acc = memref.load %c[%i, %j] : memref<40x30xf16>
      %p = arith.mulf %u, %v : f16
      %s = arith.addf %acc, %p : f16
      memref.store %s, %c[%i, %j] : memref<40x30xf16>
    }
    scf.reduce
  }
  return
}

// -----

// A matmul into scratch with an epilogue (tg-gpu-fuse-epilogues): bias,
// relu, in place, then a copy to the result. Each invocation runs it on
// its 16 sums in registers and stores only the result; the scratch
// buffer is neither read nor written (its sums need not reach memory).
// CHECK-LABEL: func.func @matmul_epilogue
// CHECK: gpu.func @matmul_epilogue_k0(%{{.*}}: memref<?xi32>, %[[ACC:.*]]: memref<?xf32>, %{{.*}}: memref<?xf32>, %{{.*}}: memref<?xf32>, %[[BIAS:.*]]: memref<?xf32>, %[[OUT:.*]]: memref<?xf32>)
// CHECK-NOT: %[[ACC]][
// CHECK-COUNT-16: memref.store %{{.*}}, %[[OUT]][
// CHECK-NOT: %[[ACC]][
// CHECK: gpu.return
func.func @matmul_epilogue(%a: memref<40x20xf32>, %b: memref<20x30xf32>, %bias: memref<30xf32>, %out: memref<40x30xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c20 = arith.constant 20 : index
  %c30 = arith.constant 30 : index
  %c40 = arith.constant 40 : index
  %z = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<40x30xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c40, %c30) step (%c1, %c1) {
    memref.store %z, %acc[%i, %j] : memref<40x30xf32>
    scf.for %k = %c0 to %c20 step %c1 {
      %u = memref.load %a[%i, %k] : memref<40x20xf32>
      %v = memref.load %b[%k, %j] : memref<20x30xf32>
      %s0 = memref.load %acc[%i, %j] : memref<40x30xf32>
      %p = arith.mulf %u, %v : f32
      %s = arith.addf %s0, %p : f32
      memref.store %s, %acc[%i, %j] : memref<40x30xf32>
    }
    %r = memref.load %acc[%i, %j] : memref<40x30xf32>
    %bv = memref.load %bias[%j] : memref<30xf32>
    %t = arith.addf %r, %bv : f32
    %m = arith.maximumf %t, %z : f32
    memref.store %m, %acc[%i, %j] : memref<40x30xf32>
    %m2 = memref.load %acc[%i, %j] : memref<40x30xf32>
    memref.store %m2, %out[%i, %j] : memref<40x30xf32>
    scf.reduce
  }
  return
}

// -----

// An f16 matmul on a target's matrix instructions: 2x2 subgroups of 32
// (mma.sync) or 64 (MFMA) lanes, a 64x64 tile of ceil(40/64) *
// ceil(31/64) = 1; per step of 32 along k, A and B are staged as [row][k]
// and [col][k] rows of 32 + 8 (16 bytes of padding), zeros outside the
// problem. A's rows are contiguous along k and 20 elements apart, so
// mma.sync's target copies them with cp.async, 4 elements (8 bytes) per
// copy, 4 per invocation per step (64 * 32 / 4 / 128), in one group; B's
// rows, 31 elements apart, are not aligned for any copy: it goes through
// registers, 16 elements per invocation. Step
// 0 is staged before the k loop. In 16 KiB of workgroup memory each side
// has one stage: the loop waits for the copies, fetches the next step's B
// into registers, multiplies (per step of the instruction's k, two of 16,
// each subgroup loads 2 A fragments (x4) and 4 B fragments (x2) and makes
// 2x4 products), and once every subgroup is done stores B and starts A's
// copies. With 48 KiB (MMA2) each side has two stages: the next step's
// copies start first, the loop waits for all but that group, and B is
// stored into the other stage with no barrier before it. The last group
// is waited for after the loop; the f32 accumulators are folded into the
// f16 elements in f32 and rounded once. Without matrix ops it is the
// scalar strategy.
// MMA-LABEL: func.func @matmul_f16
// MMA-SAME: [\22const\22,64,0]
// MMA: gpu.func @matmul_f16_k0
// MMA-SAME: known_block_size = array<i32: 128, 1, 1>
// MMA-DAG: %[[A:.*]] = memref.alloc() : memref<2560xf16, 3>
// MMA-DAG: %[[B:.*]] = memref.alloc() : memref<2560xf16, 3>
// MMA-COUNT-4: nvgpu.device_async_copy %{{.*}}[%{{.*}}], %[[A]][%{{.*}}], 4, %{{.*}} : memref<?xf16> to memref<2560xf16, 3>
// MMA: %[[G:.*]] = nvgpu.device_async_create_group
// MMA: %[[X:.*]] = scf.if {{.*}} -> (f16)
// MMA: } else {
// MMA: arith.constant 0.000000e+00 : f16
// MMA-COUNT-15: scf.if {{.*}} -> (f16)
// MMA-COUNT-16: memref.store %{{.*}}, %[[B]]
// MMA-NOT: gpu.barrier
// MMA: scf.for {{.*}} -> (vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>) {
// MMA: nvgpu.device_async_wait %[[G]] {numGroups = 0 : i32}
// MMA-NEXT: gpu.barrier
// MMA-COUNT-16: scf.if {{.*}} -> (f16)
// MMA-COUNT-2: nvgpu.ldmatrix %[[A]][%{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<2560xf16, 3> -> vector<4x2xf16>
// MMA-COUNT-4: nvgpu.ldmatrix %[[B]][%{{.*}}] {numTiles = 2 : i32, transpose = false} : memref<2560xf16, 3> -> vector<2x2xf16>
// MMA-COUNT-8: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// MMA-COUNT-2: nvgpu.ldmatrix %[[A]]
// MMA-COUNT-4: nvgpu.ldmatrix %[[B]]
// MMA-COUNT-8: nvgpu.mma.sync
// MMA-NEXT: gpu.barrier
// MMA-COUNT-16: memref.store %{{.*}}, %[[B]]
// MMA-COUNT-4: nvgpu.device_async_copy %{{.*}}, %[[A]]
// MMA-NEXT: nvgpu.device_async_create_group
// MMA-NEXT: gpu.barrier
// MMA-NEXT: scf.yield
// MMA: nvgpu.device_async_wait %[[G]] {numGroups = 0 : i32}
// MMA: vector.extract
// MMA: arith.extf %{{.*}} : f16 to f32
// MMA: arith.addf %{{.*}} : f32
// MMA: arith.truncf %{{.*}} : f32 to f16
// MMA: gpu.return
// MMA2-LABEL: func.func @matmul_f16
// MMA2-DAG: %[[A:.*]] = memref.alloc() : memref<5120xf16, 3>
// MMA2-DAG: %[[B:.*]] = memref.alloc() : memref<5120xf16, 3>
// MMA2-COUNT-4: nvgpu.device_async_copy %{{.*}}, %[[A]]
// MMA2: %[[G:.*]] = nvgpu.device_async_create_group
// MMA2-COUNT-16: memref.store %{{.*}}, %[[B]]
// MMA2-NOT: gpu.barrier
// MMA2: scf.for
// MMA2-COUNT-4: nvgpu.device_async_copy %{{.*}}, %[[A]]
// MMA2-NEXT: %[[N:.*]] = nvgpu.device_async_create_group
// MMA2-NEXT: nvgpu.device_async_wait %[[N]] {numGroups = 1 : i32}
// MMA2-NEXT: gpu.barrier
// MMA2-COUNT-16: nvgpu.mma.sync
// MMA2-NOT: gpu.barrier
// MMA2-COUNT-16: memref.store %{{.*}}, %[[B]]
// MMA2-NEXT: gpu.barrier
// MMA2-NEXT: scf.yield
// MMA2: nvgpu.device_async_wait %[[G]] {numGroups = 0 : i32}
// MMA2: gpu.return
// MFMA-LABEL: func.func @matmul_f16
// MFMA: known_block_size = array<i32: 256, 1, 1>
// MFMA-COUNT-2: vector.load %{{.*}} : memref<2560xf16, 3>, vector<4xf16>
// MFMA-COUNT-2: vector.load %{{.*}} : memref<2560xf16, 3>, vector<4xf16>
// MFMA-COUNT-4: amdgpu.mfma 16x16x16
// MFMA: gpu.return
// CHECK-LABEL: func.func @matmul_f16
// CHECK-NOT: nvgpu
// CHECK: memref.alloc() : memref<512xf16, 3>
func.func @matmul_f16(%a: memref<40x20xf16>, %b: memref<20x31xf16>, %c: memref<40x31xf16>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c20 = arith.constant 20 : index
  %c31 = arith.constant 31 : index
  %c40 = arith.constant 40 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c40, %c31) step (%c1, %c1) {
    scf.for %k = %c0 to %c20 step %c1 {
      %u = memref.load %a[%i, %k] : memref<40x20xf16>
      %v = memref.load %b[%k, %j] : memref<20x31xf16>
      %acc = memref.load %c[%i, %j] : memref<40x31xf16>
      %p = arith.mulf %u, %v : f16
      %s = arith.addf %acc, %p : f16
      memref.store %s, %c[%i, %j] : memref<40x31xf16>
    }
    scf.reduce
  }
  return
}

// -----

// Both sides copied (A along k, B along n), K = 256 (8 steps of 32), and
// 6 x 6 = 36 tiles of 128 x 128, at least twice `multiprocessors` (16):
// with 16 KiB of static workgroup memory (MMA) the 64 x 64 tile has one
// stage; with 48 KiB (MMA2) the 128 x 128 tile has two stages of 20 KiB;
// with 192 KiB a launch may ask for (DEEP), half of it, 96 KiB, holds
// four. Steps 0, 1 and 2 are copied before the loop, a group each; step
// t copies step t + 3 into stage (t + 3) % 4 (the one step t - 1 read),
// waits for all but the newest three groups, and multiplies stage t % 4.
// The 80 KiB are more than the static limit: the kernel is marked for
// workgroup memory given at launch, and so is its dispatch.
// MMA-LABEL: func.func @matmul_f16_stages
// MMA-NOT: shared_bytes
// MMA: memref.alloc() : memref<2560xf16, 3>
// MMA-NOT: tg.dynamic_shared_memory
// MMA: nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
// MMA2-LABEL: func.func @matmul_f16_stages
// MMA2-NOT: shared_bytes
// MMA2: known_block_size = array<i32: 128, 1, 1>
// MMA2: memref.alloc() : memref<10240xf16, 3>
// MMA2: nvgpu.device_async_wait %{{.*}} {numGroups = 1 : i32}
// DEEP-LABEL: func.func @matmul_f16_stages
// DEEP-SAME: \22shared_bytes\22:81920
// DEEP: gpu.func @matmul_f16_stages_k0
// DEEP-SAME: tg.dynamic_shared_memory = 81920 : i64
// DEEP-DAG: %[[A:.*]] = memref.alloc() : memref<20480xf16, 3>
// DEEP-DAG: %[[B:.*]] = memref.alloc() : memref<20480xf16, 3>
// DEEP-COUNT-3: nvgpu.device_async_create_group
// DEEP-NOT: nvgpu.device_async_wait
// DEEP: scf.for %[[K:.*]] = %{{.*}} to %c256 step %c32
// DEEP: %[[T:.*]] = arith.divui %[[K]], %{{.*}} : index
// DEEP: %[[CUR:.*]] = arith.remui %[[T]], %[[FOUR:.*]] : index
// DEEP: %[[AHEAD:.*]] = arith.addi %[[T]], %c3 : index
// DEEP: arith.remui %[[AHEAD]], %{{.*}} : index
// DEEP: nvgpu.device_async_create_group
// DEEP-NEXT: nvgpu.device_async_wait %{{.*}} {numGroups = 3 : i32}
// DEEP-NEXT: gpu.barrier
// DEEP-COUNT-64: nvgpu.mma.sync
// DEEP-NEXT: gpu.barrier
// DEEP-NEXT: scf.yield
// DEEP: nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
// DEEP: gpu.return
func.func @matmul_f16_stages(%a: memref<768x256xf16>, %b: memref<256x768xf16>, %c: memref<768x768xf16>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  %c768 = arith.constant 768 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c768, %c768) step (%c1, %c1) {
    scf.for %k = %c0 to %c256 step %c1 {
      %u = memref.load %a[%i, %k] : memref<768x256xf16>
      %v = memref.load %b[%k, %j] : memref<256x768xf16>
      %acc = memref.load %c[%i, %j] : memref<768x768xf16>
      %p = arith.mulf %u, %v : f16
      %s = arith.addf %acc, %p : f16
      memref.store %s, %c[%i, %j] : memref<768x768xf16>
    }
    scf.reduce
  }
  return
}

// -----

// A row-major B whose rows are 16-byte aligned (N = 64) is copied along n
// into a [k][col] stage (32 rows of 64 + 8), 8 elements per copy, 2 per
// invocation per step (32 * 64 / 8 / 128), and its fragments are loaded
// with ldmatrix .trans; A's (K = 32) are copied along k. Without a hook
// that loads B so (MFMA), B goes through registers.
// MMA-LABEL: func.func @matmul_f16_row_major_b
// MMA-DAG: %[[A:.*]] = memref.alloc() : memref<2560xf16, 3>
// MMA-DAG: %[[B:.*]] = memref.alloc() : memref<2560xf16, 3>
// MMA-COUNT-2: nvgpu.device_async_copy %{{.*}}, %[[A]][%{{.*}}], 8, %{{.*}} : memref<?xf16> to memref<2560xf16, 3>
// MMA-COUNT-2: nvgpu.device_async_copy %{{.*}}, %[[B]][%{{.*}}], 8, %{{.*}} : memref<?xf16> to memref<2560xf16, 3>
// MMA: nvgpu.device_async_create_group
// MMA-NOT: -> (f16)
// MMA: scf.for
// MMA-COUNT-2: nvgpu.ldmatrix %[[A]][%{{.*}}] {numTiles = 4 : i32, transpose = false}
// MMA-COUNT-4: nvgpu.ldmatrix %[[B]][%{{.*}}] {numTiles = 2 : i32, transpose = true}
// MMA: gpu.return
// MFMA-LABEL: func.func @matmul_f16_row_major_b
// MFMA-NOT: transpose
// MFMA-COUNT-16: memref.store %{{.*}} : memref<2560xf16, 3>
// MFMA: gpu.return
func.func @matmul_f16_row_major_b(%a: memref<100x32xf16>, %b: memref<32x64xf16>, %c: memref<100x64xf16>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c100 = arith.constant 100 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c100, %c64) step (%c1, %c1) {
    scf.for %k = %c0 to %c32 step %c1 {
      %u = memref.load %a[%i, %k] : memref<100x32xf16>
      %v = memref.load %b[%k, %j] : memref<32x64xf16>
      %acc = memref.load %c[%i, %j] : memref<100x64xf16>
      %p = arith.mulf %u, %v : f16
      %s = arith.addf %acc, %p : f16
      memref.store %s, %c[%i, %j] : memref<100x64xf16>
    }
    scf.reduce
  }
  return
}

// -----

// A convolution as an implicit GEMM: rows are the output channels (what
// the filter varies with), cols the batch and output pixels (what the
// input varies with, the window index arithmetic staged with it), the
// reduction nest (channels, kh, kw) flattened into one k; a widened
// operand (extf) is staged after the cast; 2*6*6 = 72 cols.
// CHECK-LABEL: func.func @conv
// CHECK-SAME: [\22const\22,72,0]
// CHECK: gpu.func @conv_k0
// CHECK-DAG: memref.alloc() : memref<512xf32, 3>
// CHECK-DAG: memref.alloc() : memref<512xf32, 3>
// CHECK: arith.extf
// CHECK: gpu.barrier
// CHECK-COUNT-16: arith.mulf
// CHECK: gpu.return
func.func @conv(%x: memref<2x3x8x8xf16>, %w: memref<8x3x3x3xf32>, %y: memref<2x8x6x6xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c6 = arith.constant 6 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%n, %f, %oh, %ow) = (%c0, %c0, %c0, %c0) to (%c2, %c8, %c6, %c6) step (%c1, %c1, %c1, %c1) {
    scf.for %c = %c0 to %c3 step %c1 {
      scf.for %kh = %c0 to %c3 step %c1 {
        scf.for %kw = %c0 to %c3 step %c1 {
          %h = arith.addi %oh, %kh : index
          %w2 = arith.addi %ow, %kw : index
          %u = memref.load %x[%n, %c, %h, %w2] : memref<2x3x8x8xf16>
          %ue = arith.extf %u : f16 to f32
          %v = memref.load %w[%f, %c, %kh, %kw] : memref<8x3x3x3xf32>
          %acc = memref.load %y[%n, %f, %oh, %ow] : memref<2x8x6x6xf32>
          %p = arith.mulf %ue, %v : f32
          %s = arith.addf %acc, %p : f32
          memref.store %s, %y[%n, %f, %oh, %ow] : memref<2x8x6x6xf32>
        }
      }
    }
    scf.reduce
  }
  return
}

// -----

// A row program (tg-gpu-fuse-rows: softmax's max, sum of exponentials and
// division in one loop over rows) is one kernel of the reduce strategy: a
// workgroup per row; each reduction's slots folded by the tree, the
// folded element read by every invocation between two barriers and
// forwarded in registers (the scratch buffers of the max and the sum are
// neither loaded nor stored); the division's points split over the
// invocations.
// CHECK-LABEL: func.func @softmax_rows
// CHECK: gpu.func @softmax_rows_k0
// CHECK: %[[SLOTS:.*]] = memref.alloc() : memref<64xf32, 3>
// CHECK: scf.for
// CHECK: arith.maximumf
// CHECK: gpu.barrier
// CHECK: %[[T:.*]] = memref.load %[[SLOTS]][%c0{{[_0-9]*}}] : memref<64xf32, 3>
// CHECK-NEXT: %[[MAX:.*]] = arith.maximumf %{{.*}}, %[[T]] : f32
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: gpu.barrier
// CHECK: arith.subf %{{.*}}, %[[MAX]] : f32
// CHECK: math.exp
// CHECK: gpu.barrier
// CHECK: %[[U:.*]] = memref.load %[[SLOTS]][%c0{{[_0-9]*}}] : memref<64xf32, 3>
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %{{.*}}, %[[U]] : f32
// CHECK-NEXT: gpu.barrier
// CHECK: scf.for %{{.*}} = %thread_id_x to %{{.*}} step %{{.*}} {
// CHECK-NOT: gpu.barrier
// CHECK: arith.subf %{{.*}}, %[[MAX]] : f32
// CHECK: arith.divf %{{.*}}, %[[SUM]] : f32
// CHECK: memref.store
// CHECK: }
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: }
// CHECK-NEXT: gpu.return
func.func @softmax_rows(%x: memref<64x16xf32>, %y: memref<64x16xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %max = memref.alloc() : memref<64xf32>
  %sum = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %ninf, %max[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %k] : memref<64x16xf32>
      %m = memref.load %max[%i] : memref<64xf32>
      %n = arith.maximumf %m, %v : f32
      memref.store %n, %max[%i] : memref<64xf32>
    }
    memref.store %zero, %sum[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %k] : memref<64x16xf32>
      %m = memref.load %max[%i] : memref<64xf32>
      %s = memref.load %sum[%i] : memref<64xf32>
      %d = arith.subf %v, %m : f32
      %e = math.exp %d : f32
      %t = arith.addf %s, %e : f32
      memref.store %t, %sum[%i] : memref<64xf32>
    }
    scf.parallel (%j) = (%c0) to (%c16) step (%c1) {
      %v = memref.load %x[%i, %j] : memref<64x16xf32>
      %m = memref.load %max[%i] : memref<64xf32>
      %s = memref.load %sum[%i] : memref<64xf32>
      %d = arith.subf %v, %m : f32
      %e = math.exp %d : f32
      %q = arith.divf %e, %s : f32
      memref.store %q, %y[%i, %j] : memref<64x16xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// -----

// A row program whose first reduction's epilogue reads %z[%i] from memory
// and then stores it: every invocation runs that epilogue and only the
// first stores, so another could read the stored value; the reduce
// strategy refuses it and the loop is distributed (no workgroup memory).
// CHECK-LABEL: func.func @epilogue_read_then_written
// CHECK: gpu.func @epilogue_read_then_written_k0
// CHECK-NOT: memref<64xf32, 3>
// CHECK-NOT: gpu.barrier
// CHECK: gpu.return
func.func @epilogue_read_then_written(%x: memref<64x16xf32>, %z: memref<64xf32>, %y: memref<64x16xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %sum = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %zero, %sum[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %k] : memref<64x16xf32>
      %s = memref.load %sum[%i] : memref<64xf32>
      %t = arith.addf %s, %v : f32
      memref.store %t, %sum[%i] : memref<64xf32>
    }
    %a = memref.load %sum[%i] : memref<64xf32>
    %z0 = memref.load %z[%i] : memref<64xf32>
    %z1 = arith.addf %z0, %a : f32
    memref.store %z1, %z[%i] : memref<64xf32>
    scf.parallel (%j) = (%c0) to (%c16) step (%c1) {
      %v = memref.load %x[%i, %j] : memref<64x16xf32>
      %w = memref.load %z[%i] : memref<64xf32>
      %q = arith.divf %v, %w : f32
      memref.store %q, %y[%i, %j] : memref<64x16xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// -----

// An elementwise phase that stores at the row's element (each of its
// points, whichever runs last): a later phase may not read that element
// (it is no single value to forward); the loop is distributed.
// CHECK-LABEL: func.func @elementwise_row_store
// CHECK: gpu.func @elementwise_row_store_k0
// CHECK-NOT: memref<64xf32, 3>
// CHECK: gpu.return
func.func @elementwise_row_store(%x: memref<64x16xf32>, %t: memref<64xf32>, %y: memref<64x16xf32>) attributes {tg.num_results = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %sum = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %zero, %sum[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %k] : memref<64x16xf32>
      %s = memref.load %sum[%i] : memref<64xf32>
      %u = arith.addf %s, %v : f32
      memref.store %u, %sum[%i] : memref<64xf32>
    }
    scf.parallel (%j) = (%c0) to (%c16) step (%c1) {
      %v = memref.load %x[%i, %j] : memref<64x16xf32>
      memref.store %v, %t[%i] : memref<64xf32>
      scf.reduce
    }
    scf.parallel (%j) = (%c0) to (%c16) step (%c1) {
      %v = memref.load %x[%i, %j] : memref<64x16xf32>
      %w = memref.load %t[%i] : memref<64xf32>
      %q = arith.subf %v, %w : f32
      memref.store %q, %y[%i, %j] : memref<64x16xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}
