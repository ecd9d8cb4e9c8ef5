//===- PlacementReport.h - placement as a page or a file --------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// `--report FILE.json` writes tg-place-ops' decision as it is;
// `--report FILE.html` draws it: the graph with each node coloured by its
// device, the predicted times of each device and transfer, the totals of
// every objective beside each single-device alternative, and why each op
// went where it did. The page is self-contained (no script, no network).
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_PIPELINES_PLACEMENTREPORT_H
#define TANGRAM_PIPELINES_PLACEMENTREPORT_H

#include "llvm/ADT/StringRef.h"
#include <string>

namespace mlir::tangram {

/// Writes the placement JSON `placement` to `path` (.json as is, .html as a
/// page titled after `model`). On failure returns false with one line.
bool writePlacementReport(llvm::StringRef placement, llvm::StringRef path,
                          llvm::StringRef model, std::string &error);

} // namespace mlir::tangram

#endif // TANGRAM_PIPELINES_PLACEMENTREPORT_H
