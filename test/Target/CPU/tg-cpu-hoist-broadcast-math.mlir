// RUN: tangram-opt %s -tg-cpu-hoist-broadcast-math -split-input-file | FileCheck %s

#x = affine_map<(n, c, h, w) -> (n, c, h, w)>
#s = affine_map<(n, c, h, w) -> (n, c, 0, 0)>
#b = affine_map<(n, c, h, w) -> (c)>

// Squeeze-and-excitation: sigmoid(s + b) depends on n and c only; it is
// computed once per channel into a [1, 8] buffer that the op then reads.
// CHECK-LABEL: func.func @gate
// CHECK: %[[T:.*]] = memref.alloc() : memref<1x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[S2:.*]], #[[B2:.*]], #[[ID2:.*]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : memref<1x8x1x1xf32>, memref<8xf32>) outs(%[[T]] : memref<1x8xf32>)
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: linalg.yield
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}}, %{{.*}}, %[[T]] : memref<1x8x1x1xf32>, memref<8xf32>, memref<1x8x4x4xf32>, memref<1x8xf32>)
// CHECK: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %[[XV:.*]]: f32, %[[TV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[TV]], %[[XV]] : f32
// CHECK-NEXT: linalg.yield %[[P]]
// CHECK: memref.dealloc %[[T]]
func.func @gate(%s: memref<1x8x1x1xf32>, %bias: memref<8xf32>, %x: memref<1x8x4x4xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.generic {indexing_maps = [#s, #b, #x, #x], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s, %bias, %x : memref<1x8x1x1xf32>, memref<8xf32>, memref<1x8x4x4xf32>) outs(%x : memref<1x8x4x4xf32>) {
  ^bb0(%sv: f32, %bv: f32, %xv: f32, %o: f32):
    %a = arith.addf %sv, %bv : f32
    %n = arith.negf %a : f32
    %e = math.exp %n : f32
    %d = arith.addf %e, %one : f32
    %g = arith.divf %one, %d : f32
    %p = arith.mulf %g, %xv : f32
    linalg.yield %p : f32
  }
  return
}

// -----

#x = affine_map<(n, c, h, w) -> (n, c, h, w)>
#b = affine_map<(n, c, h, w) -> (c)>

// Left alone: costly math that varies along every loop (SiLU of x + b),
// cheap math on fewer loops (b * 2), costly math on fewer loops whose
// loop sizes are not known, and costly math on a loop index.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: memref.alloc
// CHECK-COUNT-4: linalg.generic
// CHECK-NOT: linalg.generic
func.func @kept(%bias: memref<8xf32>, %x: memref<1x8x4x4xf32>, %y: memref<1x8x4x4xf32>, %bd: memref<?xf32>, %xd: memref<1x?x4x4xf32>) {
  %one = arith.constant 1.0 : f32
  %two = arith.constant 2.0 : f32
  linalg.generic {indexing_maps = [#b, #x, #x], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias, %x : memref<8xf32>, memref<1x8x4x4xf32>) outs(%y : memref<1x8x4x4xf32>) {
  ^bb0(%bv: f32, %xv: f32, %o: f32):
    %a = arith.addf %xv, %bv : f32
    %e = math.exp %a : f32
    %d = arith.addf %e, %one : f32
    %r = arith.divf %a, %d : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#b, #x, #x], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias, %x : memref<8xf32>, memref<1x8x4x4xf32>) outs(%y : memref<1x8x4x4xf32>) {
  ^bb0(%bv: f32, %xv: f32, %o: f32):
    %m = arith.mulf %bv, %two : f32
    %r = arith.addf %m, %xv : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#b, #x, #x], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bd, %xd : memref<?xf32>, memref<1x?x4x4xf32>) outs(%xd : memref<1x?x4x4xf32>) {
  ^bb0(%bv: f32, %xv: f32, %o: f32):
    %e = math.exp %bv : f32
    %r = arith.mulf %e, %xv : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#x, #x], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x8x4x4xf32>) outs(%y : memref<1x8x4x4xf32>) {
  ^bb0(%xv: f32, %o: f32):
    %i = linalg.index 1 : index
    %j = arith.index_cast %i : index to i32
    %f = arith.sitofp %j : i32 to f32
    %e = math.exp %f : f32
    %r = arith.mulf %e, %xv : f32
    linalg.yield %r : f32
  }
  return
}
