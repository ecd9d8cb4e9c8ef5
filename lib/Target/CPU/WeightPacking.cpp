//===- WeightPacking.cpp - model weights in the microkernels' layout ------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The compile-time half of tg-cpu-pack-weights: the driver calls the CPU
// backend's layOutWeight with the layout the pass chose, which lands here.
// The loops mirror tg_pack_a of Microkernels.c (Layout.h states the
// layout); a weight packed here is read by the microkernels exactly as one
// they packed themselves.
//
//===----------------------------------------------------------------------===//
#include "WeightPacking.h"
#include <algorithm>

using namespace mlir::tangram;

int64_t mlir::tangram::packedGemmPanelsSize(int64_t groups, int64_t m,
                                            int64_t k, int64_t rows) {
  return groups * ((m + rows - 1) / rows * rows) * k;
}

std::vector<float> mlir::tangram::packGemmPanels(const std::vector<float> &weights,
                                                 int64_t groups, int64_t m,
                                                 int64_t k, int64_t rows,
                                                 int64_t depth) {
  int64_t mpad = (m + rows - 1) / rows * rows;
  std::vector<float> out(packedGemmPanelsSize(groups, m, k, rows), 0.0f);
  for (int64_t g = 0; g < groups; ++g) {
    const float *a = weights.data() + g * m * k;
    float *packed = out.data() + g * mpad * k;
    for (int64_t p0 = 0; p0 < k; p0 += depth) {
      int64_t kc = std::min(depth, k - p0);
      for (int64_t i0 = 0; i0 < m; i0 += rows) {
        float *panel = packed + p0 * mpad + i0 * kc;
        for (int64_t kk = 0; kk < kc; ++kk)
          for (int64_t i = 0; i < rows && i0 + i < m; ++i)
            panel[kk * rows + i] = a[(i0 + i) * k + p0 + kk];
      }
    }
  }
  return out;
}

int64_t mlir::tangram::packedGemmBPanelsSize(int64_t k, int64_t n,
                                             int64_t columns) {
  return (n + columns - 1) / columns * columns * k;
}

std::vector<float> mlir::tangram::packGemmBPanels(
    const std::vector<float> &weights, int64_t k, int64_t n, int64_t s0,
    int64_t s1, int64_t offset, int64_t columns, int64_t depth) {
  int64_t npad = (n + columns - 1) / columns * columns;
  std::vector<float> out(packedGemmBPanelsSize(k, n, columns), 0.0f);
  for (int64_t p0 = 0; p0 < k; p0 += depth) {
    int64_t kc = std::min(depth, k - p0);
    for (int64_t j0 = 0; j0 < n; j0 += columns) {
      float *panel = out.data() + p0 * npad + j0 * kc;
      for (int64_t kk = 0; kk < kc; ++kk)
        for (int64_t j = 0; j < columns && j0 + j < n; ++j)
          panel[kk * columns + j] =
              weights[offset + (p0 + kk) * s0 + (j0 + j) * s1];
    }
  }
  return out;
}

std::vector<float> mlir::tangram::packConvChannelBlocks(
    const std::vector<float> &weights, int64_t f, int64_t c, int64_t kh,
    int64_t kw, int64_t vl, int64_t blocks) {
  int64_t k = c * kh * kw, nblocks = (f + blocks * vl - 1) / (blocks * vl) * blocks;
  std::vector<float> out(nblocks * vl * k, 0.0f);
  for (int64_t o = 0; o < f; ++o)
    for (int64_t q = 0; q < k; ++q)
      out[((o / vl) * k + q) * vl + o % vl] = weights[o * k + q];
  return out;
}
