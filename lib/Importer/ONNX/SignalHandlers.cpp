//===- SignalHandlers.cpp - ONNX DFT, STFT and MelWeightMatrix ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "OpBinder.h"
#include "TensorConversion.h"

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

namespace {

/// DFT: opset 17 takes the axis as an attribute (default 1), opset 20 as an
/// optional input (default -2); negative axes count from the end of the
/// input, whose last dim is the complex one.
LogicalResult dft(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value x = b.input(0), length = b.input(1), dynAxis;
  int64_t rank = b.rankOf(x), axis;
  if (b.opset < 20) {
    axis = b.i("axis", 1);
  } else {
    SmallVector<int64_t> a;
    axis = -2;
    if (b.hasInput(2) && !OpBinder::constInts(b.input(2), a))
      dynAxis = b.input(2);
    else if (b.hasInput(2) && a.size() != 1)
      return b.fail("axis must hold one value");
    else if (b.hasInput(2))
      axis = a[0];
  }
  if (!dynAxis) {
    if (axis < -rank || axis >= rank)
      return b.fail("axis " + Twine(axis) + " is out of range");
    axis = axis < 0 ? axis + rank : axis;
  }
  SmallVector<Value> ops = {x, length, dynAxis};
  return b.emit<tg::DFTOp>(
      OpBinder::present(ops),
      {b.segmentSizes(ops), b.named("axis", b.i64(dynAxis ? 0 : axis)),
       b.named("inverse", b.boolean(b.i("inverse", 0))),
       b.named("onesided", b.boolean(b.i("onesided", 0)))});
}

LogicalResult stft(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  SmallVector<Value> ops = {b.input(0), b.input(1), b.input(2), b.input(3)};
  return b.emit<tg::STFTOp>(
      OpBinder::present(ops),
      {b.segmentSizes(ops),
       b.named("onesided", b.boolean(b.i("onesided", 1)))});
}

LogicalResult melWeightMatrix(OpBinder &b) {
  if (failed(b.need(5)))
    return failure();
  int64_t d = b.i("output_datatype", onnx::TensorProto::FLOAT);
  Type elem = convertElementType(d, b.ctx);
  if (!elem)
    return b.fail("unsupported output_datatype " + dataTypeName(d));
  return b.emit<tg::MelWeightMatrixOp>(
      {b.input(0), b.input(1), b.input(2), b.input(3), b.input(4)},
      {b.named("output_datatype", TypeAttr::get(elem))});
}

} // namespace

void mlir::tangram::onnx_importer::registerSignalHandlers(HandlerTable &t) {
  t.on("DFT", 17, dft);
  t.on("STFT", 17, stft);
  t.on("MelWeightMatrix", 17, melWeightMatrix);
}
