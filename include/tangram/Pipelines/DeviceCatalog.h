//===- DeviceCatalog.h - the devices a model is compiled for ----*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// `--devices CATALOG.json` (docs/DeviceCatalog.md): the device list of a
// compile: each device's id, target and features, its cost fields, and the
// links between devices.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_PIPELINES_DEVICECATALOG_H
#define TANGRAM_PIPELINES_DEVICECATALOG_H

#include "tangram/Schedule/Passes.h"
#include <string>
#include <vector>

namespace mlir::tangram {

/// Reads the catalog at `path` into `catalog` (devices in file order). On
/// failure returns false with one line naming the file and the field.
bool readDeviceCatalog(const std::string &path, Catalog &catalog,
                       std::string &error);

} // namespace mlir::tangram

#endif // TANGRAM_PIPELINES_DEVICECATALOG_H
