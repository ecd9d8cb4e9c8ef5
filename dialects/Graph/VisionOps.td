//===- VisionOps.td - tg sampling, detection and image ops -*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Ops of detection, segmentation and image pipelines that do not decompose
// into core ops without losing what they mean (data-dependent sampling
// positions, data-dependent output sizes). Included by GraphOps.td; their
// type inference is in VisionOps.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_GRAPH_VISION_OPS
#define TANGRAM_GRAPH_VISION_OPS

def TG_GridSampleOp : TG_Op<"grid_sample", [Pure]> {
  let summary = "samples an image at the positions of a grid";
  let description = [{
    ONNX GridSample on `N x C x D1 x ... x Dr` input with an
    `N x O1 x ... x Or x r` grid of normalized coordinates in [-1, 1] (the
    last grid dim lists x first, i.e. the innermost spatial dim). `mode` is
    `linear`, `nearest` or `cubic` (cubic only for 2-D); `padding_mode` is
    `zeros`, `border` or `reflection`. The result is `N x C x O1 x ... x Or`.

    Example:
    ```mlir
    %y = tg.grid_sample %x, %g {mode = "linear", padding_mode = "zeros", align_corners = false}
        : (tensor<1x1x4x4xf32>, tensor<1x6x6x2xf32>) -> tensor<1x1x6x6xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input, TG_FloatTensor:$grid,
                       DefaultValuedAttr<StrAttr, "\"linear\"">:$mode,
                       DefaultValuedAttr<StrAttr, "\"zeros\"">:$padding_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$align_corners);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_AffineGridOp : TG_Op<"affine_grid", [Pure]> {
  let summary = "the sampling grid of a batch of affine transforms";
  let description = [{
    ONNX AffineGrid: `theta` is `N x 2 x 3` (2-D) or `N x 3 x 4` (3-D);
    `size` is the 1-D i64 target shape `N, C, H, W` (or `N, C, D, H, W`).
    The result is `N x H x W x 2` (or `N x D x H x W x 3`); dims are `?`
    when `size` is not a constant.

    Example:
    ```mlir
    %g = tg.affine_grid %t, %s {align_corners = false}
        : (tensor<2x2x3xf32>, tensor<4xi64>) -> tensor<2x?x?x2xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$theta, TG_I64Tensor:$size,
                       DefaultValuedAttr<BoolAttr, "false">:$align_corners);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_RoiAlignOp : TG_Op<"roi_align", [Pure]> {
  let summary = "pools regions of interest to a fixed size (bilinear)";
  let description = [{
    ONNX RoiAlign on an `N x C x H x W` input: each of the `R` boxes of
    `rois` (`x1, y1, x2, y2`, scaled by `spatial_scale`) from image
    `batch_indices[r]` becomes a `C x output_height x output_width` map,
    averaging (`mode = "avg"`) or taking the maximum (`"max"`) of
    `sampling_ratio` bilinear samples per bin (adaptive when 0).

    Example:
    ```mlir
    %y = tg.roi_align %x, %r, %i {mode = "avg", output_height = 5 : i64, output_width = 5 : i64,
        sampling_ratio = 2 : i64, spatial_scale = 1.0 : f32,
        coordinate_transformation_mode = "half_pixel"}
        : (tensor<1x1x10x10xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x1x5x5xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input, TG_FloatTensor:$rois,
                       TG_IndexTensor:$batch_indices,
                       DefaultValuedAttr<StrAttr, "\"avg\"">:$mode,
                       I64Attr:$output_height, I64Attr:$output_width,
                       I64Attr:$sampling_ratio, F32Attr:$spatial_scale,
                       DefaultValuedAttr<StrAttr, "\"half_pixel\"">:$coordinate_transformation_mode);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_NonMaxSuppressionOp : TG_Op<"non_max_suppression", [Pure, AttrSizedOperandSegments]> {
  let summary = "greedy non-maximum suppression of boxes per batch and class";
  let description = [{
    ONNX NonMaxSuppression: `boxes` is `B x S x 4` (corners, or centers and
    sizes with `center_point_box`), `scores` is `B x K x S`. Keeps, per batch
    and class, up to `max_output_boxes_per_class` boxes (none when absent)
    scoring above `score_threshold` (no threshold when absent) whose IoU
    with every kept box is at most `iou_threshold` (0 when absent). The
    result lists `batch, class, box` triples; its length depends on the data.

    Example:
    ```mlir
    %i = tg.non_max_suppression %b, %s max(%m : tensor<1xi64>) iou(%t : tensor<1xf32>)
        : (tensor<1x6x4xf32>, tensor<1x1x6xf32>) -> tensor<?x3xi64>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$boxes, TG_FloatTensor:$scores,
                       Optional<TG_I64Tensor>:$max_output_boxes_per_class,
                       Optional<TG_FloatTensor>:$iou_threshold,
                       Optional<TG_FloatTensor>:$score_threshold,
                       DefaultValuedAttr<BoolAttr, "false">:$center_point_box);
  let results = (outs TG_I64Tensor:$selected_indices);
  let assemblyFormat = [{
    $boxes `,` $scores
    (`max` `(` $max_output_boxes_per_class^ `:` type($max_output_boxes_per_class) `)`)?
    (`iou` `(` $iou_threshold^ `:` type($iou_threshold) `)`)?
    (`score` `(` $score_threshold^ `:` type($score_threshold) `)`)?
    attr-dict `:` `(` type($boxes) `,` type($scores) `)` `->` type($selected_indices)
  }];
}

def TG_DeformConvOp : TG_Op<"deform_conv", [Pure, AttrSizedOperandSegments]> {
  let summary = "deformable convolution (NC... layout)";
  let description = [{
    ONNX DeformConv: a grouped convolution whose kernel taps are moved by
    the learned `offset` (`N x offset_group*r*prod(k) x out...`, per tap the
    displacement of each spatial dim) and, when given, weighted by `mask`
    (`N x offset_group*prod(k) x out...`); taps fall between pixels and are
    sampled bilinearly (zero outside). Output sizes follow tg.conv.

    Example:
    ```mlir
    %y = tg.deform_conv %x, %w, %o {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
        dilations = array<i64: 1, 1>, group = 1 : i64, offset_group = 1 : i64}
        : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x8x2x2xf32>) -> tensor<1x1x2x2xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input, TG_FloatTensor:$weight,
                       TG_FloatTensor:$offset, Optional<TG_FloatTensor>:$bias,
                       Optional<TG_FloatTensor>:$mask,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group,
                       DefaultValuedAttr<I64Attr, "1">:$offset_group);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight `,` $offset (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`mask` `(` $mask^ `:` type($mask) `)`)?
    attr-dict `:` `(` type($input) `,` type($weight) `,` type($offset) `)` `->` type($output)
  }];
}

def TG_Col2ImOp : TG_Op<"col2im", [Pure]> {
  let summary = "sums sliding blocks back into an image (inverse of im2col)";
  let description = [{
    ONNX Col2Im: `input` is `N x C*prod(block_shape) x L`; each column is
    one block, added into an image of `image_shape` at its sliding-window
    position (`strides`, `dilations`, `pads` begins then ends). The result
    is `N x C x image_shape...`; dims are `?` for operands that are not
    constants.

    Example:
    ```mlir
    %y = tg.col2im %x, %img, %blk {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
        dilations = array<i64: 1, 1>}
        : (tensor<1x5x5xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x?x?x?xf32>
    ```
  }];
  let arguments = (ins TG_NumTensor:$input, TG_I64Tensor:$image_shape,
                       TG_I64Tensor:$block_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations);
  let results = (outs TG_NumTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_MaxUnpoolOp : TG_Op<"max_unpool", [Pure]> {
  let summary = "scatters pooled maxima back to their positions";
  let description = [{
    ONNX MaxUnpool: places each value of `input` at the flat position
    `indices` holds (as MaxPool's second output gives it) in a zero tensor of
    the unpooled shape: `output_shape` when given, else
    `(in - 1) * stride + kernel - pad_begin - pad_end` per spatial dim.

    Example:
    ```mlir
    %y = tg.max_unpool %x, %i {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
        pads = array<i64: 0, 0, 0, 0>}
        : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
    ```
  }];
  let arguments = (ins TG_NumTensor:$input, TG_I64Tensor:$indices,
                       Optional<TG_I64Tensor>:$output_shape,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads);
  let results = (outs TG_NumTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_CenterCropPadOp : TG_Op<"center_crop_pad", [Pure]> {
  let summary = "crops or zero-pads the listed axes around their centers";
  let description = [{
    ONNX CenterCropPad: along each axis of `axes` (normalized, increasing)
    the result has the length `shape` lists for it, cropped from or padded
    around the center of the input. Other dims are kept; axis dims are `?`
    when `shape` is not a constant.

    Example:
    ```mlir
    %y = tg.center_crop_pad %x, %s {axes = array<i64: 0, 1>}
        : (tensor<20x10x3xf32>, tensor<2xi64>) -> tensor<?x?x3xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, TG_IndexTensor:$shape,
                       DenseI64ArrayAttr:$axes);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_ImageDecodeOp : TG_Op<"image_decode", [Pure]> {
  let summary = "decodes an encoded image (bytes) into pixels";
  let description = [{
    ONNX ImageDecoder: `input` holds the bytes of one encoded image (BMP,
    JPEG, JPEG 2000, PNG, PNM, TIFF, WebP); the result is `H x W x 3`
    (`pixel_format` `RGB` or `BGR`) or `H x W x 1` (`Grayscale`) ui8 pixels,
    with sizes known only once the data is read.

    Example:
    ```mlir
    %y = tg.image_decode %b {pixel_format = "RGB"} : tensor<3126xui8> -> tensor<?x?x3xui8>
    ```
  }];
  let arguments = (ins RankedTensorOf<[UI8]>:$input,
                       DefaultValuedAttr<StrAttr, "\"RGB\"">:$pixel_format);
  let results = (outs RankedTensorOf<[UI8]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

#endif // TANGRAM_GRAPH_VISION_OPS
