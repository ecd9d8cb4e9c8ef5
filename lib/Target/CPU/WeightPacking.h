//===- WeightPacking.h - model weights in the microkernels' layout -*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Plain C++ (no MLIR): the unit tests build it with the microkernels.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_TARGET_CPU_WEIGHTPACKING_H
#define TANGRAM_LIB_TARGET_CPU_WEIGHTPACKING_H

#include <cstdint>
#include <vector>

namespace mlir::tangram {

/// Floats in `groups` M x K matrices packed into panels of `rows` rows.
int64_t packedGemmPanelsSize(int64_t groups, int64_t m, int64_t k,
                             int64_t rows);

/// `groups` row-major M x K matrices (one after the other in `weights`)
/// packed into the layout of Microkernels/Layout.h with `rows` register
/// rows and chunks of `depth` columns: what the microkernels' tg_pack_a
/// makes of them at run time.
std::vector<float> packGemmPanels(const std::vector<float> &weights,
                                  int64_t groups, int64_t m, int64_t k,
                                  int64_t rows, int64_t depth);

/// Floats in a K x N matrix packed into panels of `columns` columns.
int64_t packedGemmBPanelsSize(int64_t k, int64_t n, int64_t columns);

/// The K x N matrix B[k][n] = weights[offset + k * s0 + n * s1] (a view of
/// a weight: a transposed one has s0 = 1) packed into the B layout of
/// Microkernels/Layout.h with `columns` register columns and chunks of
/// `depth` rows.
std::vector<float> packGemmBPanels(const std::vector<float> &weights,
                                   int64_t k, int64_t n, int64_t s0,
                                   int64_t s1, int64_t offset,
                                   int64_t columns, int64_t depth);

/// A convolution's weight [F, C, KH, KW] (row-major) packed as channel
/// blocks (Microkernels/Layout.h) of `vl` output channels for register
/// tiles of `blocks` blocks: what the microkernels' tg_cv_weights makes of
/// it at run time. Its size is tg_cv_packed_size's.
std::vector<float> packConvChannelBlocks(const std::vector<float> &weights,
                                         int64_t f, int64_t c, int64_t kh,
                                         int64_t kw, int64_t vl,
                                         int64_t blocks);

} // namespace mlir::tangram

#endif // TANGRAM_LIB_TARGET_CPU_WEIGHTPACKING_H
