// RUN: tangram-opt %s -tg-cpu-write-into-copies -split-input-file | FileCheck %s

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// A generic (here in place on the conv output) whose result is then only
// copied into the interior of a padded buffer, and freed, writes the
// interior itself, at the copy's place.
// CHECK-LABEL: func.func @absorbed
// CHECK: memref.alloc() : memref<1x2x6x6xf32>
// CHECK: %[[IN:.*]] = memref.subview
// CHECK-NEXT: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : memref<1x2x4x4xf32>, memref<2xf32>) outs(%[[IN]] :
// CHECK-NOT: linalg.copy
// CHECK: memref.dealloc
func.func @absorbed(%c: memref<1x2x4x4xf32>, %bias: memref<2xf32>) -> memref<1x2x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %a = memref.alloc() : memref<1x2x4x4xf32>
  memref.copy %c, %a : memref<1x2x4x4xf32> to memref<1x2x4x4xf32>
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a, %bias : memref<1x2x4x4xf32>, memref<2xf32>) outs(%a : memref<1x2x4x4xf32>) {
  ^bb0(%x: f32, %b: f32, %o: f32):
    %s = arith.addf %x, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  %p = memref.alloc() : memref<1x2x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<1x2x6x6xf32>)
  %in = memref.subview %p[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  linalg.copy ins(%a : memref<1x2x4x4xf32>) outs(%in : memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>)
  memref.dealloc %a : memref<1x2x4x4xf32>
  return %p : memref<1x2x6x6xf32>
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>

// Bufferization reuses the buffer later: the next op naming it overwrites
// it whole without reading it, so the copy is still absorbed.
// CHECK-LABEL: func.func @reused_after
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.*}} : memref<4x4xf32, strided<[6, 1], offset: 7>>)
// CHECK-NOT: memref.copy
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.*}} : memref<4x4xf32>)
#id2 = affine_map<(h, w) -> (h, w)>
func.func @reused_after(%x: memref<4x4xf32>, %y: memref<4x4xf32>, %out: memref<4x4xf32>) -> memref<6x6xf32> {
  %a = memref.alloc() : memref<4x4xf32>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x4xf32>) outs(%a : memref<4x4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %n = arith.negf %v : f32
    linalg.yield %n : f32
  }
  %p = memref.alloc() : memref<6x6xf32>
  %in = memref.subview %p[1, 1] [4, 4] [1, 1] : memref<6x6xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
  memref.copy %a, %in : memref<4x4xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%y : memref<4x4xf32>) outs(%a : memref<4x4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %n = arith.negf %v : f32
    linalg.yield %n : f32
  }
  memref.copy %a, %out : memref<4x4xf32> to memref<4x4xf32>
  memref.dealloc %a : memref<4x4xf32>
  return %p : memref<6x6xf32>
}

// -----

#id2 = affine_map<(h, w) -> (h, w)>

// The copy stays when: the buffer is read after the copy; an input of the
// generic is written in between; the generic reads its old output; the
// buffer is an argument (the caller sees it); the generic reads the buffer
// the copy writes.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-5: memref.copy
func.func @kept(%x: memref<4x4xf32>, %arg: memref<4x4xf32>, %d1: memref<4x4xf32>, %d2: memref<4x4xf32>, %d3: memref<4x4xf32>, %d4: memref<4x4xf32>, %i: index, %v: f32) -> f32 {
  %a = memref.alloc() : memref<4x4xf32>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x4xf32>) outs(%a : memref<4x4xf32>) {
  ^bb0(%e: f32, %o: f32):
    %n = arith.negf %e : f32
    linalg.yield %n : f32
  }
  memref.copy %a, %d1 : memref<4x4xf32> to memref<4x4xf32>
  %r = memref.load %a[%i, %i] : memref<4x4xf32>
  memref.dealloc %a : memref<4x4xf32>

  %b = memref.alloc() : memref<4x4xf32>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x4xf32>) outs(%b : memref<4x4xf32>) {
  ^bb0(%e: f32, %o: f32):
    %n = arith.negf %e : f32
    linalg.yield %n : f32
  }
  memref.store %v, %x[%i, %i] : memref<4x4xf32>
  memref.copy %b, %d2 : memref<4x4xf32> to memref<4x4xf32>
  memref.dealloc %b : memref<4x4xf32>

  %c = memref.alloc() : memref<4x4xf32>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x4xf32>) outs(%c : memref<4x4xf32>) {
  ^bb0(%e: f32, %o: f32):
    %n = arith.addf %e, %o : f32
    linalg.yield %n : f32
  }
  memref.copy %c, %d3 : memref<4x4xf32> to memref<4x4xf32>
  memref.dealloc %c : memref<4x4xf32>

  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x4xf32>) outs(%arg : memref<4x4xf32>) {
  ^bb0(%e: f32, %o: f32):
    %n = arith.negf %e : f32
    linalg.yield %n : f32
  }
  memref.copy %arg, %d4 : memref<4x4xf32> to memref<4x4xf32>

  %p = memref.alloc() : memref<4x8xf32>
  %left = memref.subview %p[0, 0] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  %right = memref.subview %p[0, 4] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1], offset: 4>>
  %e = memref.alloc() : memref<4x4xf32>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%left : memref<4x4xf32, strided<[8, 1]>>) outs(%e : memref<4x4xf32>) {
  ^bb0(%v2: f32, %o: f32):
    %n = arith.negf %v2 : f32
    linalg.yield %n : f32
  }
  memref.copy %e, %right : memref<4x4xf32> to memref<4x4xf32, strided<[8, 1], offset: 4>>
  memref.dealloc %e : memref<4x4xf32>
  memref.dealloc %p : memref<4x8xf32>
  return %r : f32
}
