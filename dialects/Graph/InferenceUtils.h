//===- InferenceUtils.h - helpers of the tg type inference files -*- C++
//-*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Shorthands shared by the files that implement `inferReturnTypes`
// (GraphOps.cpp, VisionOps.cpp, SignalOps.cpp, ...). Internal to the
// dialect library.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_DIALECTS_GRAPH_INFERENCEUTILS_H
#define TANGRAM_DIALECTS_GRAPH_INFERENCEUTILS_H

#include "Graph/GraphOps.h"

namespace mlir::tangram::tg::detail {

using TypeList = SmallVectorImpl<Type>;
using OptLoc = std::optional<Location>;
inline constexpr int64_t kDyn = ShapedType::kDynamic;

inline RankedTensorType tensorOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Whether two dims may be equal (either is `?` or they are).
inline bool mayEqual(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// Fails unless `v` holds exactly one element (0-D or one-element 1-D).
inline LogicalResult checkOneValue(OptLoc loc, Value v, StringRef what) {
  auto t = tensorOf(v);
  if (t.getRank() > 1 || (t.getRank() == 1 && t.getDimSize(0) != 1))
    return emitOptionalError(loc, what, " must hold one value");
  return success();
}

} // namespace mlir::tangram::tg::detail

#endif // TANGRAM_DIALECTS_GRAPH_INFERENCEUTILS_H
