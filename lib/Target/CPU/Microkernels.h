//===- Microkernels.h - the CPU microkernels as bitcode ---------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_TARGET_CPU_MICROKERNELS_H
#define TANGRAM_LIB_TARGET_CPU_MICROKERNELS_H

#include "llvm/IR/Module.h"
#include <string>

namespace mlir::tangram {

/// The prefix of every microkernel entry point (UseMicrokernels.cpp).
inline constexpr const char *kMicrokernelPrefix = "tg_uk_";

/// Links the microkernels into `m` if it calls any: the bitcode built for
/// 16 floats per vector when `features` has AVX-512, else for 8. Returns
/// false with `error` set if the embedded bitcode cannot be read or linked.
bool linkMicrokernels(llvm::Module &m, llvm::StringRef features,
                      std::string &error);

/// The register rows (TG_MR of Microkernels/Layout.h) of the microkernels
/// linkMicrokernels links for `features`: the row count of the packed
/// weights tg-cpu-pack-weights writes.
int64_t microkernelRows(llvm::StringRef features);

/// The register columns (TG_NR) of those microkernels: the column count of
/// the packed B weights tg-cpu-pack-weights writes.
int64_t microkernelColumns(llvm::StringRef features);

} // namespace mlir::tangram

#endif // TANGRAM_LIB_TARGET_CPU_MICROKERNELS_H
