//===- SequenceHandlers.cpp - ONNX sequence and optional ops --------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Sequence ops map one to one onto tg's. Optional ops fold when the input
// is not an optional (a plain tensor or sequence always has its element)
// or absent (never has one).
//
//===----------------------------------------------------------------------===//
#include "OpBinder.h"
#include "TensorConversion.h"

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

namespace {

/// The node's inputs, absent optional ones left out.
SmallVector<Value> inputs(OpBinder &b) {
  SmallVector<Value> v;
  for (unsigned i = 0; i < b.numInputs(); ++i)
    v.push_back(b.input(i));
  return OpBinder::present(v);
}

bool isSequence(Value v) { return v && isa<tg::SequenceType>(v.getType()); }

template <typename OpTy> Handler simple(unsigned required) {
  return [required](OpBinder &b) -> LogicalResult {
    if (failed(b.need(required)))
      return failure();
    // Positions are integer tensors (the op's verifier checks the rest).
    for (unsigned i = 1; i < b.numInputs(); ++i)
      if (Value v = b.input(i); v && !isa<TensorType>(v.getType()))
        return b.fail("input " + Twine(i) + " must be a tensor");
    if (!isSequence(b.input(0)) &&
        !std::is_same_v<OpTy, tg::SequenceConstructOp>)
      return b.fail("input 0 must be a sequence");
    return b.emit<OpTy>(inputs(b));
  };
}

LogicalResult sequenceEmpty(OpBinder &b) {
  int64_t d = b.i("dtype", onnx::TensorProto::FLOAT);
  Type e = convertElementType(d, b.ctx);
  if (!e)
    return b.fail("unsupported dtype " + dataTypeName(d));
  return b.emit<tg::SequenceEmptyOp>({}, {b.named("dtype", TypeAttr::get(e))});
}

LogicalResult splitToSequence(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  for (unsigned i = 0; i < b.numInputs(); ++i)
    if (Value v = b.input(i); v && !isa<RankedTensorType>(v.getType()))
      return b.fail("input " + Twine(i) + " must be a ranked tensor");
  auto axis = b.axis(b.i("axis", 0), b.rankOf(b.input(0)));
  if (failed(axis))
    return failure();
  return b.emit<tg::SplitToSequenceOp>(
      inputs(b), {b.named("axis", b.i64(*axis)),
                  b.named("keepdims", b.boolean(b.i("keepdims", 1)))});
}

LogicalResult concatFromSequence(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  if (!isSequence(b.input(0)))
    return b.fail("input 0 must be a sequence");
  if (!b.attr("axis"))
    return b.fail("axis is required");
  auto e = dyn_cast<RankedTensorType>(
      cast<tg::SequenceType>(b.input(0).getType()).getElementType());
  if (!e)
    return b.fail("the sequence's tensors have no known rank");
  bool newAxis = b.i("new_axis", 0) != 0;
  auto axis = b.axis(b.i("axis", 0), e.getRank() + (newAxis ? 1 : 0));
  if (failed(axis))
    return failure();
  return b.emit<tg::ConcatFromSequenceOp>(
      {b.input(0)},
      {b.named("axis", b.i64(*axis)), b.named("new_axis", b.boolean(newAxis))});
}

LogicalResult optional(OpBinder &b) {
  if (b.hasInput(0))
    return b.emit<tg::OptionalOp>({b.input(0)});
  const auto *t = b.attr("type");
  if (!t || !t->has_tp())
    return b.fail("an empty Optional needs its type attribute");
  std::string err;
  Type type = convertTypeProto(t->tp(), b.ctx, /*allowUnranked=*/true, err);
  if (!type)
    return b.fail("type: " + err);
  return b.emit<tg::OptionalOp>({}, {b.named("type", TypeAttr::get(type))});
}

LogicalResult optionalHasElement(OpBinder &b) {
  Value v = b.input(0);
  if (!v || !isa<tg::OptionalType>(v.getType())) {
    auto t = RankedTensorType::get({}, b.b.getI1Type());
    return b.setResult(tg::ConstantOp::create(
        b.b, b.loc, cast<ElementsAttr>(DenseElementsAttr::get(t, (bool)v))));
  }
  return b.emit<tg::OptionalHasElementOp>({v});
}

LogicalResult optionalGetElement(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value v = b.input(0);
  if (!isa<tg::OptionalType>(v.getType()))
    return b.setResult(v);
  return b.emit<tg::OptionalGetElementOp>({v});
}

} // namespace

void mlir::tangram::onnx_importer::registerSequenceHandlers(HandlerTable &t) {
  t.on("SequenceConstruct", 11, simple<tg::SequenceConstructOp>(1));
  t.on("SequenceEmpty", 11, sequenceEmpty);
  t.on("SequenceInsert", 11, simple<tg::SequenceInsertOp>(2));
  t.on("SequenceAt", 11, simple<tg::SequenceAtOp>(2));
  t.on("SequenceErase", 11, simple<tg::SequenceEraseOp>(1));
  t.on("SequenceLength", 11, simple<tg::SequenceLengthOp>(1));
  t.on("SplitToSequence", 11, splitToSequence);
  t.on("ConcatFromSequence", 11, concatFromSequence);
  t.on("Optional", 15, optional);
  t.on("OptionalHasElement", 15, optionalHasElement);
  t.on("OptionalGetElement", 15, optionalGetElement);
}
