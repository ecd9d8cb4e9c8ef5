//===- ControlFlowOps.cpp - tg.if and tg.loop types and verifiers ---------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Result types come from what the regions yield: tg.if joins its two
// branches (a dim on which they differ becomes `?`), tg.loop keeps its
// carried values' types and stacks the scan values over a leading `?` dim.
//
//===----------------------------------------------------------------------===//
#include "InferenceUtils.h"

using namespace mlir;
using namespace mlir::tangram::tg;
using namespace mlir::tangram::tg::detail;

/// The values a single-block region yields, or null without a terminator
/// (a region being built).
static YieldOp yieldOf(Region &r) {
  if (r.empty() || r.front().empty())
    return nullptr;
  return dyn_cast<YieldOp>(r.front().back());
}

LogicalResult IfOp::inferReturnTypes(MLIRContext *, OptLoc loc, Adaptor adaptor,
                                     TypeList &types) {
  if (failed(checkOneValue(loc, adaptor.getCond(), "cond")))
    return failure();
  YieldOp t = yieldOf(adaptor.getThenRegion()),
          e = yieldOf(adaptor.getElseRegion());
  if (!t || !e)
    return emitOptionalError(loc, "both regions must end in tg.yield");
  if (t.getValues().size() != e.getValues().size())
    return emitOptionalError(loc, "the branches yield ", t.getValues().size(),
                             " and ", e.getValues().size(), " values");
  for (auto [i, a, b] :
       llvm::enumerate(t.getValues().getTypes(), e.getValues().getTypes())) {
    auto j = joinTypes(a, b, /*allowUnranked=*/false);
    if (failed(j))
      return emitOptionalError(loc, "the branches yield value ", i,
                               " with different element types or ranks");
    types.push_back(*j);
  }
  return success();
}

LogicalResult LoopOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                       Adaptor adaptor, TypeList &types) {
  if (failed(checkOneValue(loc, adaptor.getMaxTripCount(), "max_trip_count")) ||
      failed(checkOneValue(loc, adaptor.getCond(), "cond")))
    return failure();
  YieldOp y = yieldOf(adaptor.getBody());
  if (!y)
    return emitOptionalError(loc, "the body must end in tg.yield");
  size_t n = adaptor.getInits().size();
  if (y.getValues().size() < n + 1)
    return emitOptionalError(loc, "the body yields ", y.getValues().size(),
                             " values; it must yield the condition and the ", n,
                             " carried values first");
  // Carried results have the body's argument types, which may be more
  // general than the initial values' (a sequence that grows).
  Region &body = adaptor.getBody();
  if (body.empty() || body.front().getNumArguments() != n + 2)
    return emitOptionalError(loc, "the body takes the iteration number, the "
                                  "condition and the carried values");
  for (BlockArgument a : body.front().getArguments().drop_front(2))
    types.push_back(a.getType());
  for (Value v : y.getValues().drop_front(n + 1)) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t)
      return emitOptionalError(loc, "scan values must be ranked tensors");
    SmallVector<int64_t> shape = {ShapedType::kDynamic};
    shape.append(t.getShape().begin(), t.getShape().end());
    types.push_back(t.clone(shape));
  }
  return success();
}

LogicalResult LoopOp::verify() {
  Block &body = getBody().front();
  size_t n = getInits().size();
  if (body.getNumArguments() != n + 2)
    return emitOpError("the body takes the iteration number, the condition "
                       "and ")
           << n << " carried values, not " << body.getNumArguments()
           << " arguments";
  auto i64 = RankedTensorType::get({}, IntegerType::get(getContext(), 64));
  auto i1 = RankedTensorType::get({}, IntegerType::get(getContext(), 1));
  if (body.getArgument(0).getType() != i64 ||
      body.getArgument(1).getType() != i1)
    return emitOpError("the body's first arguments must be tensor<i64> and "
                       "tensor<i1>");
  auto y = dyn_cast<YieldOp>(body.getTerminator());
  if (!y || y.getValues().size() < n + 1)
    return emitOpError("the body must yield the condition and the ")
           << n << " carried values first";
  if (y.getValues()[0].getType() != i1)
    return emitOpError("the body must yield the condition as tensor<i1>");
  for (size_t k = 0; k < n; ++k) {
    Type init = getInits()[k].getType(),
         arg = body.getArgument(k + 2).getType(),
         next = y.getValues()[k + 1].getType();
    auto general = joinTypes(init, arg, /*allowUnranked=*/true);
    if (failed(general) || *general != arg)
      return emitOpError("carried value ")
             << k << " has type " << init << " but the body takes " << arg;
    if (!areCompatibleReturnTypes(TypeRange(next), TypeRange(arg)))
      return emitOpError("carried value ")
             << k << " changes from " << arg << " to " << next
             << " in an iteration";
  }
  return success();
}
