// RUN: tangram-opt %s -split-input-file -tg-gpu-fold-pads | FileCheck %s

// A conv of a zero-padded input reads the input itself: in bounds along
// the padded dims (index - low, unsigned, below the input's dim) it takes
// the element, elsewhere the padding value. The unpadded dims are neither
// checked nor clamped; the pad goes.
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>)
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x3x3x3xf32>)
// CHECK: %[[N:.*]] = linalg.index 0
// CHECK: %[[OH:.*]] = linalg.index 2
// CHECK: %[[OW:.*]] = linalg.index 3
// CHECK: %[[C:.*]] = linalg.index 4
// CHECK: %[[KH:.*]] = linalg.index 5
// CHECK: %[[KW:.*]] = linalg.index 6
// CHECK: %[[H:.*]] = arith.addi %[[OH]], %[[KH]]
// CHECK: %[[HI:.*]] = arith.subi %[[H]], %{{.*}}
// CHECK: %[[HIN:.*]] = arith.cmpi ult, %[[HI]], %{{.*}}
// CHECK: %[[WW:.*]] = arith.addi %[[OW]], %[[KW]]
// CHECK: %[[WI:.*]] = arith.subi %[[WW]], %{{.*}}
// CHECK: %[[WIN:.*]] = arith.cmpi ult, %[[WI]], %{{.*}}
// CHECK: %[[IN:.*]] = arith.andi %[[HIN]], %[[WIN]]
// CHECK: %[[HC:.*]] = arith.select %[[IN]], %[[HI]], %{{.*}}
// CHECK: %[[WC:.*]] = arith.select %[[IN]], %[[WI]], %{{.*}}
// CHECK: %[[E:.*]] = tensor.extract %[[X]][%[[N]], %[[C]], %[[HC]], %[[WC]]]
// CHECK: %[[V:.*]] = arith.select %[[IN]], %[[E]], %{{.*}} : f32
// CHECK: arith.mulf %[[V]], %{{.*}}
func.func @conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %z : f32
  } : tensor<1x3x8x8xf32> to tensor<1x3x10x10xf32>
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%f : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// A max pool padded with -inf, low padding known at run time only: the
// window tensor and the output still size the loops. The pad stays for
// its other user.
// CHECK-LABEL: func.func @pool
// CHECK-SAME: %[[LOW:[a-z0-9]+]]: index
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[P:.*]] = tensor.pad
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<3xf32>)
// CHECK: arith.subi %{{.*}}, %[[LOW]]
// CHECK: arith.cmpi ult
// CHECK: tensor.extract
// CHECK: arith.select %{{.*}}, %{{.*}}, %[[NINF]] : f32
// CHECK: arith.maximumf
// CHECK: return {{.*}}, %[[P]]
func.func @pool(%x: tensor<?xf32>, %low: index) -> (tensor<4xf32>, tensor<?xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[%low] high[1] {
  ^bb0(%a: index):
    tensor.yield %ninf : f32
  } : tensor<?xf32> to tensor<?xf32>
  %win = tensor.empty() : tensor<3xf32>
  %e = tensor.empty() : tensor<4xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, k) -> (i * 2 + k)>, affine_map<(i, k) -> (k)>, affine_map<(i, k) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%p, %win : tensor<?xf32>, tensor<3xf32>) outs(%f : tensor<4xf32>) {
  ^bb0(%in: f32, %w: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %y, %p : tensor<4xf32>, tensor<?xf32>
}

// -----

// A sum over the whole padded tensor: without it, nothing sizes the
// reduction loop. It stays.
// CHECK-LABEL: func.func @total
// CHECK: %[[P:.*]] = tensor.pad
// CHECK: linalg.generic {{.*}} ins(%[[P]] : tensor<10xf32>)
func.func @total(%x: tensor<8xf32>) -> tensor<f32> {
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %x low[1] high[1] {
  ^bb0(%a: index):
    tensor.yield %z : f32
  } : tensor<8xf32> to tensor<10xf32>
  %e = tensor.empty() : tensor<f32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %y = linalg.generic {indexing_maps = [affine_map<(k) -> (k)>, affine_map<(k) -> ()>], iterator_types = ["reduction"]} ins(%p : tensor<10xf32>) outs(%f : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %y : tensor<f32>
}

// -----

// Padding computed from the position (not a value of the host): stays.
// CHECK-LABEL: func.func @ramp
// CHECK: tensor.pad
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<6xf32>)
func.func @ramp(%x: tensor<4xf32>) -> tensor<6xf32> {
  %p = tensor.pad %x low[1] high[1] {
  ^bb0(%a: index):
    %i = arith.index_cast %a : index to i32
    %v = arith.sitofp %i : i32 to f32
    tensor.yield %v : f32
  } : tensor<4xf32> to tensor<6xf32>
  %e = tensor.empty() : tensor<6xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%p : tensor<6xf32>) outs(%e : tensor<6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<6xf32>
  return %y : tensor<6xf32>
}

// -----

// A depthwise conv reads its padded input through an expand_shape that
// splits an unpadded dim ([N, C, H, W] as [N, C, 1, H, W]): the pad moves
// after the expand (the padded dims stay one dim each), then folds.
// CHECK-LABEL: func.func @depthwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x6x6xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[E:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 4, 1, 6, 6] : tensor<1x4x6x6xf32> into tensor<1x4x1x6x6xf32>
// CHECK: linalg.generic
// CHECK: tensor.extract %[[E]]
func.func @depthwise(%x: tensor<1x4x6x6xf32>, %w: tensor<4x1x1x3x3xf32>) -> tensor<1x4x1x6x6xf32> {
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %z : f32
  } : tensor<1x4x6x6xf32> to tensor<1x4x8x8xf32>
  %v = tensor.expand_shape %p [[0], [1, 2], [3], [4]] output_shape [1, 4, 1, 8, 8] : tensor<1x4x8x8xf32> into tensor<1x4x1x8x8xf32>
  %e = tensor.empty() : tensor<1x4x1x6x6xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x4x1x6x6xf32>) -> tensor<1x4x1x6x6xf32>
  %y = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v, %w : tensor<1x4x1x8x8xf32>, tensor<4x1x1x3x3xf32>) outs(%f : tensor<1x4x1x6x6xf32>) -> tensor<1x4x1x6x6xf32>
  return %y : tensor<1x4x1x6x6xf32>
}
