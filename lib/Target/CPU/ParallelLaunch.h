//===- ParallelLaunch.h - launchers of outlined parallel loops --*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_TARGET_CPU_PARALLELLAUNCH_H
#define TANGRAM_LIB_TARGET_CPU_PARALLELLAUNCH_H

#include "llvm/IR/Module.h"
#include <string>

namespace mlir::tangram {

/// Defines every `tg_par_launch_<N>(count, captures...)` declared in `m`
/// (tg-cpu-parallelize-loops) in LLVM IR: it stores the captures in a
/// stack frame and calls the microkernels' `tg_uk_parallel_run(frame,
/// count, trampoline)`, whose trampoline reloads them and calls
/// `tg_par_body_<N>(begin, end, captures...)`. False with `error` set if a
/// launcher has no matching body.
bool defineParallelLaunchers(llvm::Module &m, std::string &error);

} // namespace mlir::tangram

#endif // TANGRAM_LIB_TARGET_CPU_PARALLELLAUNCH_H
