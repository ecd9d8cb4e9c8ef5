// RUN: tangram-opt %s -split-input-file -tg-gpu-collapse-split-views | FileCheck %s

// A bias after a matmul over [B * S, N] rows, read back as [B, S, N]: the
// bias loop runs over the matmul's points, reading its output itself and
// writing a [B * S, N] view of its own.
// CHECK-LABEL: func.func @bias_after_matmul
// CHECK-SAME: %[[BIAS:[a-z0-9]+]]: memref<8xf32>, %[[B:[a-z0-9]+]]: index, %[[S:[a-z0-9]+]]: index
// CHECK: %[[BS:.*]] = arith.muli %[[B]], %[[S]]
// CHECK: %[[MM:.*]] = memref.alloc(%[[BS]]) : memref<?x8xf32>
// CHECK: %[[OUT:.*]] = memref.alloc(%[[B]], %[[S]]) : memref<?x?x8xf32>
// CHECK: %[[FLAT:.*]] = memref.reinterpret_cast %[[OUT]] to offset: [0], sizes: [%[[BS]], 8], strides: [8, 1]
// CHECK: scf.parallel (%[[R:.*]], %[[K:.*]]) = ({{.*}}) to (%[[BS]], %{{.*}})
// CHECK-NEXT: memref.load %[[MM]][%[[R]], %[[K]]] : memref<?x8xf32>
// CHECK-NEXT: memref.load %[[BIAS]][%[[K]]]
// CHECK-NEXT: arith.addf
// CHECK-NEXT: memref.store %{{.*}}, %[[FLAT]][%[[R]], %[[K]]]
// CHECK: return %[[OUT]]
func.func @bias_after_matmul(%bias: memref<8xf32>, %b: index, %s: index, %a: memref<?x4xf32>, %w: memref<4x8xf32>) -> memref<?x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %bs = arith.muli %b, %s overflow<nsw> : index
  %mm = memref.alloc(%bs) : memref<?x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%bs, %c8) step (%c1, %c1) {
    scf.for %k = %c0 to %c4 step %c1 {
      %x = memref.load %a[%i, %k] : memref<?x4xf32>
      %y = memref.load %w[%k, %j] : memref<4x8xf32>
      %acc = memref.load %mm[%i, %j] : memref<?x8xf32>
      %p = arith.mulf %x, %y : f32
      %t = arith.addf %acc, %p : f32
      memref.store %t, %mm[%i, %j] : memref<?x8xf32>
    }
    scf.reduce
  }
  %st = arith.muli %s, %c8 : index
  %v = memref.reinterpret_cast %mm to offset: [0], sizes: [%b, %s, 8], strides: [%st, 8, 1] : memref<?x8xf32> to memref<?x?x8xf32>
  %out = memref.alloc(%b, %s) : memref<?x?x8xf32>
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%b, %s, %c8) step (%c1, %c1, %c1) {
    %x = memref.load %v[%i, %j, %k] : memref<?x?x8xf32>
    %y = memref.load %bias[%k] : memref<8xf32>
    %z = arith.addf %x, %y : f32
    memref.store %z, %out[%i, %j, %k] : memref<?x?x8xf32>
    scf.reduce
  }
  return %out : memref<?x?x8xf32>
}

// -----

// A loop that uses one of the two dims alone (a broadcast over S) cannot
// name the merged dim: it stays.
// CHECK-LABEL: func.func @broadcast_over_one_dim
// CHECK: scf.parallel (%{{[a-z0-9]+}}, %{{[a-z0-9]+}}) =
// CHECK: scf.parallel (%{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}) =
func.func @broadcast_over_one_dim(%perb: memref<?xf32>, %b: index, %s: index, %a: memref<?x4xf32>, %w: memref<4x8xf32>) -> memref<?x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %bs = arith.muli %b, %s overflow<nsw> : index
  %mm = memref.alloc(%bs) : memref<?x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%bs, %c8) step (%c1, %c1) {
    scf.for %k = %c0 to %c4 step %c1 {
      %x = memref.load %a[%i, %k] : memref<?x4xf32>
      %acc = memref.load %mm[%i, %j] : memref<?x8xf32>
      %t = arith.addf %acc, %x : f32
      memref.store %t, %mm[%i, %j] : memref<?x8xf32>
    }
    scf.reduce
  }
  %st = arith.muli %s, %c8 : index
  %v = memref.reinterpret_cast %mm to offset: [0], sizes: [%b, %s, 8], strides: [%st, 8, 1] : memref<?x8xf32> to memref<?x?x8xf32>
  %out = memref.alloc(%b, %s) : memref<?x?x8xf32>
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%b, %s, %c8) step (%c1, %c1, %c1) {
    %x = memref.load %v[%i, %j, %k] : memref<?x?x8xf32>
    %y = memref.load %perb[%i] : memref<?xf32>
    %z = arith.addf %x, %y : f32
    memref.store %z, %out[%i, %j, %k] : memref<?x?x8xf32>
    scf.reduce
  }
  return %out : memref<?x?x8xf32>
}

// -----

// The matmul's output read by a row reduction first (a LayerNorm's mean),
// then by the elementwise loop: that loop is the row program's last phase
// (tg-gpu-fuse-rows) and keeps the rows' points.
// CHECK-LABEL: func.func @after_another_reader
// CHECK: scf.parallel (%{{[a-z0-9]+}}, %{{[a-z0-9]+}}) =
// CHECK: scf.parallel (%{{[a-z0-9]+}}, %{{[a-z0-9]+}}) =
// CHECK: scf.parallel (%{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}) =
func.func @after_another_reader(%mean: memref<?x?xf32>, %b: index, %s: index, %a: memref<?x4xf32>) -> memref<?x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %bs = arith.muli %b, %s overflow<nsw> : index
  %mm = memref.alloc(%bs) : memref<?x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%bs, %c8) step (%c1, %c1) {
    scf.for %k = %c0 to %c4 step %c1 {
      %x = memref.load %a[%i, %k] : memref<?x4xf32>
      %acc = memref.load %mm[%i, %j] : memref<?x8xf32>
      %t = arith.addf %acc, %x : f32
      memref.store %t, %mm[%i, %j] : memref<?x8xf32>
    }
    scf.reduce
  }
  %st = arith.muli %s, %c8 : index
  %v = memref.reinterpret_cast %mm to offset: [0], sizes: [%b, %s, 8], strides: [%st, 8, 1] : memref<?x8xf32> to memref<?x?x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%b, %s) step (%c1, %c1) {
    scf.for %k = %c0 to %c8 step %c1 {
      %x = memref.load %v[%i, %j, %k] : memref<?x?x8xf32>
      %m = memref.load %mean[%i, %j] : memref<?x?xf32>
      %t = arith.addf %m, %x : f32
      memref.store %t, %mean[%i, %j] : memref<?x?xf32>
    }
    scf.reduce
  }
  %out = memref.alloc(%b, %s) : memref<?x?x8xf32>
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%b, %s, %c8) step (%c1, %c1, %c1) {
    %x = memref.load %v[%i, %j, %k] : memref<?x?x8xf32>
    %m = memref.load %mean[%i, %j] : memref<?x?xf32>
    %z = arith.subf %x, %m : f32
    memref.store %z, %out[%i, %j, %k] : memref<?x?x8xf32>
    scf.reduce
  }
  return %out : memref<?x?x8xf32>
}

// -----

// A view whose strides are not row-major over its sizes (a padded row)
// does not split the buffer's dim: the loop stays.
// CHECK-LABEL: func.func @not_a_split
// CHECK: scf.parallel (%{{[a-z0-9]+}}, %{{[a-z0-9]+}}) =
// CHECK: scf.parallel (%{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}) =
func.func @not_a_split(%b: index, %s: index, %a: memref<?x4xf32>) -> memref<?x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %bs = arith.muli %b, %s overflow<nsw> : index
  %mm = memref.alloc(%bs) : memref<?x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%bs, %c8) step (%c1, %c1) {
    scf.for %k = %c0 to %c4 step %c1 {
      %x = memref.load %a[%i, %k] : memref<?x4xf32>
      %acc = memref.load %mm[%i, %j] : memref<?x8xf32>
      %t = arith.addf %acc, %x : f32
      memref.store %t, %mm[%i, %j] : memref<?x8xf32>
    }
    scf.reduce
  }
  %st = arith.muli %s, %c8 : index
  %v = memref.reinterpret_cast %mm to offset: [0], sizes: [%b, %s, 4], strides: [%st, 8, 1] : memref<?x8xf32> to memref<?x?x4xf32, strided<[?, 8, 1]>>
  %out = memref.alloc(%b, %s) : memref<?x?x4xf32>
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%b, %s, %c4) step (%c1, %c1, %c1) {
    %x = memref.load %v[%i, %j, %k] : memref<?x?x4xf32, strided<[?, 8, 1]>>
    memref.store %x, %out[%i, %j, %k] : memref<?x?x4xf32>
    scf.reduce
  }
  return %out : memref<?x?x4xf32>
}
