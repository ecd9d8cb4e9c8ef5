//===- NNHandlers.cpp - ONNX linear algebra, conv, pooling, norms ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "OpBinder.h"

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

namespace {

LogicalResult matmul(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  return b.emit<tg::MatMulOp>({b.input(0), b.input(1)});
}

/// QLinearMatMul as the ONNX reference computes it: (a - a_zp) x (b - b_zp)
/// in i32, scaled by a_scale * b_scale / y_scale (in the scales' type) in
/// f64, then rounded half to even, offset by y_zp and saturated
/// (tg.quantize_linear with a unit scale). Only per-tensor scales.
LogicalResult qlinearMatmul(OpBinder &b) {
  if (failed(b.need(8)))
    return failure();
  for (unsigned i : {1u, 2u, 4u, 5u, 6u, 7u})
    if (b.typeOf(b.input(i)).getNumElements() != 1)
      return b.fail("per-row or per-column scales and zero points are not "
                    "supported");
  Type i32 = b.b.getI32Type(), f64 = b.b.getF64Type();
  auto centered = [&](Value x, Value zp) -> FailureOr<Value> {
    auto xi = b.castTo(x, i32), zi = b.castTo(zp, i32);
    if (failed(xi) || failed(zi))
      return failure();
    return b.make<tg::SubOp>({*xi, *zi});
  };
  auto a = centered(b.input(0), b.input(2));
  auto m = failed(a) ? a : centered(b.input(3), b.input(5));
  if (failed(m))
    return failure();
  auto c = b.make<tg::MatMulOp>({*a, *m});
  auto ab = b.make<tg::MulOp>({b.input(1), b.input(4)});
  if (failed(c) || failed(ab))
    return failure();
  auto mult = b.make<tg::DivOp>({*ab, b.input(6)});
  if (failed(mult))
    return failure();
  auto cf = b.castTo(*c, f64), mf = b.castTo(*mult, f64);
  if (failed(cf) || failed(mf))
    return failure();
  auto d = b.make<tg::MulOp>({*cf, *mf});
  if (failed(d))
    return failure();
  return b.emit<tg::QuantizeLinearOp>({*d, b.scalar(f64, 1.0), b.input(7)},
                                      {b.named("axis", b.i64(1))});
}

/// Gemm = alpha * op(A) * op(B) + beta * C, decomposed into core ops.
LogicalResult gemm(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  Value a = b.input(0), bm = b.input(1), c = b.input(2);
  if (b.rankOf(a) != 2 || b.rankOf(bm) != 2)
    return b.fail("A and B must be matrices");
  Attribute swap = b.array({1, 0});
  for (auto [v, flag] : {std::pair(&a, "transA"), std::pair(&bm, "transB")}) {
    if (!b.i(flag, 0))
      continue;
    auto t = b.make<tg::TransposeOp>({*v}, {b.named("perm", swap)});
    if (failed(t))
      return failure();
    *v = *t;
  }
  auto y = b.make<tg::MatMulOp>({a, bm});
  if (failed(y))
    return failure();
  Type elem = b.typeOf(*y).getElementType();
  float alpha = b.f("alpha", 1.0f), beta = b.f("beta", 1.0f);
  if (alpha != 1.0f) {
    y = b.make<tg::MulOp>({*y, b.scalar(elem, alpha)});
    if (failed(y))
      return failure();
  }
  if (c && beta != 0.0f) {
    if (beta != 1.0f) {
      auto scaled = b.make<tg::MulOp>({c, b.scalar(elem, beta)});
      if (failed(scaled))
        return failure();
      c = *scaled;
    }
    y = b.make<tg::AddOp>({*y, c});
    if (failed(y))
      return failure();
  }
  return b.setResult(*y);
}

/// Explicit pads (begins, then ends) from `pads` or `auto_pad`.
FailureOr<SmallVector<int64_t>> resolvePads(OpBinder &b, Value input,
                                            ArrayRef<int64_t> kernel,
                                            ArrayRef<int64_t> strides,
                                            ArrayRef<int64_t> dilations) {
  int64_t n = kernel.size();
  // Found by the onnx-import fuzzer: a zero stride divided by zero below.
  for (int64_t i = 0; i < n; ++i)
    if (strides[i] <= 0 || dilations[i] <= 0)
      return (void)b.fail("strides and dilations must be positive"), failure();
  std::string autoPad = b.s("auto_pad", "NOTSET");
  SmallVector<int64_t> pads(2 * n, 0);
  if (autoPad == "NOTSET") {
    if (b.attr("pads")) {
      pads = b.ints("pads");
      if ((int64_t)pads.size() != 2 * n)
        return (void)b.fail("expected " + Twine(2 * n) + " pads"), failure();
    }
    return pads;
  }
  if (autoPad == "VALID")
    return pads;
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return (void)b.fail("unknown auto_pad '" + autoPad + "'"), failure();
  auto t = b.typeOf(input);
  for (int64_t i = 0; i < n; ++i) {
    int64_t in = t.getDimSize(i + 2);
    if (ShapedType::isDynamic(in))
      return (void)b.fail("auto_pad needs static spatial dims"), failure();
    int64_t out = (in + strides[i] - 1) / strides[i];
    int64_t total = std::max<int64_t>(
        (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in, 0);
    int64_t half = total / 2;
    pads[i] = autoPad == "SAME_UPPER" ? half : total - half;
    pads[i + n] = total - pads[i];
  }
  return pads;
}

/// `name` as a list of `n` ints, defaulting to ones.
FailureOr<SmallVector<int64_t>> onesOr(OpBinder &b, StringRef name, int64_t n) {
  SmallVector<int64_t> v = b.ints(name);
  if (v.empty())
    v.assign(n, 1);
  if ((int64_t)v.size() != n)
    return (void)b.fail("expected " + Twine(n) + " " + name), failure();
  return v;
}

/// tg.conv of `x` and `w` (and `bias` when given) with the node's window
/// attributes.
FailureOr<Value> convOf(OpBinder &b, Value x, Value w, Value bias) {
  int64_t n = b.rankOf(x) - 2;
  if (n < 1 || b.rankOf(w) != n + 2)
    return (void)b.fail("input and weight must have the same rank >= 3"), failure();
  SmallVector<int64_t> kernel = b.ints("kernel_shape");
  if (kernel.empty())
    kernel.assign(b.typeOf(w).getShape().drop_front(2).begin(),
                  b.typeOf(w).getShape().drop_front(2).end());
  auto strides = onesOr(b, "strides", n), dil = onesOr(b, "dilations", n);
  if (failed(strides) || failed(dil))
    return failure();
  auto pads = resolvePads(b, x, kernel, *strides, *dil);
  if (failed(pads))
    return failure();
  SmallVector<Value> operands = {x, w};
  if (bias)
    operands.push_back(bias);
  return b.make<tg::ConvOp>(operands,
                            {b.named("strides", b.array(*strides)),
                             b.named("pads", b.array(*pads)),
                             b.named("dilations", b.array(*dil)),
                             b.named("group", b.i64(b.i("group", 1)))});
}

LogicalResult conv(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  auto y = convOf(b, b.input(0), b.input(1), b.input(2));
  return failed(y) ? failure() : b.setResult(*y);
}

/// `v - zp` in `elem`; a 1-D `zp` of more than one value is per `axis` of
/// a rank-`rank` operand (reshaped to broadcast along it).
FailureOr<Value> centered(OpBinder &b, Value v, Value zp, Type elem,
                          int64_t axis) {
  auto vi = b.castTo(v, elem);
  if (failed(vi))
    return failure();
  if (!zp)
    return *vi;
  auto zi = b.castTo(zp, elem);
  if (failed(zi))
    return failure();
  auto zt = b.typeOf(zp);
  if (zt.getRank() == 1 && zt.getDimSize(0) != 1) {
    SmallVector<int64_t> shape(b.rankOf(v) - axis, 1);
    shape[0] = zt.getDimSize(0);
    auto r = b.make<tg::ReshapeOp>({*zi, b.constI64(shape)});
    if (failed(r))
      return failure();
    zi = *r;
  }
  return b.make<tg::SubOp>({*vi, *zi});
}

/// MatMulInteger: (a - a_zp) x (b - b_zp) in i32; a_zp may be per row of A,
/// b_zp per column of B.
LogicalResult matmulInteger(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  Type i32 = b.b.getI32Type();
  auto a = centered(b, b.input(0), b.input(2), i32, b.rankOf(b.input(0)) - 2);
  auto m = failed(a) ? a
                     : centered(b, b.input(1), b.input(3), i32,
                                b.rankOf(b.input(1)) - 1);
  if (failed(m))
    return failure();
  return b.emit<tg::MatMulOp>({*a, *m});
}

/// ConvInteger: the convolution of (x - x_zp) and (w - w_zp, per output
/// channel or per tensor) as i32. tg.conv takes floats, so it runs in f64,
/// where the 8-bit products and their sums are exact.
LogicalResult convInteger(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  Type f64 = b.b.getF64Type();
  auto x = centered(b, b.input(0), b.input(2), f64, 1);
  auto w = failed(x) ? x : centered(b, b.input(1), b.input(3), f64, 0);
  auto y = failed(w) ? w : convOf(b, *x, *w, Value());
  if (failed(y))
    return failure();
  auto r = b.castTo(*y, b.b.getI32Type());
  return failed(r) ? failure() : b.setResult(*r);
}

/// QLinearConv as the ONNX reference computes it: the f64 convolution of
/// (x - x_zp) and (w - w_zp) plus the i32 bias, scaled by x_scale * w_scale
/// / y_scale (w_scale per output channel or per tensor), then quantized
/// (rounded half to even, offset by y_zp, saturated) with a unit scale.
LogicalResult qlinearConv(OpBinder &b) {
  if (failed(b.need(8)))
    return failure();
  for (unsigned i : {1u, 2u, 6u, 7u})
    if (b.typeOf(b.input(i)).getNumElements() != 1)
      return b.fail("x and y scales and zero points must be per tensor");
  Type f64 = b.b.getF64Type();
  auto x = centered(b, b.input(0), b.input(2), f64, 1);
  auto w = failed(x) ? x : centered(b, b.input(3), b.input(5), f64, 0);
  FailureOr<Value> bias = Value();
  if (!failed(w) && b.hasInput(8))
    bias = b.castTo(b.input(8), f64);
  auto y = failed(bias) ? bias : convOf(b, *x, *w, *bias);
  if (failed(y))
    return failure();
  auto xs = b.castTo(b.input(1), f64), ws = b.castTo(b.input(4), f64),
       ys = b.castTo(b.input(6), f64);
  if (failed(xs) || failed(ws) || failed(ys))
    return failure();
  Value wScale = *ws;
  if (b.typeOf(wScale).getRank() == 1 && b.typeOf(wScale).getDimSize(0) != 1) {
    SmallVector<int64_t> shape(b.rankOf(*y) - 1, 1);
    shape[0] = b.typeOf(wScale).getDimSize(0);
    auto r = b.make<tg::ReshapeOp>({wScale, b.constI64(shape)});
    if (failed(r))
      return failure();
    wScale = *r;
  }
  auto s = b.make<tg::MulOp>({*xs, wScale});
  auto mult = failed(s) ? s : b.make<tg::DivOp>({*s, *ys});
  auto d = failed(mult) ? mult : b.make<tg::MulOp>({*y, *mult});
  if (failed(d))
    return failure();
  return b.emit<tg::QuantizeLinearOp>({*d, b.scalar(f64, 1.0), b.input(7)},
                                      {b.named("axis", b.i64(1))});
}

LogicalResult convTranspose(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  Value x = b.input(0), w = b.input(1);
  int64_t n = b.rankOf(x) - 2;
  if (n < 1 || b.rankOf(w) != n + 2)
    return b.fail("input and weight must have the same rank >= 3");
  auto wt = b.typeOf(w), xt = b.typeOf(x);
  SmallVector<int64_t> kernel = b.ints("kernel_shape");
  if (kernel.empty())
    kernel.assign(wt.getShape().drop_front(2).begin(),
                  wt.getShape().drop_front(2).end());
  auto strides = onesOr(b, "strides", n), dil = onesOr(b, "dilations", n);
  if (failed(strides) || failed(dil))
    return failure();
  SmallVector<int64_t> outPad = b.ints("output_padding");
  if (outPad.empty())
    outPad.assign(n, 0);
  SmallVector<int64_t> pads = b.ints("pads");
  if (pads.empty())
    pads.assign(2 * n, 0);
  SmallVector<int64_t> outShape = b.ints("output_shape");
  std::string autoPad = b.s("auto_pad", "NOTSET");
  if (outShape.empty() && (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER"))
    for (int64_t i = 0; i < n; ++i)
      outShape.push_back(xt.getDimSize(i + 2) * (*strides)[i]);
  // Check lengths before the loop below indexes these lists.
  if ((int64_t)pads.size() != 2 * n || (int64_t)outPad.size() != n ||
      (!outShape.empty() && (int64_t)outShape.size() < n))
    return b.fail("bad pads, output_padding or output_shape length");
  if (!outShape.empty()) {
    if ((int64_t)outShape.size() > n)
      outShape.erase(outShape.begin(), outShape.end() - n);
    for (int64_t i = 0; i < n; ++i) {
      int64_t in = xt.getDimSize(i + 2);
      if (ShapedType::isDynamic(in) || ShapedType::isDynamic(kernel[i]))
        return b.fail("output_shape needs static spatial dims");
      int64_t total = (*strides)[i] * (in - 1) + outPad[i] +
                      (kernel[i] - 1) * (*dil)[i] + 1 - outShape[i];
      if (total < 0) { // The output is larger: grow it with output_padding.
        outPad[i] -= total;
        total = 0;
      }
      int64_t half = total / 2;
      pads[i] = autoPad == "SAME_UPPER" ? half : total - half;
      pads[i + n] = total - pads[i];
    }
  }
  if ((int64_t)pads.size() != 2 * n || (int64_t)outPad.size() != n)
    return b.fail("bad pads or output_padding");
  SmallVector<Value> operands = {x, w};
  if (Value bias = b.input(2))
    operands.push_back(bias);
  return b.emit<tg::ConvTransposeOp>(
      operands, {b.named("strides", b.array(*strides)),
                 b.named("pads", b.array(pads)),
                 b.named("dilations", b.array(*dil)),
                 b.named("output_padding", b.array(outPad)),
                 b.named("group", b.i64(b.i("group", 1)))});
}

template <typename OpTy>
LogicalResult pool(OpBinder &b) {
  if (failed(b.need(1)) || failed(b.onlyOutputs(1)))
    return failure();
  Value x = b.input(0);
  int64_t n = b.rankOf(x) - 2;
  SmallVector<int64_t> kernel = b.ints("kernel_shape");
  if (n < 1 || (int64_t)kernel.size() != n)
    return b.fail("kernel_shape must have one entry per spatial dim");
  if (b.i("storage_order", 0) != 0)
    return b.fail("storage_order = 1 is not supported");
  auto strides = onesOr(b, "strides", n), dil = onesOr(b, "dilations", n);
  if (failed(strides) || failed(dil))
    return failure();
  auto pads = resolvePads(b, x, kernel, *strides, *dil);
  if (failed(pads))
    return failure();
  SmallVector<NamedAttribute> attrs = {
      b.named("kernel_shape", b.array(kernel)),
      b.named("strides", b.array(*strides)), b.named("pads", b.array(*pads)),
      b.named("dilations", b.array(*dil)),
      b.named("ceil_mode", b.boolean(b.i("ceil_mode", 0)))};
  if constexpr (std::is_same_v<OpTy, tg::AvgPoolOp>)
    attrs.push_back(b.named("count_include_pad",
                            b.boolean(b.i("count_include_pad", 0))));
  if constexpr (std::is_same_v<OpTy, tg::LpPoolOp>)
    attrs.push_back(b.named("p", b.i64(b.i("p", 2))));
  return b.emit<OpTy>({x}, attrs);
}

/// GlobalAveragePool / GlobalMaxPool: a reduction over the spatial dims.
template <typename OpTy>
LogicalResult globalPool(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value x = b.input(0);
  SmallVector<int64_t> axes;
  for (int64_t i = 2; i < b.rankOf(x); ++i)
    axes.push_back(i);
  return b.emit<OpTy>({x}, {b.named("axes", b.array(axes)),
                              b.named("keepdims", b.boolean(true))});
}

/// Training-mode BatchNormalization (opset 14+), as the ONNX reference
/// computes it: Y normalizes with the batch's own mean and population
/// variance over all dims but the channels; the running statistics are
/// updated as input * momentum + batch * (1 - momentum).
LogicalResult batchNormTraining(OpBinder &b) {
  Value x = b.input(0);
  if (b.opset < 14)
    return b.fail("training mode needs opset 14 or later");
  if (failed(b.onlyOutputs(3)))
    return failure();
  SmallVector<int64_t> axes = {0};
  for (int64_t i = 2; i < b.rankOf(x); ++i)
    axes.push_back(i);
  Type elem = b.typeOf(x).getElementType();
  auto reduce = [&](Value v, bool keep) {
    return b.make<tg::ReduceMeanOp>(
        {v},
        {b.named("axes", b.array(axes)), b.named("keepdims", b.boolean(keep))});
  };
  auto meanKeep = reduce(x, true);
  auto mean = failed(meanKeep) ? meanKeep : reduce(x, false);
  auto c = failed(mean) ? mean : b.make<tg::SubOp>({x, *meanKeep});
  auto sq = failed(c) ? c : b.make<tg::MulOp>({*c, *c});
  auto var = failed(sq) ? sq : reduce(*sq, false);
  if (failed(var))
    return failure();
  auto y = b.make<tg::BatchNormOp>(
      {x, b.input(1), b.input(2), *mean, *var},
      {b.named("epsilon", b.f32(b.f("epsilon", 1e-5f)))});
  if (failed(y))
    return failure();
  double momentum = b.f("momentum", 0.9f);
  auto running = [&](Value old, Value batch) -> FailureOr<Value> {
    auto oldT = b.castTo(old, elem);
    auto o = failed(oldT)
                 ? oldT
                 : b.make<tg::MulOp>({*oldT, b.scalar(elem, momentum)});
    auto n = failed(o)
                 ? o
                 : b.make<tg::MulOp>({batch, b.scalar(elem, 1 - momentum)});
    return failed(n) ? n : b.make<tg::AddOp>({*o, *n});
  };
  auto rm = running(b.input(3), *mean);
  auto rv = failed(rm) ? rm : running(b.input(4), *var);
  if (failed(rv))
    return failure();
  return b.setResults({*y, *rm, *rv});
}

LogicalResult batchNorm(OpBinder &b) {
  if (failed(b.need(5)))
    return failure();
  if (b.i("training_mode", 0) != 0)
    return batchNormTraining(b);
  if (failed(b.onlyOutputs(1)))
    return failure();
  return b.emit<tg::BatchNormOp>(
      {b.input(0), b.input(1), b.input(2), b.input(3), b.input(4)},
      {b.named("epsilon", b.f32(b.f("epsilon", 1e-5f)))});
}

LogicalResult instanceNorm(OpBinder &b) {
  if (failed(b.need(3)))
    return failure();
  return b.emit<tg::InstanceNormOp>(
      {b.input(0), b.input(1), b.input(2)},
      {b.named("epsilon", b.f32(b.f("epsilon", 1e-5f)))});
}

/// Mean, x - mean and sqrt(variance + eps) of `x` over the reduction in
/// `attrs`: shared by the decompositions that need moments.
struct Moments {
  Value mean, centered, stddev;
};
FailureOr<Moments> moments(OpBinder &b, Value x,
                           ArrayRef<NamedAttribute> attrs, double eps) {
  Type elem = b.typeOf(x).getElementType();
  auto mean = b.make<tg::ReduceMeanOp>({x}, attrs);
  if (failed(mean))
    return failure();
  auto centered = b.make<tg::SubOp>({x, *mean});
  if (failed(centered))
    return failure();
  auto sq = b.make<tg::MulOp>({*centered, *centered});
  if (failed(sq))
    return failure();
  auto var = b.make<tg::ReduceMeanOp>({*sq}, attrs);
  if (failed(var))
    return failure();
  auto varEps = b.make<tg::AddOp>({*var, b.scalar(elem, eps)});
  if (failed(varEps))
    return failure();
  auto sd = b.make<tg::SqrtOp>({*varEps});
  if (failed(sd))
    return failure();
  return Moments{*mean, *centered, *sd};
}

LogicalResult layerNorm(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  Value x = b.input(0), scale = b.input(1), bias = b.input(2);
  auto axis = b.axis(b.i("axis", -1), b.rankOf(x));
  if (failed(axis))
    return failure();
  if (!bias) {
    auto st = b.typeOf(scale);
    if (!st.hasStaticShape())
      return b.fail("a missing bias needs a statically shaped scale");
    bias = tg::ConstantOp::create(
        b.b, b.loc, st,
        cast<ElementsAttr>(DenseElementsAttr::get(
            st, b.b.getZeroAttr(st.getElementType()))));
  }
  float eps = b.f("epsilon", 1e-5f);
  auto r = b.make<tg::LayerNormOp>(
      {x, scale, bias},
      {b.named("axis", b.i64(*axis)), b.named("epsilon", b.f32(eps))});
  if (failed(r))
    return failure();
  if (!b.outputUsed(1) && !b.outputUsed(2))
    return b.setResult(*r);
  // Mean and InvStdDev (training outputs) in core ops, computed in f32
  // (the default stash_type) and kept with size-1 normalized dims.
  if (b.i("stash_type", 1) != 1)
    return b.fail("stash_type other than FLOAT is not supported");
  Value xf = x;
  Type f32 = b.b.getF32Type();
  if (b.typeOf(x).getElementType() != f32) {
    auto c = b.make<tg::CastOp>({x}, {b.named("to", TypeAttr::get(f32))});
    if (failed(c))
      return failure();
    xf = *c;
  }
  SmallVector<int64_t> axes;
  for (int64_t i = *axis; i < b.rankOf(x); ++i)
    axes.push_back(i);
  SmallVector<NamedAttribute> attrs = {b.named("axes", b.array(axes)),
                                       b.named("keepdims", b.boolean(true))};
  auto m = moments(b, xf, attrs, eps);
  if (failed(m))
    return failure();
  auto inv = b.make<tg::ReciprocalOp>({m->stddev});
  if (failed(inv))
    return failure();
  return b.setResults({*r, m->mean, *inv});
}

/// Opset 18 GroupNormalization has one scale per group: repeat each value
/// over the group's channels to get tg's per-channel form.
FailureOr<Value> perChannel(OpBinder &b, Value v, int64_t groups,
                            int64_t channels) {
  if (ShapedType::isDynamic(channels))
    return (void)b.fail("needs a static channel count"), failure();
  auto r = b.make<tg::ReshapeOp>({v, b.constI64({groups, 1})});
  if (failed(r))
    return failure();
  r = b.make<tg::ExpandOp>({*r, b.constI64({groups, channels / groups})});
  if (failed(r))
    return failure();
  return b.make<tg::ReshapeOp>({*r, b.constI64({channels})});
}

LogicalResult groupNorm(OpBinder &b) {
  if (failed(b.need(3)))
    return failure();
  Value x = b.input(0), scale = b.input(1), bias = b.input(2);
  int64_t groups = b.i("num_groups", 0);
  if (groups <= 0 || b.rankOf(x) < 2)
    return b.fail("num_groups must be positive and the input rank >= 2");
  int64_t c = b.typeOf(x).getDimSize(1);
  if (b.opset < 21) {
    auto s = perChannel(b, scale, groups, c), t = perChannel(b, bias, groups, c);
    if (failed(s) || failed(t))
      return failure();
    scale = *s;
    bias = *t;
  }
  return b.emit<tg::GroupNormOp>(
      {x, scale, bias}, {b.named("num_groups", b.i64(groups)),
                         b.named("epsilon", b.f32(b.f("epsilon", 1e-5f)))});
}

LogicalResult lrn(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  if (!b.attr("size"))
    return b.fail("size is required");
  return b.emit<tg::LRNOp>({b.input(0)},
                             {b.named("size", b.i64(b.i("size", 1))),
                              b.named("alpha", b.f32(b.f("alpha", 1e-4f))),
                              b.named("beta", b.f32(b.f("beta", 0.75f))),
                              b.named("bias", b.f32(b.f("bias", 1.0f)))});
}

/// Softmax-like ops. Before opset 13 the input is coerced to 2-D at `axis`
/// (default 1); from 13 the op works along `axis` (default -1).
template <typename OpTy>
LogicalResult softmaxLike(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value x = b.input(0);
  int64_t rank = b.rankOf(x);
  bool legacy = b.opset < 13;
  auto axis = b.axis(b.i("axis", legacy ? 1 : -1), std::max<int64_t>(rank, 1));
  if (failed(axis))
    return failure();
  if (!legacy || *axis == rank - 1) {
    auto r = b.make<OpTy>({x}, {b.named("axis", b.i64(*axis))});
    return failed(r) ? failure() : b.setResult(*r);
  }
  auto flat = b.make<tg::FlattenOp>({x}, {b.named("axis", b.i64(*axis))});
  if (failed(flat))
    return failure();
  auto r = b.make<OpTy>({*flat}, {b.named("axis", b.i64(1))});
  if (failed(r))
    return failure();
  auto shape = b.make<tg::ShapeOp>(
      {x}, {b.named("start", b.i64(0)), b.named("end", b.i64(rank))});
  if (failed(shape))
    return failure();
  auto back = b.make<tg::ReshapeOp>({*r, *shape});
  return failed(back) ? failure() : b.setResult(*back);
}

/// Reductions: `axes` is an attribute before `axesInputSince` and an
/// optional input from then on.
template <typename OpTy>
Handler reduce(int64_t axesInputSince) {
  return [axesInputSince](OpBinder &b) -> LogicalResult {
    if (failed(b.need(1)))
      return failure();
    Value x = b.input(0);
    SmallVector<int64_t> axes;
    bool keepdims = b.i("keepdims", 1) != 0;
    if (b.opset >= axesInputSince) {
      Value axesIn = b.input(1);
      // Axes known only at run time: the operand form (a run-time axes
      // tensor of static length; length 0 is the empty list).
      if (axesIn && !OpBinder::constInts(axesIn, axes) &&
          b.typeOf(axesIn).getRank() == 1 &&
          !b.typeOf(axesIn).isDynamicDim(0) &&
          b.typeOf(axesIn).getDimSize(0) > 0) {
        if (!b.typeOf(axesIn).getElementType().isInteger(64))
          return b.fail("axes must be int64");
        return b.emit<OpTy>({x, axesIn},
                            {b.named("axes", b.array({})),
                             b.named("keepdims", b.boolean(keepdims))});
      }
      if (axesIn && b.typeOf(axesIn).getNumElements() != 0 &&
          failed(b.requireConstInts(1, "axes", axes)))
        return failure();
    } else {
      axes = b.ints("axes");
    }
    if (axes.empty()) {
      if (b.i("noop_with_empty_axes", 0))
        return b.setResult(x);
      for (int64_t i = 0; i < b.rankOf(x); ++i)
        axes.push_back(i);
    }
    auto norm = b.axes(axes, b.rankOf(x));
    if (failed(norm))
      return failure();
    auto r = b.make<OpTy>({x}, {b.named("axes", b.array(*norm)),
                                b.named("keepdims", b.boolean(keepdims))});
    return failed(r) ? failure() : b.setResult(*r);
  };
}

template <typename OpTy>
LogicalResult argReduce(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value x = b.input(0);
  auto axis = b.axis(b.i("axis", 0), b.rankOf(x));
  if (failed(axis))
    return failure();
  return b.emit<OpTy>(
      {x}, {b.named("axis", b.i64(*axis)),
            b.named("keepdims", b.boolean(b.i("keepdims", 1))),
            b.named("select_last_index",
                    b.boolean(b.i("select_last_index", 0)))});
}

LogicalResult cumsum(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  SmallVector<int64_t> axisVals;
  // An axis known only at run time: the operand form.
  if (!OpBinder::constInts(b.input(1), axisVals)) {
    if (b.typeOf(b.input(1)).getNumElements() != 1)
      return b.fail("axis must hold one value");
    return b.emit<tg::CumSumOp>(
        {b.input(0), b.input(1)},
        {b.named("axis", b.i64(0)),
         b.named("exclusive", b.boolean(b.i("exclusive", 0))),
         b.named("reverse", b.boolean(b.i("reverse", 0)))});
  }
  if (axisVals.size() != 1)
    return b.fail("axis must hold one value");
  auto axis = b.axis(axisVals[0], b.rankOf(b.input(0)));
  if (failed(axis))
    return failure();
  return b.emit<tg::CumSumOp>(
      {b.input(0)}, {b.named("axis", b.i64(*axis)),
                     b.named("exclusive", b.boolean(b.i("exclusive", 0))),
                     b.named("reverse", b.boolean(b.i("reverse", 0)))});
}

LogicalResult topk(OpBinder &b) {
  if (failed(b.need(b.opset < 10 ? 1 : 2)))
    return failure();
  Value x = b.input(0);
  Value k = b.opset < 10 ? b.constI64({b.i("k", 0)}) : b.input(1);
  auto axis = b.axis(b.i("axis", -1), b.rankOf(x));
  if (failed(axis))
    return failure();
  auto op = b.makeOp<tg::TopKOp>(
      {x, k}, {b.named("axis", b.i64(*axis)),
               b.named("largest", b.boolean(b.i("largest", 1))),
               b.named("sorted", b.boolean(b.i("sorted", 1)))});
  return failed(op) ? failure() : b.setResults((*op)->getResults());
}

LogicalResult einsum(OpBinder &b) {
  if (b.numInputs() == 0 || failed(b.need(b.numInputs())))
    return b.fail("needs inputs");
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < b.numInputs(); ++i)
    inputs.push_back(b.input(i));
  return b.emit<tg::EinsumOp>(
      inputs, {b.named("equation", b.str(b.s("equation", "")))});
}

/// MeanVarianceNormalization = (x - E[x]) / sqrt(E[(x - E[x])^2] + 1e-9),
/// the ONNX function body, in core ops.
LogicalResult meanVarianceNorm(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value x = b.input(0);
  SmallVector<int64_t> axes = b.ints("axes");
  if (axes.empty())
    axes = {0, 2, 3};
  auto norm = b.axes(axes, b.rankOf(x));
  if (failed(norm))
    return failure();
  SmallVector<NamedAttribute> attrs = {b.named("axes", b.array(*norm)),
                                       b.named("keepdims", b.boolean(true))};
  auto m = moments(b, x, attrs, 1e-9);
  if (failed(m))
    return failure();
  return b.emit<tg::DivOp>({m->centered, m->stddev});
}

LogicalResult det(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  return b.emit<tg::DetOp>({b.input(0)});
}

} // namespace

void mlir::tangram::onnx_importer::registerNNHandlers(HandlerTable &t) {
  t.on("MatMul", 1, matmul);
  t.on("QLinearMatMul", 10, qlinearMatmul);
  t.on("MatMulInteger", 10, matmulInteger);
  t.on("ConvInteger", 10, convInteger);
  t.on("QLinearConv", 10, qlinearConv);
  t.on("Gemm", 7, gemm);
  t.on("Conv", 1, conv);
  t.on("ConvTranspose", 1, convTranspose);
  t.on("MaxPool", 1, pool<tg::MaxPoolOp>);
  t.on("AveragePool", 1, pool<tg::AvgPoolOp>);
  t.on("LpPool", 11, pool<tg::LpPoolOp>);
  t.on("GlobalAveragePool", 1, globalPool<tg::ReduceMeanOp>);
  t.on("GlobalMaxPool", 1, globalPool<tg::ReduceMaxOp>);
  t.on("BatchNormalization", 9, batchNorm);
  t.on("InstanceNormalization", 6, instanceNorm);
  t.on("LayerNormalization", 17, layerNorm);
  t.on("GroupNormalization", 18, groupNorm);
  t.on("LRN", 1, lrn);
  t.on("MeanVarianceNormalization", 9, meanVarianceNorm);
  t.on("Softmax", 1, softmaxLike<tg::SoftmaxOp>);
  t.on("LogSoftmax", 1, softmaxLike<tg::LogSoftmaxOp>);
  t.on("Hardmax", 1, softmaxLike<tg::HardmaxOp>);
  t.on("ReduceSum", 1, reduce<tg::ReduceSumOp>(13));
  t.on("ReduceMean", 1, reduce<tg::ReduceMeanOp>(18));
  t.on("ReduceMax", 1, reduce<tg::ReduceMaxOp>(18));
  t.on("ReduceMin", 1, reduce<tg::ReduceMinOp>(18));
  t.on("ReduceProd", 1, reduce<tg::ReduceProdOp>(18));
  t.on("ReduceL1", 1, reduce<tg::ReduceL1Op>(18));
  t.on("ReduceL2", 1, reduce<tg::ReduceL2Op>(18));
  t.on("ReduceSumSquare", 1, reduce<tg::ReduceSumSquareOp>(18));
  t.on("ReduceLogSum", 1, reduce<tg::ReduceLogSumOp>(18));
  t.on("ReduceLogSumExp", 1, reduce<tg::ReduceLogSumExpOp>(18));
  t.on("ArgMax", 1, argReduce<tg::ArgMaxOp>);
  t.on("ArgMin", 1, argReduce<tg::ArgMinOp>);
  t.on("CumSum", 11, cumsum);
  t.on("TopK", 1, topk);
  t.on("Einsum", 12, einsum);
  t.on("Det", 11, det);
}
