// RUN: tangram-opt %s -split-input-file -tg-gpu-expand-shape-casts | FileCheck %s
// RUN: tangram-opt %s -split-input-file -tg-gpu-expand-shape-casts | mlir-opt -split-input-file -expand-strided-metadata | FileCheck %s --check-prefix=META

// [B * S, 768] viewed as [B, S, 768]: the outer dim of the group steps over
// S rows of the source's stride.
// CHECK-LABEL: func.func @two_dynamic_sizes
// CHECK-SAME: %[[M:[a-z0-9]+]]: memref<?x768xf32>, %[[B:[a-z0-9]+]]: index, %[[S:[a-z0-9]+]]: index
// CHECK: %[[BASE:.*]], %[[OFF:.*]], %[[SIZES:.*]]:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[M]]
// CHECK: %[[STEP:.*]] = arith.muli %[[STRIDES]]#0, %[[S]] : index
// CHECK: %[[V:.*]] = memref.reinterpret_cast %[[BASE]] to offset: [0], sizes: [%[[B]], %[[S]], 768], strides: [%[[STEP]], 768, 1] : memref<f32> to memref<?x?x768xf32>
// CHECK-NOT: memref.expand_shape
// CHECK: return %[[V]]
// META-LABEL: func.func @two_dynamic_sizes
// META-NOT: memref.expand_shape
// META: memref.reinterpret_cast
func.func @two_dynamic_sizes(%m: memref<?x768xf32>, %b: index, %s: index) -> memref<?x?x768xf32> {
  %e = memref.expand_shape %m [[0, 1], [2]] output_shape [%b, %s, 768] : memref<?x768xf32> into memref<?x?x768xf32>
  return %e : memref<?x?x768xf32>
}

// -----

// A strided source (a slice of a fused projection): the group's last dim
// keeps its stride (768, static in the type), the dim before it steps over
// S of those, and the offset is the source's.
// CHECK-LABEL: func.func @strided_source
// CHECK-SAME: %[[M:[a-z0-9]+]]: memref<?x256xf32, strided<[768, 1], offset: ?>>, %[[B:[a-z0-9]+]]: index, %[[S:[a-z0-9]+]]: index
// CHECK: %[[BASE:.*]], %[[OFF:.*]], %[[SIZES:.*]]:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[M]]
// CHECK: %[[STEP:.*]] = arith.muli %[[STRIDES]]#0, %[[S]] : index
// CHECK: memref.reinterpret_cast %[[BASE]] to offset: [%[[OFF]]], sizes: [%[[B]], %[[S]], 256], strides: [%[[STEP]], 768, 1]
func.func @strided_source(%m: memref<?x256xf32, strided<[768, 1], offset: ?>>, %b: index, %s: index) -> memref<?x?x256xf32, strided<[?, 768, 1], offset: ?>> {
  %e = memref.expand_shape %m [[0, 1], [2]] output_shape [%b, %s, 256] : memref<?x256xf32, strided<[768, 1], offset: ?>> into memref<?x?x256xf32, strided<[?, 768, 1], offset: ?>>
  return %e : memref<?x?x256xf32, strided<[?, 768, 1], offset: ?>>
}

// -----

// One run-time size per group: expand-strided-metadata handles it, and
// the expansion stays.
// CHECK-LABEL: func.func @one_dynamic_size
// CHECK: memref.expand_shape
// CHECK-NOT: memref.reinterpret_cast
func.func @one_dynamic_size(%m: memref<?x768xf32>, %b: index) -> memref<?x4x768xf32> {
  %e = memref.expand_shape %m [[0, 1], [2]] output_shape [%b, 4, 768] : memref<?x768xf32> into memref<?x4x768xf32>
  return %e : memref<?x4x768xf32>
}
