//===- RegionBuilders.h - building tg.if / tg.loop in handlers --*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Helpers for handlers that build region ops: ONNX If/Loop/Scan, and the
// recurrences (RNN, GRU, LSTM) whose sequence length is known only at run
// time and so become a tg.loop instead of an unrolled body.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_IMPORTER_ONNX_REGIONBUILDERS_H
#define TANGRAM_LIB_IMPORTER_ONNX_REGIONBUILDERS_H

#include "OpBinder.h"
#include "mlir/IR/Verifier.h"

namespace mlir::tangram::onnx_importer {

/// A 0-D tensor constant.
inline Value scalarOf(OpBuilder &b, Location loc, Type elem, Attribute value) {
  auto t = RankedTensorType::get({}, elem);
  return tg::ConstantOp::create(
      b, loc, cast<ElementsAttr>(DenseElementsAttr::get(t, value)));
}

/// `v` as a 0-D tensor (ONNX allows one-element vectors for scalars).
inline FailureOr<Value> toScalar(OpBinder &b, Value v) {
  if (b.rankOf(v) == 0)
    return v;
  return b.make<tg::ReshapeOp>({v, b.constI64({})});
}

/// Builds the single block of a region-holding op: `argTypes` arguments,
/// `fill` computes the values to yield from them.
inline FailureOr<std::unique_ptr<Region>>
buildRegion(OpBinder &b, TypeRange argTypes,
            function_ref<FailureOr<SmallVector<Value>>(Block &)> fill) {
  auto region = std::make_unique<Region>();
  Block *block = new Block();
  region->push_back(block);
  for (Type t : argTypes)
    block->addArgument(t, b.loc);
  OpBuilder::InsertionGuard guard(b.b);
  b.b.setInsertionPointToStart(block);
  auto values = fill(*block);
  if (failed(values))
    return failure();
  tg::YieldOp::create(b.b, b.loc, *values);
  return region;
}

/// Creates `OpTy` from `operands` and built `regions`, its result types
/// inferred from what the regions yield.
template <typename OpTy>
FailureOr<Operation *>
makeRegionOp(OpBinder &b, ValueRange operands,
             SmallVector<std::unique_ptr<Region>> regions) {
  OperationState st(b.loc, OpTy::getOperationName());
  st.addOperands(operands);
  for (auto &r : regions)
    st.addRegion(std::move(r));
  SmallVector<Type> types;
  SmallVector<Region *> rs;
  for (auto &r : st.regions)
    rs.push_back(r.get());
  if (failed(OpTy::inferReturnTypes(
          b.ctx, b.loc, st.operands, st.attributes.getDictionary(b.ctx),
          st.getRawProperties(), RegionRange(rs), types)))
    return (void)b.fail("inconsistent branches or body: " + b.lastDiagnostic()),
           failure();
  st.addTypes(types);
  Operation *op = b.b.create(st);
  if (failed(mlir::verify(op)))
    return (void)b.fail("the op does not verify: " + b.lastDiagnostic()),
           failure();
  return op;
}

/// The loop-carried types the body takes: the initial values' types.
inline SmallVector<Type> bodyArgTypes(OpBinder &b, ValueRange inits) {
  SmallVector<Type> types = {RankedTensorType::get({}, b.b.getI64Type()),
                             RankedTensorType::get({}, b.b.getI1Type())};
  for (Value v : inits)
    types.push_back(v.getType());
  return types;
}

} // namespace mlir::tangram::onnx_importer

#endif // TANGRAM_LIB_IMPORTER_ONNX_REGIONBUILDERS_H
