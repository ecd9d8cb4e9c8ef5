// RUN: tangram-opt %s -split-input-file -tg-cpu-collapse-contiguous-dims | FileCheck %s

#id = affine_map<(c, h, w) -> (c, h, w)>

// An elementwise op on whole buffers runs as one loop.
// CHECK-LABEL: func.func @elementwise
// CHECK-DAG: %[[X:.*]] = memref.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : memref<4x7x7xf32> into memref<196xf32>
// CHECK-DAG: %[[Y:.*]] = memref.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : memref<4x7x7xf32> into memref<196xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel"]
// CHECK-SAME: ins(%[[X]] : memref<196xf32>) outs(%[[Y]] : memref<196xf32>)
func.func @elementwise(%x: memref<4x7x7xf32>, %y: memref<4x7x7xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : memref<4x7x7xf32>) outs(%y : memref<4x7x7xf32>) {
  ^bb0(%a: f32, %b: f32):
    %r = arith.maximumf %a, %a : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A channel shuffle's transpose keeps its permuted dims and runs each
// plane (the contiguous trailing dims) as one loop.
// CHECK-LABEL: func.func @shuffle
// CHECK-DAG: memref.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : memref<2x3x5x5xf32> into memref<2x3x25xf32>
// CHECK-DAG: memref.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : memref<3x2x5x5xf32> into memref<3x2x25xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-NOT: linalg.transpose
func.func @shuffle(%x: memref<2x3x5x5xf32>, %y: memref<3x2x5x5xf32>) {
  linalg.transpose ins(%x : memref<2x3x5x5xf32>) outs(%y : memref<3x2x5x5xf32>) permutation = [1, 0, 2, 3]
  return
}

// -----

#id2 = affine_map<(h, w) -> (h, w)>

// The interior of a padded buffer: its rows are not one run, so the op
// stays as it is.
// CHECK-LABEL: func.func @padded_interior
// CHECK-NOT: memref.collapse_shape
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
func.func @padded_interior(%x: memref<6x6xf32>, %y: memref<8x8xf32>) {
  %in = memref.subview %y[1, 1] [6, 6] [1, 1] : memref<8x8xf32> to memref<6x6xf32, strided<[8, 1], offset: 9>>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<6x6xf32>) outs(%in : memref<6x6xf32, strided<[8, 1], offset: 9>>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  }
  return
}

// -----

#rows = affine_map<(r, c) -> (r, c)>
#row = affine_map<(r, c) -> (r)>

// A reduction over one loop, after a parallel one, is left alone.
// CHECK-LABEL: func.func @row_sum
// CHECK-NOT: memref.collapse_shape
// CHECK: iterator_types = ["parallel", "reduction"]
func.func @row_sum(%x: memref<4x8xf32>, %y: memref<4xf32>) {
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x8xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#se = affine_map<(n, c, h, w) -> (n, c, 0, 0)>
#x4 = affine_map<(n, c, h, w) -> (n, c, h, w)>

// A squeeze-excitation scale reads its [1, C, 1, 1] operand through
// constant indices: a view without the unit dims, then each plane as one
// loop.
// CHECK-LABEL: func.func @se_scale
// CHECK-DAG: memref.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : memref<1x4x1x1xf32> into memref<1x4xf32>
// CHECK-DAG: memref.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : memref<1x4x7x7xf32> into memref<1x4x49xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
func.func @se_scale(%s: memref<1x4x1x1xf32>, %x: memref<1x4x7x7xf32>) {
  linalg.generic {indexing_maps = [#se, #x4, #x4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s, %x : memref<1x4x1x1xf32>, memref<1x4x7x7xf32>) outs(%x : memref<1x4x7x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  }
  return
}

// -----

#p4 = affine_map<(n, c, h, w) -> (n, c, h, w)>
#p2 = affine_map<(n, c, h, w) -> (n, c)>

// A global pool's two reduction loops run as one.
// CHECK-LABEL: func.func @global_pool
// CHECK: memref.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : memref<1x4x7x7xf32> into memref<1x4x49xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
func.func @global_pool(%x: memref<1x4x7x7xf32>, %y: memref<1x4xf32>) {
  linalg.generic {indexing_maps = [#p4, #p2], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x : memref<1x4x7x7xf32>) outs(%y : memref<1x4xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}
