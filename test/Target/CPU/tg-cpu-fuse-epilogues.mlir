// RUN: tangram-opt %s -tg-cpu-use-microkernels -tg-cpu-fuse-epilogues -split-input-file | FileCheck %s

#id2 = affine_map<(m, n) -> (m, n)>
#col = affine_map<(m, n) -> (n)>

// A bias and ReLU after a matmul, in place: the generic becomes the
// function @tg_epilogue_0, which the call gets in its descriptor (its
// address, then the output's and the bias's address and strides).
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK-NOT: linalg.generic
// CHECK: %[[D:.*]] = memref.alloca() : memref<12xi64>
// CHECK: llvm.mlir.addressof @tg_epilogue_0
// CHECK: memref.extract_aligned_pointer_as_index %[[C:.*]] : memref<4x16xf32>
// CHECK: memref.extract_aligned_pointer_as_index %{{.*}} : memref<16xf32>
// CHECK: %[[E:.*]] = memref.cast %[[D]] : memref<12xi64> to memref<?xi64>
// CHECK: call @tg_uk_matmul_f32(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[E]])
// CHECK-NOT: linalg.generic
// CHECK: llvm.func internal @tg_epilogue_0(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64
// CHECK-SAME: passthrough = {{\[}}["prefer-vector-width", "512"]]
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[X:.*]] = llvm.load %[[AT:.*]] : !llvm.ptr -> f32
// CHECK: %[[B:.*]] = llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK: %[[S:.*]] = arith.addf %[[X]], %[[B]] : f32
// CHECK: %[[R:.*]] = arith.maximumf %[[S]], %{{.*}} : f32
// CHECK: llvm.store %[[R]], %[[AT]] : f32, !llvm.ptr
func.func @matmul_bias_relu(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>, %bias: memref<16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  linalg.generic {indexing_maps = [#id2, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<4x16xf32>, memref<16xf32>) outs(%c : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// A convolution into a local buffer started as zeros, whose only reader is
// the generic: the microkernel writes the generic's output directly (the
// epilogue then runs in place) and the buffer goes.
// CHECK-LABEL: func.func @conv_redirected
// CHECK-SAME: %[[OUT:[^:]*]]: memref<1x4x6x6xf32>
// CHECK-NOT: memref.alloc(
// CHECK-NOT: linalg.fill
// CHECK: %[[T:.*]] = memref.cast %[[OUT]] : memref<1x4x6x6xf32> to memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32(%{{.*}}, %{{.*}}, %[[T]],
// CHECK-NOT: linalg.generic
// CHECK-NOT: memref.dealloc
// CHECK: llvm.func internal @tg_epilogue_0
// CHECK: math.exp
func.func @conv_redirected(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %bias: memref<4xf32>, %out: memref<1x4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %c = memref.alloc() : memref<1x4x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x4x6x6xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%c : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %bias : memref<1x4x6x6xf32>, memref<4xf32>) outs(%out : memref<1x4x6x6xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %n = arith.negf %s : f32
    %e = math.exp %n : f32
    %d = arith.addf %e, %one : f32
    %r = arith.divf %s, %d : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<1x4x6x6xf32>
  return
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// A residual add written over the residual's own buffer: fused, but the
// microkernel keeps its own output (writing the target first would clobber
// the residual the epilogue reads).
// CHECK-LABEL: func.func @conv_residual_in_place
// CHECK-SAME: %[[RES:[^:]*]]: memref<1x4x6x6xf32>
// CHECK: %[[C:.*]] = memref.alloc() : memref<1x4x6x6xf32>
// CHECK: %[[T:.*]] = memref.cast %[[C]]
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32(%{{.*}}, %{{.*}}, %[[T]],
// CHECK-NOT: linalg.generic
// CHECK: llvm.func internal @tg_epilogue_0
func.func @conv_residual_in_place(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %bias: memref<4xf32>, %res: memref<1x4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<1x4x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x4x6x6xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%c : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #ch, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %bias, %res : memref<1x4x6x6xf32>, memref<4xf32>, memref<1x4x6x6xf32>) outs(%res : memref<1x4x6x6xf32>) {
  ^bb0(%v: f32, %b: f32, %r: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %t = arith.addf %s, %r : f32
    linalg.yield %t : f32
  }
  memref.dealloc %c : memref<1x4x6x6xf32>
  return
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// A GEMM-based convolution (here stride 2) whose generic writes the
// interior of a padded buffer (pixels not consecutive) is left alone (a
// separate pass was faster); a depthwise one is fused, into that layout,
// and the call moves below the padded buffer's fill.
// CHECK-LABEL: func.func @padded_outputs
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32
// CHECK: linalg.fill
// CHECK: linalg.generic
// CHECK: linalg.fill
// CHECK: call @tg_uk_conv2d_ngchw_gfchw_f32
// CHECK-NOT: linalg.generic
// CHECK: llvm.func internal @tg_epilogue_0
func.func @padded_outputs(%x: memref<1x3x13x13xf32>, %w: memref<4x3x3x3xf32>, %bias: memref<4xf32>,
                          %dx: memref<1x4x1x8x8xf32>, %dw: memref<4x1x1x3x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<1x4x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x4x6x6xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x13x13xf32>, memref<4x3x3x3xf32>) outs(%c : memref<1x4x6x6xf32>)
  %p = memref.alloc() : memref<1x4x8x8xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<1x4x8x8xf32>)
  %in = memref.subview %p[0, 0, 1, 1] [1, 4, 6, 6] [1, 1, 1, 1] : memref<1x4x8x8xf32> to memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 9>>
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %bias : memref<1x4x6x6xf32>, memref<4xf32>) outs(%in : memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 9>>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  }
  %d = memref.alloc() : memref<1x4x1x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%d : memref<1x4x1x6x6xf32>)
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%dx, %dw : memref<1x4x1x8x8xf32>, memref<4x1x1x3x3xf32>) outs(%d : memref<1x4x1x6x6xf32>)
  %q = memref.alloc() : memref<1x4x8x8xf32>
  linalg.fill ins(%zero : f32) outs(%q : memref<1x4x8x8xf32>)
  %qin = memref.subview %q[0, 0, 1, 1] [1, 4, 6, 6] [1, 1, 1, 1] : memref<1x4x8x8xf32> to memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 9>>
  %dv = memref.collapse_shape %d [[0], [1, 2], [3], [4]] : memref<1x4x1x6x6xf32> into memref<1x4x6x6xf32>
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%dv, %bias : memref<1x4x6x6xf32>, memref<4xf32>) outs(%qin : memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 9>>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  }
  func.call @use(%p, %q) : (memref<1x4x8x8xf32>, memref<1x4x8x8xf32>) -> ()
  return
}
func.func private @use(memref<1x4x8x8xf32>, memref<1x4x8x8xf32>)

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// A stride-1 3x3 convolution runs on wide rows and applies its epilogue a
// plane at a time, rows at any pitch: fused into the padded interior too.
// CHECK-LABEL: func.func @wide_padded_output
// CHECK: linalg.fill
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32
// CHECK-NOT: linalg.generic
// CHECK: llvm.func internal @tg_epilogue_0
func.func @wide_padded_output(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %bias: memref<4xf32>) -> memref<1x4x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<1x4x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x4x6x6xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%c : memref<1x4x6x6xf32>)
  %p = memref.alloc() : memref<1x4x8x8xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<1x4x8x8xf32>)
  %in = memref.subview %p[0, 0, 1, 1] [1, 4, 6, 6] [1, 1, 1, 1] : memref<1x4x8x8xf32> to memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 9>>
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %bias : memref<1x4x6x6xf32>, memref<4xf32>) outs(%in : memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 9>>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  }
  return %p : memref<1x4x8x8xf32>
}

// -----

#id2 = affine_map<(m, n) -> (m, n)>
#t2 = affine_map<(m, n) -> (n, m)>
#red = affine_map<(m, n) -> (m)>

// Not fused: a generic that reads the result transposed, a reduction, a
// body that is not scalar arith/math (linalg.index), an op in between that
// writes the matmul's input.
// CHECK-LABEL: func.func @not_fused
// CHECK: call @tg_uk_matmul_f32
// CHECK-NEXT: linalg.generic
// CHECK: call @tg_uk_matmul_f32
// CHECK-NEXT: linalg.generic
// CHECK: call @tg_uk_matmul_f32
// CHECK-NEXT: linalg.generic
// CHECK: call @tg_uk_matmul_f32
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic
// CHECK-NOT: llvm.func
func.func @not_fused(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<4x4xf32>, %d: memref<4x4xf32>, %r: memref<4xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  linalg.generic {indexing_maps = [#t2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x4xf32>) outs(%d : memref<4x4xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.matmul ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  linalg.generic {indexing_maps = [#id2, #red], iterator_types = ["parallel", "reduction"]}
      ins(%c : memref<4x4xf32>) outs(%r : memref<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %x, %o : f32
    linalg.yield %s : f32
  }
  linalg.matmul ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x4xf32>) outs(%d : memref<4x4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %i = linalg.index 0 : index
    %f = arith.index_cast %i : index to i32
    %g = arith.sitofp %f : i32 to f32
    %s = arith.addf %x, %g : f32
    linalg.yield %s : f32
  }
  linalg.matmul ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  linalg.fill ins(%zero : f32) outs(%a : memref<4x4xf32>)
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x4xf32>) outs(%d : memref<4x4xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  return
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// A per-channel bias and a clip to [0, 6] in place: the descriptor also
// carries the register form (Epilogue.h's trailing words: TG_EPI_BIAS |
// TG_EPI_ACT_CLIP = 5, the bias's view 1, no residual view, the bounds'
// float bits), so a kernel holding final results in registers applies it
// there.
// CHECK-LABEL: func.func @conv_bias_clip_form
// CHECK: %[[D:.*]] = memref.alloca() : memref<17xi64>
// CHECK: %[[FLAGS:.*]] = arith.constant 5 : i64
// CHECK: memref.store %[[FLAGS]], %[[D]][%{{.*}}] : memref<17xi64>
// CHECK: %[[VIEW:.*]] = arith.constant 1 : i64
// CHECK: memref.store %[[VIEW]], %[[D]][%{{.*}}] : memref<17xi64>
// CHECK: %[[NONE:.*]] = arith.constant -1 : i64
// CHECK: memref.store %[[NONE]], %[[D]][%{{.*}}] : memref<17xi64>
// CHECK: %[[LO:.*]] = arith.constant 0 : i64
// CHECK: memref.store %[[LO]], %[[D]][%{{.*}}] : memref<17xi64>
// CHECK: %[[HI:.*]] = arith.constant 1086324736 : i64
// CHECK: memref.store %[[HI]], %[[D]][%{{.*}}] : memref<17xi64>
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32
func.func @conv_bias_clip_form(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %y: memref<1x4x6x6xf32>, %bias: memref<4xf32>) {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%y : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %bias : memref<1x4x6x6xf32>, memref<4xf32>) outs(%y : memref<1x4x6x6xf32>) {
  ^bb0(%in: f32, %b: f32, %o: f32):
    %s = arith.addf %in, %b : f32
    %lo = arith.maximumf %s, %zero : f32
    %hi = arith.minimumf %lo, %six : f32
    linalg.yield %hi : f32
  }
  return
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// The local buffer is reused after the generic for a later result, which
// overwrites it without reading it (bufferization's reuse of a dead
// buffer): the microkernel still writes the generic's output directly, and
// the buffer stays for the later result.
// CHECK-LABEL: func.func @conv_redirected_buffer_reused
// CHECK-SAME: %[[OUT:[^:]*]]: memref<1x4x6x6xf32>
// CHECK: %[[C:.*]] = memref.alloc() : memref<1x4x6x6xf32>
// CHECK: %[[T:.*]] = memref.cast %[[OUT]] : memref<1x4x6x6xf32> to memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32(%{{.*}}, %{{.*}}, %[[T]],
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[C]] : memref<1x4x6x6xf32>)
// CHECK: memref.dealloc %[[C]]
func.func @conv_redirected_buffer_reused(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %bias: memref<4xf32>, %out: memref<1x4x6x6xf32>,
                                         %out2: memref<1x4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %two = arith.constant 2.0 : f32
  %c = memref.alloc() : memref<1x4x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x4x6x6xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%c : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %bias : memref<1x4x6x6xf32>, memref<4xf32>) outs(%out : memref<1x4x6x6xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%two : f32) outs(%c : memref<1x4x6x6xf32>)
  memref.copy %c, %out2 : memref<1x4x6x6xf32> to memref<1x4x6x6xf32>
  memref.dealloc %c : memref<1x4x6x6xf32>
  return
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// The same, but the first later use reads the buffer: the contraction's
// results stay in it, and the generic runs as the function alone.
// CHECK-LABEL: func.func @conv_results_read_later
// CHECK: %[[C:.*]] = memref.alloc() : memref<1x4x6x6xf32>
// CHECK: %[[T:.*]] = memref.cast %[[C]] : memref<1x4x6x6xf32> to memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK: memref.alloca() : memref<12xi64>
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32(%{{.*}}, %{{.*}}, %[[T]],
func.func @conv_results_read_later(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %bias: memref<4xf32>, %out: memref<1x4x6x6xf32>,
                                   %out2: memref<1x4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<1x4x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x4x6x6xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%c : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %bias : memref<1x4x6x6xf32>, memref<4xf32>) outs(%out : memref<1x4x6x6xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  }
  memref.copy %c, %out2 : memref<1x4x6x6xf32> to memref<1x4x6x6xf32>
  memref.dealloc %c : memref<1x4x6x6xf32>
  return
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>

// A copy of the result into a concatenation's slice, from a buffer that
// started as ones (so the microkernel adds into it and cannot write the
// slice itself): the register form of a copy alone (TG_EPI_TO_OUTPUT = 32),
// the kernel storing its final results to the slice.
// CHECK-LABEL: func.func @conv_copy_to_output
// CHECK: %[[D:.*]] = memref.alloca() : memref<12xi64>
// CHECK: %[[F:.*]] = arith.constant 32 : i64
// CHECK: memref.store %[[F]], %[[D]]
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32
func.func @conv_copy_to_output(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %cat: memref<1x8x6x6xf32>) {
  %one = arith.constant 1.0 : f32
  %c = memref.alloc() : memref<1x4x6x6xf32>
  linalg.fill ins(%one : f32) outs(%c : memref<1x4x6x6xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%c : memref<1x4x6x6xf32>)
  %slice = memref.subview %cat[0, 4, 0, 0] [1, 4, 6, 6] [1, 1, 1, 1] : memref<1x8x6x6xf32> to memref<1x4x6x6xf32, strided<[288, 36, 6, 1], offset: 144>>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : memref<1x4x6x6xf32>) outs(%slice : memref<1x4x6x6xf32, strided<[288, 36, 6, 1], offset: 144>>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  memref.dealloc %c : memref<1x4x6x6xf32>
  return
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>

// A bias folded to zeros, relu(x + 0.0): the register form of a relu alone
// (flags TG_EPI_ACT_RELU = 2, no bias view), since x + 0.0 differs from x
// only at x = -0.0, which the relu makes +0.0 either way. Without an
// activation, or before a clip whose lower bound is negative (-0.0 + 0.0
// = +0.0 would pass it unchanged), the sum stays in the function alone.
// CHECK-LABEL: func.func @conv_zero_bias
// CHECK: %[[D:.*]] = memref.alloca() : memref<12xi64>
// CHECK: %[[FLAGS:.*]] = arith.constant 2 : i64
// CHECK: memref.store %[[FLAGS]], %[[D]][%{{.*}}] : memref<12xi64>
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32
// CHECK: memref.alloca() : memref<7xi64>
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32
// CHECK: memref.alloca() : memref<7xi64>
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32
func.func @conv_zero_bias(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %y: memref<1x4x6x6xf32>,
                          %y2: memref<1x4x6x6xf32>, %y3: memref<1x4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %mone = arith.constant -1.0 : f32
  %one = arith.constant 1.0 : f32
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%y : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y : memref<1x4x6x6xf32>) outs(%y : memref<1x4x6x6xf32>) {
  ^bb0(%in: f32, %o: f32):
    %s = arith.addf %in, %zero : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%y2 : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y2 : memref<1x4x6x6xf32>) outs(%y2 : memref<1x4x6x6xf32>) {
  ^bb0(%in: f32, %o: f32):
    %s = arith.addf %in, %zero : f32
    linalg.yield %s : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%y3 : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y3 : memref<1x4x6x6xf32>) outs(%y3 : memref<1x4x6x6xf32>) {
  ^bb0(%in: f32, %o: f32):
    %s = arith.addf %in, %zero : f32
    %lo = arith.maximumf %s, %mone : f32
    %hi = arith.minimumf %lo, %one : f32
    linalg.yield %hi : f32
  }
  return
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// No register form: a lower bound of -0.0 (a compare and select would not
// give maximumf's +0.0 for -0.0 inputs), and a body with more than a bias
// and an activation (a square). The function alone runs them.
// CHECK-LABEL: func.func @conv_no_form
// CHECK: memref.alloca() : memref<12xi64>
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32
// CHECK: memref.alloca() : memref<12xi64>
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32
func.func @conv_no_form(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %y: memref<1x4x6x6xf32>, %bias: memref<4xf32>, %y2: memref<1x4x6x6xf32>) {
  %nzero = arith.constant -0.0 : f32
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%y : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %bias : memref<1x4x6x6xf32>, memref<4xf32>) outs(%y : memref<1x4x6x6xf32>) {
  ^bb0(%in: f32, %b: f32, %o: f32):
    %s = arith.addf %in, %b : f32
    %r = arith.maximumf %s, %nzero : f32
    linalg.yield %r : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%y2 : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y2, %bias : memref<1x4x6x6xf32>, memref<4xf32>) outs(%y2 : memref<1x4x6x6xf32>) {
  ^bb0(%in: f32, %b: f32, %o: f32):
    %s = arith.addf %in, %b : f32
    %q = arith.mulf %s, %s : f32
    linalg.yield %q : f32
  }
  return
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// A residual block's end, relu((x + bias) + r), and an inverted residual's,
// x + (r + bias): register forms with the residual's view (2) and flags
// TG_EPI_BIAS | TG_EPI_RESIDUAL | TG_EPI_ACT_RELU = 11 and TG_EPI_BIAS |
// TG_EPI_RESIDUAL_FIRST = 17.
// CHECK-LABEL: func.func @conv_residual_forms
// CHECK: %[[D:.*]] = memref.alloca() : memref<22xi64>
// CHECK: %[[F1:.*]] = arith.constant 11 : i64
// CHECK: memref.store %[[F1]], %[[D]]
// CHECK: %[[B1:.*]] = arith.constant 1 : i64
// CHECK: memref.store %[[B1]], %[[D]]
// CHECK: %[[R1:.*]] = arith.constant 2 : i64
// CHECK: memref.store %[[R1]], %[[D]]
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32
// CHECK: %[[E:.*]] = memref.alloca() : memref<22xi64>
// CHECK: %[[F2:.*]] = arith.constant 17 : i64
// CHECK: memref.store %[[F2]], %[[E]]
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32
func.func @conv_residual_forms(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %y: memref<1x4x6x6xf32>, %bias: memref<4xf32>,
                               %r: memref<1x4x6x6xf32>, %y2: memref<1x4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%y : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #ch, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %bias, %r : memref<1x4x6x6xf32>, memref<4xf32>, memref<1x4x6x6xf32>) outs(%y : memref<1x4x6x6xf32>) {
  ^bb0(%in: f32, %b: f32, %res: f32, %o: f32):
    %s = arith.addf %in, %b : f32
    %t = arith.addf %s, %res : f32
    %m = arith.maximumf %t, %zero : f32
    linalg.yield %m : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%y2 : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y2, %r, %bias : memref<1x4x6x6xf32>, memref<1x4x6x6xf32>, memref<4xf32>) outs(%y2 : memref<1x4x6x6xf32>) {
  ^bb0(%in: f32, %res: f32, %b: f32, %o: f32):
    %s = arith.addf %res, %b : f32
    %t = arith.addf %in, %s : f32
    linalg.yield %t : f32
  }
  return
}


// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// The end of a residual block written over its input r (the op's output
// is not the convolution's buffer, which nothing else reads): the register
// form stores to the output view (TG_EPI_TO_OUTPUT: 11 | 32 = 43).
// CHECK-LABEL: func.func @conv_residual_to_output
// CHECK: %[[D:.*]] = memref.alloca() : memref<22xi64>
// CHECK: %[[F:.*]] = arith.constant 43 : i64
// CHECK: memref.store %[[F]], %[[D]]
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32
func.func @conv_residual_to_output(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %bias: memref<4xf32>, %r: memref<1x4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %y = memref.alloc() : memref<1x4x6x6xf32>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%y : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [#id, #ch, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %bias, %r : memref<1x4x6x6xf32>, memref<4xf32>, memref<1x4x6x6xf32>) outs(%r : memref<1x4x6x6xf32>) {
  ^bb0(%in: f32, %b: f32, %res: f32, %o: f32):
    %s = arith.addf %in, %b : f32
    %t = arith.addf %s, %res : f32
    %m = arith.maximumf %t, %zero : f32
    linalg.yield %m : f32
  }
  memref.dealloc %y : memref<1x4x6x6xf32>
  return
}
