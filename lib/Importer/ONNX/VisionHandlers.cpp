//===- VisionHandlers.cpp - ONNX sampling, detection and image ops --------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Each of these ONNX ops maps to one tg op of VisionOps.td; the handlers
// fill in the ONNX attribute defaults and the spellings that changed
// between opsets.
//
//===----------------------------------------------------------------------===//
#include "OpBinder.h"

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

namespace {

/// `name`, or `n` copies of `def` when the attribute is absent.
SmallVector<int64_t> intsOr(OpBinder &b, StringRef name, size_t n,
                            int64_t def) {
  if (!b.attr(name))
    return SmallVector<int64_t>(n, def);
  return b.ints(name);
}

/// GridSample; opset 16 spells the modes bilinear/bicubic, opset 20 linear/
/// cubic.
LogicalResult gridSample(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  std::string mode = b.s("mode", b.opset < 20 ? "bilinear" : "linear");
  if (mode == "bilinear")
    mode = "linear";
  else if (mode == "bicubic")
    mode = "cubic";
  return b.emit<tg::GridSampleOp>(
      {b.input(0), b.input(1)},
      {b.named("mode", b.str(mode)),
       b.named("padding_mode", b.str(b.s("padding_mode", "zeros"))),
       b.named("align_corners", b.boolean(b.i("align_corners", 0)))});
}

LogicalResult affineGrid(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  return b.emit<tg::AffineGridOp>(
      {b.input(0), b.input(1)},
      {b.named("align_corners", b.boolean(b.i("align_corners", 0)))});
}

/// RoiAlign; before opset 16 the op behaved as output_half_pixel (no half
/// pixel shift), which opset 16 made the non-default mode.
LogicalResult roiAlign(OpBinder &b) {
  if (failed(b.need(3)))
    return failure();
  std::string ct = b.opset < 16
                       ? "output_half_pixel"
                       : b.s("coordinate_transformation_mode", "half_pixel");
  return b.emit<tg::RoiAlignOp>(
      {b.input(0), b.input(1), b.input(2)},
      {b.named("mode", b.str(b.s("mode", "avg"))),
       b.named("output_height", b.i64(b.i("output_height", 1))),
       b.named("output_width", b.i64(b.i("output_width", 1))),
       b.named("sampling_ratio", b.i64(b.i("sampling_ratio", 0))),
       b.named("spatial_scale", b.f32(b.f("spatial_scale", 1.0f))),
       b.named("coordinate_transformation_mode", b.str(ct))});
}

LogicalResult nonMaxSuppression(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  SmallVector<Value> ops = {b.input(0), b.input(1), b.input(2), b.input(3),
                            b.input(4)};
  return b.emit<tg::NonMaxSuppressionOp>(
      OpBinder::present(ops),
      {b.segmentSizes(ops),
       b.named("center_point_box", b.boolean(b.i("center_point_box", 0)))});
}

LogicalResult deformConv(OpBinder &b) {
  if (failed(b.need(3)))
    return failure();
  int64_t spatial = b.rankOf(b.input(0)) - 2;
  if (spatial < 1)
    return b.fail("input rank must be at least 3");
  SmallVector<Value> ops = {b.input(0), b.input(1), b.input(2), b.input(3),
                            b.input(4)};
  return b.emit<tg::DeformConvOp>(
      OpBinder::present(ops),
      {b.segmentSizes(ops),
       b.named("strides", b.array(intsOr(b, "strides", spatial, 1))),
       b.named("pads", b.array(intsOr(b, "pads", 2 * spatial, 0))),
       b.named("dilations", b.array(intsOr(b, "dilations", spatial, 1))),
       b.named("group", b.i64(b.i("group", 1))),
       b.named("offset_group", b.i64(b.i("offset_group", 1)))});
}

LogicalResult col2im(OpBinder &b) {
  if (failed(b.need(3)))
    return failure();
  auto bt = b.typeOf(b.input(2));
  if (bt.getRank() != 1 || bt.isDynamicDim(0))
    return b.fail("block_shape must be a 1-D tensor of static length");
  size_t n = bt.getDimSize(0);
  return b.emit<tg::Col2ImOp>(
      {b.input(0), b.input(1), b.input(2)},
      {b.named("strides", b.array(intsOr(b, "strides", n, 1))),
       b.named("pads", b.array(intsOr(b, "pads", 2 * n, 0))),
       b.named("dilations", b.array(intsOr(b, "dilations", n, 1)))});
}

LogicalResult maxUnpool(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  if (!b.attr("kernel_shape"))
    return b.fail("kernel_shape is required");
  SmallVector<int64_t> k = b.ints("kernel_shape");
  SmallVector<Value> ops = {b.input(0), b.input(1)};
  if (b.hasInput(2))
    ops.push_back(b.input(2));
  return b.emit<tg::MaxUnpoolOp>(
      ops, {b.named("kernel_shape", b.array(k)),
            b.named("strides", b.array(intsOr(b, "strides", k.size(), 1))),
            b.named("pads", b.array(intsOr(b, "pads", 2 * k.size(), 0)))});
}

LogicalResult centerCropPad(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  int64_t rank = b.rankOf(b.input(0));
  SmallVector<int64_t> axes = b.ints("axes");
  if (!b.attr("axes"))
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  auto norm = b.axes(axes, rank);
  if (failed(norm))
    return failure();
  // The shape values follow the attribute's order; tg wants sorted axes.
  if (*norm != ArrayRef<int64_t>(axes)) {
    SmallVector<int64_t> order;
    for (int64_t a : *norm)
      for (auto [i, given] : llvm::enumerate(axes))
        if ((given < 0 ? given + rank : given) == a)
          order.push_back(i);
    auto idx = b.constI64(order);
    auto shape =
        b.make<tg::GatherOp>({b.input(1), idx}, {b.named("axis", b.i64(0))});
    if (failed(shape))
      return failure();
    return b.emit<tg::CenterCropPadOp>({b.input(0), *shape},
                                       {b.named("axes", b.array(*norm))});
  }
  return b.emit<tg::CenterCropPadOp>({b.input(0), b.input(1)},
                                     {b.named("axes", b.array(*norm))});
}

LogicalResult imageDecoder(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  return b.emit<tg::ImageDecodeOp>(
      {b.input(0)},
      {b.named("pixel_format", b.str(b.s("pixel_format", "RGB")))});
}

} // namespace

void mlir::tangram::onnx_importer::registerVisionHandlers(HandlerTable &t) {
  t.on("GridSample", 16, gridSample);
  t.on("AffineGrid", 20, affineGrid);
  t.on("RoiAlign", 10, roiAlign);
  t.on("NonMaxSuppression", 10, nonMaxSuppression);
  t.on("DeformConv", 19, deformConv);
  t.on("Col2Im", 18, col2im);
  t.on("MaxUnpool", 9, maxUnpool);
  t.on("CenterCropPad", 18, centerCropPad);
  t.on("ImageDecoder", 20, imageDecoder);
}
