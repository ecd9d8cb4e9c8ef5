//===- ShapeHandlers.cpp - ONNX constants, shapes and data movement --------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "OpBinder.h"
#include "TensorConversion.h"

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

namespace {

Value constantOf(OpBinder &b, ElementsAttr value) {
  return tg::ConstantOp::create(b.b, b.loc, value);
}

LogicalResult constant(OpBinder &b) {
  MLIRContext *ctx = b.ctx;
  Builder bb(ctx);
  if (const auto *a = b.attr("value")) {
    onnx::TensorProto t = a->t();
    std::string err;
    ElementsAttr v = convertTensor(t, b.baseDir(), ctx, err);
    if (!v)
      return b.fail(err);
    return b.setResult(constantOf(b, v));
  }
  if (const auto *a = b.attr("value_float")) {
    auto t = RankedTensorType::get({}, bb.getF32Type());
    return b.setResult(constantOf(b, DenseElementsAttr::get(t, a->f())));
  }
  if (const auto *a = b.attr("value_floats")) {
    SmallVector<float> v(a->floats().begin(), a->floats().end());
    auto t = RankedTensorType::get({(int64_t)v.size()}, bb.getF32Type());
    return b.setResult(constantOf(b, DenseElementsAttr::get(t, ArrayRef(v))));
  }
  if (const auto *a = b.attr("value_int")) {
    auto t = RankedTensorType::get({}, bb.getI64Type());
    return b.setResult(
        constantOf(b, DenseElementsAttr::get(t, (int64_t)a->i())));
  }
  if (const auto *a = b.attr("value_ints")) {
    SmallVector<int64_t> v(a->ints().begin(), a->ints().end());
    auto t = RankedTensorType::get({(int64_t)v.size()}, bb.getI64Type());
    return b.setResult(constantOf(b, DenseElementsAttr::get(t, ArrayRef(v))));
  }
  if (b.attr("sparse_value"))
    return b.fail("sparse constants are not supported");
  if (b.attr("value_string") || b.attr("value_strings"))
    return b.fail("string constants are not supported (dtype STRING)");
  return b.fail("no value attribute");
}

LogicalResult constantOfShape(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  ElementsAttr value;
  if (const auto *a = b.attr("value")) {
    onnx::TensorProto t = a->t();
    std::string err;
    value = convertTensor(t, b.baseDir(), b.ctx, err);
    if (!value)
      return b.fail(err);
    if (value.getNumElements() != 1)
      return b.fail("value must hold one element");
    if (auto res = dyn_cast<DenseResourceElementsAttr>(value))
      return b.fail("value must be small");
    value = cast<ElementsAttr>(cast<DenseElementsAttr>(value).reshape(
        RankedTensorType::get({1}, value.getElementType())));
  } else {
    auto t = RankedTensorType::get({1}, b.b.getF32Type());
    value = cast<ElementsAttr>(DenseElementsAttr::get(t, 0.0f));
  }
  return b.emit<tg::ConstantOfShapeOp>({b.input(0)},
                                         {b.named("value", value)});
}

LogicalResult shape(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  int64_t rank = b.rankOf(b.input(0));
  return b.emit<tg::ShapeOp>(
      {b.input(0)}, {b.named("start", b.i64(b.i("start", 0))),
                     b.named("end", b.i64(b.i("end", rank)))});
}

LogicalResult size(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  return b.emit<tg::SizeOp>({b.input(0)});
}

LogicalResult reshape(OpBinder &b) {
  if (b.opset < 5)
    return b.fail("Reshape before opset 5 is not supported");
  if (failed(b.need(2)))
    return failure();
  return b.emit<tg::ReshapeOp>(
      {b.input(0), b.input(1)},
      {b.named("allowzero", b.boolean(b.i("allowzero", 0)))});
}

LogicalResult flatten(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  int64_t rank = b.rankOf(b.input(0));
  int64_t axis = b.i("axis", 1);
  if (axis < -rank || axis > rank)
    return b.fail("axis out of range");
  if (axis < 0)
    axis += rank;
  return b.emit<tg::FlattenOp>({b.input(0)}, {b.named("axis", b.i64(axis))});
}

LogicalResult transpose(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  SmallVector<int64_t> perm = b.ints("perm");
  int64_t rank = b.rankOf(b.input(0));
  if (!b.attr("perm"))
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  return b.emit<tg::TransposeOp>({b.input(0)},
                                   {b.named("perm", b.array(perm))});
}

/// Axes of Squeeze/Unsqueeze/... : an attribute before opset 13, an input
/// after. Returns false when none are given.
LogicalResult axesOperand(OpBinder &b, unsigned inputIdx, int64_t since,
                          SmallVectorImpl<int64_t> &axes, bool &given) {
  given = false;
  if (b.opset >= since) {
    if (!b.hasInput(inputIdx))
      return success();
    given = true;
    return b.requireConstInts(inputIdx, "axes", axes);
  }
  given = b.attr("axes") != nullptr;
  axes = b.ints("axes");
  return success();
}

/// A non-empty 1-D i64 input that is not a constant: the run-time form of
/// axes or sizes.
bool isRuntimeList(OpBinder &b, unsigned i) {
  SmallVector<int64_t> ignored;
  if (b.opset < 13 || !b.hasInput(i) ||
      OpBinder::constInts(b.input(i), ignored))
    return false;
  auto t = b.typeOf(b.input(i));
  return t.getRank() == 1 && !t.isDynamicDim(0) && t.getDimSize(0) > 0 &&
         t.getElementType().isInteger(64);
}

/// Squeeze/Unsqueeze with axes known only at run time: the operand form.
template <typename OpTy> LogicalResult runtimeAxes(OpBinder &b) {
  return b.emit<OpTy>({b.input(0), b.input(1)}, {b.named("axes", b.array({}))});
}

LogicalResult squeeze(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value x = b.input(0);
  if (isRuntimeList(b, 1))
    return runtimeAxes<tg::SqueezeOp>(b);
  SmallVector<int64_t> axes;
  bool given;
  if (failed(axesOperand(b, 1, 13, axes, given)))
    return failure();
  if (!given) {
    for (int64_t i = 0; i < b.rankOf(x); ++i) {
      int64_t d = b.typeOf(x).getDimSize(i);
      if (ShapedType::isDynamic(d))
        return b.fail("Squeeze without axes needs static dims");
      if (d == 1)
        axes.push_back(i);
    }
  }
  auto norm = b.axes(axes, b.rankOf(x));
  if (failed(norm))
    return failure();
  return b.emit<tg::SqueezeOp>({x}, {b.named("axes", b.array(*norm))});
}

LogicalResult unsqueeze(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value x = b.input(0);
  if (isRuntimeList(b, 1))
    return runtimeAxes<tg::UnsqueezeOp>(b);
  SmallVector<int64_t> axes;
  bool given;
  if (failed(axesOperand(b, 1, 13, axes, given)))
    return failure();
  if (!given)
    return b.fail("axes are required");
  auto norm = b.axes(axes, b.rankOf(x) + axes.size());
  if (failed(norm))
    return failure();
  return b.emit<tg::UnsqueezeOp>({x}, {b.named("axes", b.array(*norm))});
}

LogicalResult expand(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  return b.emit<tg::ExpandOp>({b.input(0), b.input(1)});
}

LogicalResult concat(OpBinder &b) {
  if (b.numInputs() == 0 || failed(b.need(b.numInputs())))
    return b.fail("needs inputs");
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < b.numInputs(); ++i)
    inputs.push_back(b.input(i));
  auto axis = b.axis(b.i("axis", 0), b.rankOf(inputs[0]));
  if (failed(axis))
    return failure();
  return b.emit<tg::ConcatOp>(inputs, {b.named("axis", b.i64(*axis))});
}

LogicalResult split(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value x = b.input(0);
  auto axis = b.axis(b.i("axis", 0), b.rankOf(x));
  if (failed(axis))
    return failure();
  SmallVector<int64_t> sizes;
  if (isRuntimeList(b, 1)) {
    if (b.typeOf(b.input(1)).getDimSize(0) != b.numOutputs())
      return b.fail("split has " + Twine(b.typeOf(b.input(1)).getDimSize(0)) +
                    " sizes for " + Twine(b.numOutputs()) + " outputs");
    auto op =
        b.makeOp<tg::SplitOp>({x, b.input(1)}, {b.named("axis", b.i64(*axis)),
                                                b.named("sizes", b.array({}))});
    return failed(op) ? failure() : b.setResults((*op)->getResults());
  }
  if (b.opset >= 13) {
    if (b.hasInput(1) && failed(b.requireConstInts(1, "split", sizes)))
      return failure();
  } else {
    sizes = b.ints("split");
  }
  int64_t outputs = b.numOutputs();
  if (sizes.empty()) {
    int64_t dim = b.typeOf(x).getDimSize(*axis);
    if (ShapedType::isDynamic(dim))
      return b.fail("an even split needs a static axis dim");
    int64_t n = b.opset >= 18 && b.attr("num_outputs")
                    ? b.i("num_outputs", outputs)
                    : outputs;
    if (n <= 0)
      return b.fail("no outputs");
    int64_t chunk = (dim + n - 1) / n;
    if (b.opset < 18 && dim % n != 0)
      return b.fail("axis dim " + Twine(dim) + " does not split evenly into " +
                    Twine(n));
    for (int64_t i = 0; i < n; ++i)
      sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
  }
  if ((int64_t)sizes.size() != outputs)
    return b.fail("split has " + Twine(sizes.size()) + " sizes for " +
                  Twine(outputs) + " outputs");
  auto op = b.makeOp<tg::SplitOp>({x}, {b.named("axis", b.i64(*axis)),
                                        b.named("sizes", b.array(sizes))});
  return failed(op) ? failure() : b.setResults((*op)->getResults());
}

LogicalResult unique(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  SmallVector<NamedAttribute> attrs = {
      b.named("sorted", b.boolean(b.i("sorted", 1)))};
  if (b.attr("axis")) {
    auto axis = b.axis(b.i("axis", 0), b.rankOf(b.input(0)));
    if (failed(axis))
      return failure();
    attrs.push_back(b.named("axis", b.i64(*axis)));
  }
  auto op = b.makeOp<tg::UniqueOp>({b.input(0)}, attrs);
  return failed(op) ? failure() : b.setResults((*op)->getResults());
}

LogicalResult slice(OpBinder &b) {
  if (failed(b.need(b.opset < 10 ? 1 : 3)))
    return failure();
  Value x = b.input(0);
  Value starts, ends, axes, steps;
  if (b.opset < 10) {
    SmallVector<int64_t> s = b.ints("starts"), e = b.ints("ends"),
                         a = b.ints("axes");
    if (a.empty())
      for (size_t i = 0; i < s.size(); ++i)
        a.push_back(i);
    starts = b.constI64(s);
    ends = b.constI64(e);
    axes = b.constI64(a);
    steps = b.constI64(SmallVector<int64_t>(s.size(), 1));
  } else {
    starts = b.input(1);
    ends = b.input(2);
    axes = b.input(3);
    steps = b.input(4);
    int64_t n = b.typeOf(starts).getRank() == 1
                    ? b.typeOf(starts).getDimSize(0)
                    : ShapedType::kDynamic;
    if ((!axes || !steps) && ShapedType::isDynamic(n))
      return b.fail("starts must have a static length");
    if (!axes) {
      SmallVector<int64_t> a;
      for (int64_t i = 0; i < n; ++i)
        a.push_back(i);
      axes = b.constI64(a);
    }
    if (!steps)
      steps = b.constI64(SmallVector<int64_t>(n, 1));
  }
  return b.emit<tg::SliceOp>({x, starts, ends, axes, steps});
}

template <typename OpTy>
LogicalResult gatherLike(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  auto axis = b.axis(b.i("axis", 0), b.rankOf(b.input(0)));
  if (failed(axis))
    return failure();
  return b.emit<OpTy>({b.input(0), b.input(1)},
                        {b.named("axis", b.i64(*axis))});
}

LogicalResult gatherND(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  return b.emit<tg::GatherNDOp>(
      {b.input(0), b.input(1)},
      {b.named("batch_dims", b.i64(b.i("batch_dims", 0)))});
}

LogicalResult scatterElements(OpBinder &b) {
  if (failed(b.need(3)))
    return failure();
  auto axis = b.axis(b.i("axis", 0), b.rankOf(b.input(0)));
  if (failed(axis))
    return failure();
  return b.emit<tg::ScatterElementsOp>(
      {b.input(0), b.input(1), b.input(2)},
      {b.named("axis", b.i64(*axis)),
       b.named("reduction", b.str(b.s("reduction", "none")))});
}

LogicalResult scatterND(OpBinder &b) {
  if (failed(b.need(3)))
    return failure();
  return b.emit<tg::ScatterNDOp>(
      {b.input(0), b.input(1), b.input(2)},
      {b.named("reduction", b.str(b.s("reduction", "none")))});
}

/// Pad's pads for `axes` spread over all `rank` dims when either is known
/// only at run time: scattered into zeros at `a` and `a + rank` (negative
/// axes counted from the end).
FailureOr<Value> spreadPads(OpBinder &b, Value axes, Value pads, int64_t rank) {
  Type i64 = b.b.getI64Type();
  auto a = b.castTo(axes, i64);
  if (failed(a))
    return failure();
  auto neg = b.make<tg::LessOp>({*a, b.scalar(i64, 0)});
  auto wrapped =
      failed(neg) ? neg : b.make<tg::AddOp>({*a, b.scalar(i64, rank)});
  auto norm =
      failed(wrapped) ? wrapped : b.make<tg::SelectOp>({*neg, *wrapped, *a});
  auto ends =
      failed(norm) ? norm : b.make<tg::AddOp>({*norm, b.scalar(i64, rank)});
  auto idx = failed(ends) ? ends
                          : b.make<tg::ConcatOp>({*norm, *ends},
                                                 {b.named("axis", b.i64(0))});
  auto p = failed(idx) ? idx : b.castTo(pads, i64);
  if (failed(p))
    return failure();
  Value zeros = b.constI64(SmallVector<int64_t>(2 * rank, 0));
  return b.make<tg::ScatterElementsOp>(
      {zeros, *idx, *p},
      {b.named("axis", b.i64(0)), b.named("reduction", b.str("none"))});
}

LogicalResult pad(OpBinder &b) {
  if (failed(b.need(b.opset < 11 ? 1 : 2)))
    return failure();
  Value x = b.input(0);
  int64_t rank = b.rankOf(x);
  Type elem = b.typeOf(x).getElementType();
  Value pads, value;
  if (b.opset < 11) {
    pads = b.constI64(b.ints("pads"));
    value = b.scalar(elem, b.f("value", 0.0f));
  } else {
    pads = b.input(1);
    value = b.input(2) ? b.input(2) : b.scalar(elem, 0);
    SmallVector<int64_t> axes, p;
    if (Value axesV = b.input(3); axesV && !(OpBinder::constInts(axesV, axes) &&
                                             OpBinder::constInts(pads, p))) {
      auto spread = spreadPads(b, axesV, pads, rank);
      if (failed(spread))
        return failure();
      pads = *spread;
    } else if (axesV) {
      // Spread the pads given for `axes` over all dims.
      if (p.size() != 2 * axes.size())
        return b.fail("pads must have two entries per axis");
      SmallVector<int64_t> full(2 * rank, 0);
      for (auto [i, a] : llvm::enumerate(axes)) {
        auto n = b.axis(a, rank);
        if (failed(n))
          return failure();
        full[*n] = p[i];
        full[*n + rank] = p[i + axes.size()];
      }
      pads = b.constI64(full);
    }
  }
  std::string mode = b.s("mode", "constant");
  return b.emit<tg::PadOp>({x, pads, value},
                             {b.named("mode", b.str(mode))});
}

LogicalResult tile(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  return b.emit<tg::TileOp>({b.input(0), b.input(1)});
}

LogicalResult range(OpBinder &b) {
  if (failed(b.need(3)))
    return failure();
  return b.emit<tg::RangeOp>({b.input(0), b.input(1), b.input(2)});
}

/// Resize (opset 10: X, scales; 11+: X, roi, scales, sizes) and Upsample.
LogicalResult resize(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value x = b.input(0);
  Value scales = b.opset < 11 ? b.input(1) : b.input(2);
  Value sizes = b.opset < 11 ? Value() : b.input(3);
  if (b.i("antialias", 0) != 0)
    return b.fail("antialias is not supported");
  if (b.s("keep_aspect_ratio_policy", "stretch") != "stretch")
    return b.fail("keep_aspect_ratio_policy other than stretch is not supported");
  std::string ctm = b.s("coordinate_transformation_mode",
                        b.opset < 11 ? "asymmetric" : "half_pixel");
  if (ctm == "tf_crop_and_resize")
    return b.fail("tf_crop_and_resize is not supported");
  Type f32 = b.b.getF32Type();
  if (!scales || b.typeOf(scales).getNumElements() == 0)
    scales = tg::ConstantOp::create(
        b.b, b.loc,
        cast<ElementsAttr>(DenseElementsAttr::get(
            RankedTensorType::get({0}, f32), ArrayRef<float>{})));
  if (!sizes)
    sizes = b.constI64({});
  if (b.typeOf(scales).getNumElements() == 0 &&
      b.typeOf(sizes).getNumElements() == 0)
    return b.fail("one of scales and sizes is required");
  // The types the spec requires; a model that swaps the inputs (found by
  // the onnx-import fuzzer: sizes in the scales slot) is an error, not a
  // cast of an integer type to a float one.
  if (!isa<FloatType>(b.typeOf(scales).getElementType()))
    return b.fail("scales must be a float tensor");
  if (!b.typeOf(sizes).getElementType().isInteger(64))
    return b.fail("sizes must be an int64 tensor");
  // `axes` (opset 18): scales/sizes for those dims only; the others keep
  // scale 1 and their size.
  if (b.attr("axes")) {
    int64_t rank = b.rankOf(x);
    // In the given order: the k-th value belongs to the k-th axis.
    SmallVector<int64_t> given = b.ints("axes");
    if (failed(b.axes(given, rank))) // range and repeat checks
      return failure();
    SmallVector<int64_t> axes;
    for (int64_t a : given)
      axes.push_back(a < 0 ? a + rank : a);
    auto widen = [&](Value v, bool isScales) -> FailureOr<Value> {
      if (b.typeOf(v).getNumElements() == 0)
        return v;
      if (b.typeOf(v).getRank() != 1 ||
          b.typeOf(v).getDimSize(0) != (int64_t)axes.size())
        return b.fail(std::string(isScales ? "scales" : "sizes") +
                      " must have one value per axis");
      SmallVector<double> fs;
      SmallVector<int64_t> is;
      auto inShape = b.typeOf(x).getShape();
      auto floatType = cast<FloatType>(
          isScales ? b.typeOf(v).getElementType() : b.b.getF32Type());
      auto floats = [&](ArrayRef<double> values) {
        SmallVector<APFloat> out;
        for (double d : values) {
          APFloat f(d);
          bool lost;
          f.convert(floatType.getFloatSemantics(),
                    APFloat::rmNearestTiesToEven, &lost);
          out.push_back(f);
        }
        return DenseElementsAttr::get(
            RankedTensorType::get({(int64_t)values.size()}, floatType), out);
      };
      if (isScales && tg::getConstantFloats(v, fs)) {
        SmallVector<double> full(rank, 1.0);
        for (auto [a, f] : llvm::zip(axes, fs))
          full[a] = f;
        return (Value)tg::ConstantOp::create(b.b, b.loc,
                                             cast<ElementsAttr>(floats(full)));
      }
      if (!isScales && OpBinder::constInts(v, is) &&
          !ShapedType::isDynamicShape(inShape)) {
        SmallVector<int64_t> full(inShape);
        for (auto [a, n] : llvm::zip(axes, is))
          full[a] = n;
        return b.constI64(full);
      }
      // Run-time values: scattered over the defaults.
      Value base;
      if (isScales) {
        auto ones = b.make<tg::ConstantOfShapeOp>(
            {b.constI64({rank})},
            {b.named("value", floats({1.0}))});
        if (failed(ones))
          return failure();
        base = *ones;
      } else {
        auto shape = b.make<tg::ShapeOp>(
            {x}, {b.named("start", b.i64(0)), b.named("end", b.i64(rank))});
        if (failed(shape))
          return failure();
        base = *shape;
      }
      return b.make<tg::ScatterElementsOp>(
          {base, b.constI64(axes), v},
          {b.named("axis", b.i64(0)), b.named("reduction", b.str("none"))});
    };
    auto s2 = widen(scales, true);
    auto z2 = failed(s2) ? s2 : widen(sizes, false);
    if (failed(z2))
      return failure();
    scales = *s2;
    sizes = *z2;
  }
  std::string mode = b.s("mode", "nearest");
  if (mode == "bilinear" || mode == "trilinear")
    mode = "linear";
  return b.emit<tg::ResizeOp>(
      {x, scales, sizes},
      {b.named("mode", b.str(mode)),
       b.named("coordinate_transformation_mode", b.str(ctm)),
       b.named("nearest_mode",
               b.str(b.s("nearest_mode", b.opset < 11 ? "floor"
                                                        : "round_prefer_floor"))),
       b.named("cubic_coeff_a", b.f32(b.f("cubic_coeff_a", -0.75f))),
       b.named("exclude_outside", b.boolean(b.i("exclude_outside", 0))),
       b.named("extrapolation_value",
               b.f32(b.f("extrapolation_value", 0.0f)))});
}

LogicalResult depthToSpace(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  std::string mode = b.s("mode", "DCR");
  if (mode != "DCR" && mode != "CRD")
    return b.fail("mode must be DCR or CRD");
  return b.emit<tg::DepthToSpaceOp>(
      {b.input(0)}, {b.named("blocksize", b.i64(b.i("blocksize", 0))),
                     b.named("crd_mode", b.boolean(mode == "CRD"))});
}

LogicalResult spaceToDepth(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  return b.emit<tg::SpaceToDepthOp>(
      {b.input(0)}, {b.named("blocksize", b.i64(b.i("blocksize", 0)))});
}

LogicalResult oneHot(OpBinder &b) {
  if (failed(b.need(3)))
    return failure();
  auto axis = b.axis(b.i("axis", -1), b.rankOf(b.input(0)) + 1);
  if (failed(axis))
    return failure();
  return b.emit<tg::OneHotOp>({b.input(0), b.input(1), b.input(2)},
                                {b.named("axis", b.i64(*axis))});
}

LogicalResult trilu(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value k = b.input(1);
  if (!k)
    k = b.scalar(b.b.getI64Type(), 0);
  return b.emit<tg::TriluOp>({b.input(0), k},
                               {b.named("upper", b.boolean(b.i("upper", 1)))});
}

LogicalResult eyeLike(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Type elem = b.typeOf(b.input(0)).getElementType();
  if (b.attr("dtype")) {
    elem = convertElementType(b.i("dtype", 0), b.ctx);
    if (!elem)
      return b.fail("unsupported dtype " + dataTypeName(b.i("dtype", 0)));
  }
  return b.emit<tg::EyeLikeOp>({b.input(0)},
                                 {b.named("k", b.i64(b.i("k", 0))),
                                  b.named("dtype", TypeAttr::get(elem))});
}

LogicalResult nonZero(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  return b.emit<tg::NonZeroOp>({b.input(0)});
}

LogicalResult compress(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (b.attr("axis")) {
    auto axis = b.axis(b.i("axis", 0), b.rankOf(b.input(0)));
    if (failed(axis))
      return failure();
    attrs.push_back(b.named("axis", b.i64(*axis)));
  }
  return b.emit<tg::CompressOp>({b.input(0), b.input(1)}, attrs);
}

LogicalResult reverseSequence(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  return b.emit<tg::ReverseSequenceOp>(
      {b.input(0), b.input(1)},
      {b.named("batch_axis", b.i64(b.i("batch_axis", 1))),
       b.named("time_axis", b.i64(b.i("time_axis", 0)))});
}

} // namespace

void mlir::tangram::onnx_importer::registerShapeHandlers(HandlerTable &t) {
  t.on("Constant", 1, constant);
  t.on("ConstantOfShape", 9, constantOfShape);
  t.on("Shape", 1, shape);
  t.on("Size", 1, size);
  t.on("Reshape", 5, reshape);
  t.on("Flatten", 1, flatten);
  t.on("Transpose", 1, transpose);
  t.on("Squeeze", 1, squeeze);
  t.on("Unsqueeze", 1, unsqueeze);
  t.on("Expand", 8, expand);
  t.on("Concat", 4, concat);
  t.on("Split", 2, split);
  t.on("Unique", 11, unique);
  t.on("Slice", 1, slice);
  t.on("Gather", 1, gatherLike<tg::GatherOp>);
  t.on("GatherElements", 11, gatherLike<tg::GatherElementsOp>);
  t.on("GatherND", 11, gatherND);
  t.on("Scatter", 9, scatterElements);
  t.on("ScatterElements", 11, scatterElements);
  t.on("ScatterND", 11, scatterND);
  t.on("Pad", 2, pad);
  t.on("Tile", 6, tile);
  t.on("Range", 11, range);
  t.on("Resize", 10, resize);
  t.on("Upsample", 9, resize);
  t.on("DepthToSpace", 1, depthToSpace);
  t.on("SpaceToDepth", 1, spaceToDepth);
  t.on("OneHot", 9, oneHot);
  t.on("Trilu", 14, trilu);
  t.on("EyeLike", 9, eyeLike);
  t.on("NonZero", 9, nonZero);
  t.on("Compress", 9, compress);
  t.on("ReverseSequence", 10, reverseSequence);
}
