//===- RandomOps.cpp - type inference of random tensor ops ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "Graph/GraphOps.h"

using namespace mlir;

LogicalResult mlir::tangram::tg::inferRandom(std::optional<Location> loc,
                                             Value shape, Type dtype,
                                             SmallVectorImpl<Type> &types) {
  auto st = cast<RankedTensorType>(shape.getType());
  if (st.getRank() != 1 || st.isDynamicDim(0))
    return emitOptionalError(loc,
                             "shape must be a 1-D tensor of static length");
  if (!isa<FloatType>(dtype) || dtype.getIntOrFloatBitWidth() < 16)
    return emitOptionalError(loc, "dtype must be f16, bf16, f32 or f64");
  SmallVector<int64_t> dims;
  if (getConstantInts(shape, dims)) {
    for (int64_t d : dims)
      if (d < 0)
        return emitOptionalError(loc, "shape must be non-negative");
  } else {
    dims.assign(st.getDimSize(0), ShapedType::kDynamic);
  }
  types.push_back(RankedTensorType::get(dims, dtype));
  return success();
}
