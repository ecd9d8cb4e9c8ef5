//===- VisionOps.cpp - type inference of sampling and detection ops -------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Result types of the ops in VisionOps.td. Sizes that come from operand
// values are known only when those operands are constants; otherwise they
// are `?` (and checked where the op is lowered or run).
//
//===----------------------------------------------------------------------===//
#include "InferenceUtils.h"

using namespace mlir;
using namespace mlir::tangram::tg;
using namespace mlir::tangram::tg::detail;

/// The static length of a 1-D operand, or failure.
static FailureOr<int64_t> vectorLength(OptLoc loc, Value v, StringRef what) {
  auto t = tensorOf(v);
  if (t.getRank() != 1 || t.isDynamicDim(0))
    return emitOptionalError(loc, what,
                             " must be a 1-D tensor of static "
                             "length");
  return t.getDimSize(0);
}

LogicalResult GridSampleOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                             Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput()), g = tensorOf(adaptor.getGrid());
  int64_t rank = x.getRank(), spatial = rank - 2;
  if (rank < 3 || g.getRank() != rank)
    return emitOptionalError(loc,
                             "input and grid must have the same rank >= 3");
  if (x.getElementType() != g.getElementType())
    return emitOptionalError(loc, "input and grid element types differ");
  if (!mayEqual(g.getDimSize(rank - 1), spatial))
    return emitOptionalError(loc, "the last grid dim must be ", spatial);
  if (!mayEqual(x.getDimSize(0), g.getDimSize(0)))
    return emitOptionalError(loc, "input and grid batch sizes differ");
  StringRef mode = adaptor.getMode(), pad = adaptor.getPaddingMode();
  if (mode != "linear" && mode != "nearest" && mode != "cubic")
    return emitOptionalError(loc, "unknown mode '", mode, "'");
  if (mode == "cubic" && spatial != 2)
    return emitOptionalError(loc, "cubic mode needs a 2-D image");
  if (pad != "zeros" && pad != "border" && pad != "reflection")
    return emitOptionalError(loc, "unknown padding_mode '", pad, "'");
  SmallVector<int64_t> shape = {ShapedType::isDynamic(x.getDimSize(0))
                                    ? g.getDimSize(0)
                                    : x.getDimSize(0),
                                x.getDimSize(1)};
  for (int64_t i = 1; i <= spatial; ++i)
    shape.push_back(g.getDimSize(i));
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult AffineGridOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                             Adaptor adaptor, TypeList &types) {
  auto theta = tensorOf(adaptor.getTheta());
  auto n = vectorLength(loc, adaptor.getSize(), "size");
  if (failed(n))
    return failure();
  if (*n != 4 && *n != 5)
    return emitOptionalError(loc, "size must have 4 (2-D) or 5 (3-D) values");
  int64_t r = *n - 2;
  if (theta.getRank() != 3 || !mayEqual(theta.getDimSize(1), r) ||
      !mayEqual(theta.getDimSize(2), r + 1))
    return emitOptionalError(loc, "theta must be N x ", r, " x ", r + 1);
  SmallVector<int64_t> size, shape = {theta.getDimSize(0)};
  bool known = getConstantInts(adaptor.getSize(), size);
  if (known && !mayEqual(size[0], theta.getDimSize(0)))
    return emitOptionalError(loc, "size and theta batch sizes differ");
  for (int64_t i = 0; i < r; ++i)
    shape.push_back(known ? size[2 + i] : kDyn);
  shape.push_back(r);
  types.push_back(theta.clone(shape));
  return success();
}

LogicalResult RoiAlignOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                           Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput()), rois = tensorOf(adaptor.getRois());
  auto idx = tensorOf(adaptor.getBatchIndices());
  if (x.getRank() != 4)
    return emitOptionalError(loc, "input must be N x C x H x W");
  if (rois.getRank() != 2 || !mayEqual(rois.getDimSize(1), 4))
    return emitOptionalError(loc, "rois must be R x 4");
  if (idx.getRank() != 1 || !mayEqual(idx.getDimSize(0), rois.getDimSize(0)))
    return emitOptionalError(loc, "batch_indices must hold one index per roi");
  if (rois.getElementType() != x.getElementType())
    return emitOptionalError(loc, "rois must have the input's element type");
  if (adaptor.getMode() != "avg" && adaptor.getMode() != "max")
    return emitOptionalError(loc, "mode must be avg or max");
  StringRef ct = adaptor.getCoordinateTransformationMode();
  if (ct != "half_pixel" && ct != "output_half_pixel")
    return emitOptionalError(loc, "unknown coordinate_transformation_mode '",
                             ct, "'");
  if ((int64_t)adaptor.getOutputHeight() <= 0 ||
      (int64_t)adaptor.getOutputWidth() <= 0 ||
      (int64_t)adaptor.getSamplingRatio() < 0)
    return emitOptionalError(loc, "output sizes must be positive and "
                                  "sampling_ratio non-negative");
  int64_t r = ShapedType::isDynamic(rois.getDimSize(0)) ? idx.getDimSize(0)
                                                        : rois.getDimSize(0);
  int64_t h = adaptor.getOutputHeight(), w = adaptor.getOutputWidth();
  types.push_back(x.clone({r, x.getDimSize(1), h, w}));
  return success();
}

LogicalResult NonMaxSuppressionOp::inferReturnTypes(MLIRContext *ctx,
                                                    OptLoc loc, Adaptor adaptor,
                                                    TypeList &types) {
  auto boxes = tensorOf(adaptor.getBoxes()),
       scores = tensorOf(adaptor.getScores());
  if (boxes.getRank() != 3 || !mayEqual(boxes.getDimSize(2), 4))
    return emitOptionalError(loc, "boxes must be B x S x 4");
  if (scores.getRank() != 3 ||
      !mayEqual(scores.getDimSize(0), boxes.getDimSize(0)) ||
      !mayEqual(scores.getDimSize(2), boxes.getDimSize(1)))
    return emitOptionalError(loc,
                             "scores must be B x K x S for B x S x 4 boxes");
  if (scores.getElementType() != boxes.getElementType())
    return emitOptionalError(loc, "boxes and scores element types differ");
  for (auto [v, what] :
       {std::pair(adaptor.getMaxOutputBoxesPerClass(),
                  "max_output_boxes_per_class"),
        std::pair(adaptor.getIouThreshold(), "iou_threshold"),
        std::pair(adaptor.getScoreThreshold(), "score_threshold")})
    if (v && failed(checkOneValue(loc, v, what)))
      return failure();
  types.push_back(RankedTensorType::get({kDyn, 3}, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult DeformConvOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                             Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput()), w = tensorOf(adaptor.getWeight());
  auto off = tensorOf(adaptor.getOffset());
  int64_t rank = x.getRank(), spatial = rank - 2;
  if (rank < 3 || w.getRank() != rank || off.getRank() != rank)
    return emitOptionalError(loc, "input, weight and offset must have the "
                                  "same rank >= 3");
  if (x.getElementType() != w.getElementType() ||
      x.getElementType() != off.getElementType())
    return emitOptionalError(loc, "input, weight and offset element types "
                                  "differ");
  if (failed(checkWindowAttrs(loc, spatial, adaptor.getStrides(),
                              adaptor.getPads(), adaptor.getDilations())))
    return failure();
  int64_t group = adaptor.getGroup(), og = adaptor.getOffsetGroup();
  if (group <= 0 || og <= 0)
    return emitOptionalError(loc, "group and offset_group must be positive");
  int64_t c = x.getDimSize(1), m = w.getDimSize(0);
  if (!ShapedType::isDynamic(c) && !mayEqual(w.getDimSize(1) * group, c))
    return emitOptionalError(loc, "input channels != weight channels * group");
  int64_t taps = 1;
  for (int64_t i = 0; i < spatial; ++i)
    taps = ShapedType::isDynamic(w.getDimSize(i + 2)) ||
                   ShapedType::isDynamic(taps)
               ? kDyn
               : taps * w.getDimSize(i + 2);
  if (!ShapedType::isDynamic(taps) &&
      !mayEqual(off.getDimSize(1), og * spatial * taps))
    return emitOptionalError(loc, "offset must have offset_group * ", spatial,
                             " * kernel taps (", og * spatial * taps,
                             ") channels");
  SmallVector<int64_t> shape = {x.getDimSize(0), m};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t o =
        windowOut(x.getDimSize(i + 2), w.getDimSize(i + 2),
                  adaptor.getStrides()[i], adaptor.getDilations()[i],
                  adaptor.getPads()[i] + adaptor.getPads()[i + spatial], false);
    if (o == -1)
      return emitOptionalError(loc, "kernel larger than padded input");
    if (!mayEqual(o, off.getDimSize(i + 2)))
      return emitOptionalError(loc, "offset spatial dims must be the output's");
    shape.push_back(o);
  }
  if (Value mask = adaptor.getMask()) {
    auto mt = tensorOf(mask);
    if (mt.getRank() != rank || (!ShapedType::isDynamic(taps) &&
                                 !mayEqual(mt.getDimSize(1), og * taps)))
      return emitOptionalError(loc, "mask must have offset_group * kernel taps "
                                    "channels");
  }
  if (Value b = adaptor.getBias())
    if (tensorOf(b).getRank() != 1 || !mayEqual(tensorOf(b).getDimSize(0), m))
      return emitOptionalError(loc, "bias must be 1-D with one value per "
                                    "output channel");
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult Col2ImOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  auto n = vectorLength(loc, adaptor.getImageShape(), "image_shape");
  auto nb = vectorLength(loc, adaptor.getBlockShape(), "block_shape");
  if (failed(n) || failed(nb))
    return failure();
  if (*n != *nb || *n < 1)
    return emitOptionalError(loc, "image_shape and block_shape must have the "
                                  "same non-zero length");
  if (x.getRank() != 3)
    return emitOptionalError(loc, "input must be N x C*prod(block) x L");
  if (failed(checkWindowAttrs(loc, *n, adaptor.getStrides(), adaptor.getPads(),
                              adaptor.getDilations())))
    return failure();
  SmallVector<int64_t> image, block;
  int64_t c = kDyn;
  if (getConstantInts(adaptor.getBlockShape(), block) &&
      !ShapedType::isDynamic(x.getDimSize(1))) {
    int64_t prod = 1;
    for (int64_t b : block) {
      if (b <= 0)
        return emitOptionalError(loc, "block_shape must be positive");
      prod *= b;
    }
    if (x.getDimSize(1) % prod != 0)
      return emitOptionalError(loc, "input dim 1 (", x.getDimSize(1),
                               ") is not a multiple of the block size ", prod);
    c = x.getDimSize(1) / prod;
  }
  SmallVector<int64_t> shape = {x.getDimSize(0), c};
  bool known = getConstantInts(adaptor.getImageShape(), image);
  for (int64_t i = 0; i < *n; ++i)
    shape.push_back(known ? image[i] : kDyn);
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult MaxUnpoolOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput()), idx = tensorOf(adaptor.getIndices());
  int64_t rank = x.getRank(), spatial = rank - 2;
  if (rank < 3 || idx.getShape().size() != (size_t)rank)
    return emitOptionalError(loc, "input must be N x C x ... and indices of "
                                  "the same rank");
  for (int64_t i = 0; i < rank; ++i)
    if (!mayEqual(x.getDimSize(i), idx.getDimSize(i)))
      return emitOptionalError(loc, "indices must have the input's shape");
  ArrayRef<int64_t> k = adaptor.getKernelShape(), s = adaptor.getStrides(),
                    p = adaptor.getPads();
  if ((int64_t)k.size() != spatial || (int64_t)s.size() != spatial ||
      (int64_t)p.size() != 2 * spatial)
    return emitOptionalError(loc, "expected ", spatial,
                             " kernel dims and "
                             "strides and ",
                             2 * spatial, " pads");
  SmallVector<int64_t> shape(x.getShape().take_front(2));
  if (Value os = adaptor.getOutputShape()) {
    auto n = vectorLength(loc, os, "output_shape");
    if (failed(n))
      return failure();
    if (*n != rank)
      return emitOptionalError(loc, "output_shape must have ", rank, " values");
    SmallVector<int64_t> out;
    if (getConstantInts(os, out))
      shape.assign(out.begin(), out.end());
    else
      shape.append(spatial, kDyn);
    types.push_back(x.clone(shape));
    return success();
  }
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = x.getDimSize(i + 2);
    shape.push_back(ShapedType::isDynamic(in)
                        ? kDyn
                        : (in - 1) * s[i] + k[i] - p[i] - p[i + spatial]);
  }
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult CenterCropPadOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                                Adaptor adaptor,
                                                TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  ArrayRef<int64_t> axes = adaptor.getAxes();
  auto n = vectorLength(loc, adaptor.getShape(), "shape");
  if (failed(n))
    return failure();
  if (*n != (int64_t)axes.size())
    return emitOptionalError(loc, "shape must have one value per axis");
  int64_t prev = -1;
  for (int64_t a : axes) {
    if (a <= prev || a >= x.getRank())
      return emitOptionalError(loc, "axes must be sorted, unique, in range");
    prev = a;
  }
  SmallVector<int64_t> sizes, shape(x.getShape());
  bool known = getConstantInts(adaptor.getShape(), sizes);
  for (auto [i, a] : llvm::enumerate(axes)) {
    if (known && sizes[i] < 0)
      return emitOptionalError(loc, "shape must be non-negative");
    shape[a] = known ? sizes[i] : kDyn;
  }
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult ImageDecodeOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                              Adaptor adaptor,
                                              TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  if (x.getRank() != 1)
    return emitOptionalError(loc, "input must be 1-D bytes");
  StringRef f = adaptor.getPixelFormat();
  if (f != "RGB" && f != "BGR" && f != "Grayscale")
    return emitOptionalError(loc, "pixel_format must be RGB, BGR or Grayscale");
  types.push_back(x.clone({kDyn, kDyn, f == "Grayscale" ? 1 : 3}));
  return success();
}
