//===- NodeNames.h - the ONNX node names in an op's location ----*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The importer names each op's location after its ONNX node; pins, errors
// and placement reports find the node there.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_DIALECTS_GRAPH_NODENAMES_H
#define TANGRAM_DIALECTS_GRAPH_NODENAMES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include <string>

namespace mlir::tangram {

/// The ONNX node names in a location: NameLocs, also inside fused ones
/// (canonicalization fuses the locations of ops it merges).
inline void collectNodeNames(Location loc, SmallVectorImpl<StringRef> &names) {
  if (auto n = dyn_cast<NameLoc>(loc)) {
    names.push_back(n.getName().getValue());
    collectNodeNames(n.getChildLoc(), names);
  } else if (auto f = dyn_cast<FusedLoc>(loc)) {
    for (Location l : f.getLocations())
      collectNodeNames(l, names);
  } else if (auto c = dyn_cast<CallSiteLoc>(loc)) {
    collectNodeNames(c.getCallee(), names);
  }
}

/// The first ONNX node name of a location, for messages ("" when none).
inline std::string nodeName(Location loc) {
  SmallVector<StringRef> names;
  collectNodeNames(loc, names);
  return names.empty() ? "" : names.front().str();
}

} // namespace mlir::tangram

#endif // TANGRAM_DIALECTS_GRAPH_NODENAMES_H
