//===- SequenceOps.cpp - type inference of sequence and optional ops ------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A sequence's type is the join of its elements' types (joinTypes): what is
// known of every element. Inserting joins the new element in; splitting
// computes the pieces' type from the split operand when it is constant.
//
//===----------------------------------------------------------------------===//
#include "InferenceUtils.h"

using namespace mlir;
using namespace mlir::tangram::tg;
using namespace mlir::tangram::tg::detail;

static LogicalResult checkPosition(OptLoc loc, Value p) {
  return p ? checkOneValue(loc, p, "position") : success();
}

static TensorType elementOf(Value seq) {
  return cast<SequenceType>(seq.getType()).getElementType();
}

LogicalResult SequenceConstructOp::inferReturnTypes(MLIRContext *ctx,
                                                    OptLoc loc, Adaptor adaptor,
                                                    TypeList &types) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "needs at least one tensor");
  Type t = adaptor.getInputs().front().getType();
  for (Value v : adaptor.getInputs().drop_front()) {
    auto j = joinTypes(t, v.getType(), /*allowUnranked=*/true);
    if (failed(j))
      return emitOptionalError(loc, "the tensors have different element types");
    t = *j;
  }
  types.push_back(SequenceType::get(ctx, cast<TensorType>(t)));
  return success();
}

LogicalResult SequenceEmptyOp::inferReturnTypes(MLIRContext *ctx, OptLoc loc,
                                                Adaptor adaptor,
                                                TypeList &types) {
  Type e = adaptor.getDtype();
  if (!e.isIntOrFloat())
    return emitOptionalError(loc, "dtype must be a number or bool type");
  types.push_back(SequenceType::get(ctx, UnrankedTensorType::get(e)));
  return success();
}

LogicalResult SequenceInsertOp::inferReturnTypes(MLIRContext *ctx, OptLoc loc,
                                                 Adaptor adaptor,
                                                 TypeList &types) {
  if (failed(checkPosition(loc, adaptor.getPosition())))
    return failure();
  auto j = joinTypes(elementOf(adaptor.getSequence()),
                     adaptor.getValue().getType(), /*allowUnranked=*/true);
  if (failed(j))
    return emitOptionalError(loc, "the tensor's element type is not the "
                                  "sequence's");
  types.push_back(SequenceType::get(ctx, cast<TensorType>(*j)));
  return success();
}

LogicalResult SequenceAtOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                             Adaptor adaptor, TypeList &types) {
  if (failed(checkPosition(loc, adaptor.getPosition())))
    return failure();
  types.push_back(elementOf(adaptor.getSequence()));
  return success();
}

LogicalResult SequenceEraseOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                                Adaptor adaptor,
                                                TypeList &types) {
  if (failed(checkPosition(loc, adaptor.getPosition())))
    return failure();
  types.push_back(adaptor.getSequence().getType());
  return success();
}

LogicalResult SequenceLengthOp::inferReturnTypes(MLIRContext *ctx, OptLoc,
                                                 Adaptor, TypeList &types) {
  types.push_back(RankedTensorType::get({}, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult SplitToSequenceOp::inferReturnTypes(MLIRContext *ctx, OptLoc loc,
                                                  Adaptor adaptor,
                                                  TypeList &types) {
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= x.getRank())
    return emitOptionalError(loc, "axis out of range");
  SmallVector<int64_t> shape(x.getShape());
  if (Value split = adaptor.getSplit()) {
    auto st = cast<RankedTensorType>(split.getType());
    if (st.getRank() > 1)
      return emitOptionalError(loc, "split must be 0-D or 1-D");
    SmallVector<int64_t> sizes;
    int64_t piece = kDyn;
    if (getConstantInts(split, sizes) && !sizes.empty() &&
        llvm::all_equal(sizes) &&
        (st.getRank() == 1 || sizes[0] == x.getDimSize(axis)))
      piece = sizes[0];
    shape[axis] = piece;
  } else if (adaptor.getKeepdims()) {
    shape[axis] = 1;
  } else {
    shape.erase(shape.begin() + axis);
  }
  types.push_back(SequenceType::get(ctx, x.clone(shape)));
  return success();
}

LogicalResult ConcatFromSequenceOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                                     Adaptor adaptor,
                                                     TypeList &types) {
  auto e = dyn_cast<RankedTensorType>(elementOf(adaptor.getSequence()));
  if (!e)
    return emitOptionalError(loc, "the sequence's tensors must have a known "
                                  "rank");
  int64_t r = e.getRank() + (adaptor.getNewAxis() ? 1 : 0);
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= std::max<int64_t>(r, 1))
    return emitOptionalError(loc, "axis out of range");
  SmallVector<int64_t> shape(e.getShape());
  if (adaptor.getNewAxis())
    shape.insert(shape.begin() + axis, kDyn);
  else
    shape[axis] = kDyn;
  types.push_back(e.clone(shape));
  return success();
}

LogicalResult OptionalOp::inferReturnTypes(MLIRContext *ctx, OptLoc loc,
                                           Adaptor adaptor, TypeList &types) {
  Type t;
  if (Value v = adaptor.getInput())
    t = v.getType();
  else if (auto a = adaptor.getTypeAttr())
    t = a.getValue();
  if (!t || !isa<TensorType, SequenceType>(t))
    return emitOptionalError(loc, "needs a value or a tensor or sequence type");
  types.push_back(OptionalType::get(ctx, t));
  return success();
}

LogicalResult OptionalHasElementOp::inferReturnTypes(MLIRContext *ctx, OptLoc,
                                                     Adaptor, TypeList &types) {
  types.push_back(RankedTensorType::get({}, IntegerType::get(ctx, 1)));
  return success();
}

LogicalResult OptionalGetElementOp::inferReturnTypes(MLIRContext *, OptLoc,
                                                     Adaptor adaptor,
                                                     TypeList &types) {
  types.push_back(
      cast<OptionalType>(adaptor.getInput().getType()).getValueType());
  return success();
}
