//===- MLHandlers.cpp - ONNX ai.onnx.ml ops -------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The classical-ML ops that are plain tensor arithmetic, decomposed into tg
// ops as the ONNX reference (onnx/reference/ops/aionnxml) computes them.
// String tensors, and so the string forms of these ops, are not supported.
//
//===----------------------------------------------------------------------===//
#include "OpBinder.h"

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

namespace {

constexpr StringLiteral kML = "ai.onnx.ml";

/// Binarizer: 1 where X > threshold, else 0, in X's type. The reference
/// compares with a Python float, so integer inputs are compared in f64
/// (x > 1.5 holds from 2 on, as it does there).
LogicalResult binarizer(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value x = b.input(0);
  Type elem = b.typeOf(x).getElementType();
  Type cmpElem = isa<FloatType>(elem) ? elem : b.b.getF64Type();
  auto xc = b.castTo(x, cmpElem);
  if (failed(xc))
    return failure();
  double threshold = b.f("threshold", 0.0f);
  auto above = b.make<tg::GreaterOp>({*xc, b.scalar(cmpElem, threshold)});
  if (failed(above))
    return failure();
  return b.emit<tg::SelectOp>(
      {*above, b.scalar(elem, 1.0), b.scalar(elem, 0.0)});
}

/// ArrayFeatureExtractor: X[..., indices] with the indices flattened, so
/// the last axis becomes the number of indices. A 1-D X gives a one-row
/// matrix, as onnxruntime and the reference do.
LogicalResult arrayFeatureExtractor(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  Value x = b.input(0), indices = b.input(1);
  int64_t rank = b.rankOf(x);
  if (rank == 0)
    return b.fail("X must have at least one dimension");
  if (b.rankOf(indices) != 1) {
    auto flat = b.make<tg::ReshapeOp>({indices, b.constI64({-1})});
    if (failed(flat))
      return failure();
    indices = *flat;
  }
  auto y =
      b.make<tg::GatherOp>({x, indices}, {b.named("axis", b.i64(rank - 1))});
  if (failed(y))
    return failure();
  if (rank > 1)
    return b.setResult(*y);
  return b.emit<tg::ReshapeOp>({*y, b.constI64({1, -1})});
}

} // namespace

void mlir::tangram::onnx_importer::registerMLHandlers(HandlerTable &t) {
  t.on("Binarizer", 1, binarizer, kML);
  t.on("ArrayFeatureExtractor", 1, arrayFeatureExtractor, kML);
}
