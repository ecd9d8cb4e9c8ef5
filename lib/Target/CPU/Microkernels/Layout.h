/*===- Layout.h - the packed GEMM operand layout of the microkernels ------===*
 * SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 *
 * Plain C, included by Microkernels.c and by the C++ side that packs model
 * weights at compile time (tg-cpu-pack-weights, WeightPacking.cpp), so both
 * agree on the layout:
 *
 *   A GEMM's A operand (M x K; a convolution's weight, one per group) is
 *   stored as ceil(K / TG_KC) chunks of TG_KC columns, each chunk as
 *   ceil(M / TG_MR) panels of TG_MR rows, each panel column-major (kc rows
 *   of TG_MR floats, rows past M zero). Element (i, k) of a matrix with
 *   mpad = ceil(M / TG_MR) * TG_MR padded rows is at
 *     (k / TG_KC) * TG_KC * mpad + (i / TG_MR) * TG_MR * kc + (k % TG_KC) *
 *     TG_MR + i % TG_MR,  kc = min(TG_KC, K - (k / TG_KC) * TG_KC);
 *   group g's matrix starts at g * mpad * K.
 *
 *   A GEMM's B operand (K x N; a fully connected layer's weight) is stored
 *   the same way with rows and columns swapped: ceil(K / TG_KC) chunks of
 *   TG_KC rows, each as ceil(N / TG_NR) panels of TG_NR columns, each panel
 *   row-major (kc rows of TG_NR floats, columns past N zero): element
 *   (k, n) at (k / TG_KC) * TG_KC * npad + (n / TG_NR) * TG_NR * kc +
 *   (k % TG_KC) * TG_NR + n % TG_NR, npad = ceil(N / TG_NR) * TG_NR.
 *===----------------------------------------------------------------------===*/
#ifndef TANGRAM_MICROKERNELS_LAYOUT_H
#define TANGRAM_MICROKERNELS_LAYOUT_H

/* Register rows of the kernel per vector width: 16 accumulators + 2 B
 * vectors + 1 broadcast of 32 zmm (AVX-512), 12 + 2 + 1 of 16 ymm (AVX2). */
#define TG_MR_VL16 8
#define TG_MR_VL8 6
/* Columns of the kernel (TG_NR: two vectors) per vector width. */
#define TG_NR_VL16 32
#define TG_NR_VL8 16
/* Columns of A per chunk: a B panel (KC x NR) and an A panel (KC x MR) fit
 * in L1. */
#define TG_KC_DEFAULT 128

/* The weight-kind argument of the microkernels (a convolution's w_const, a
 * matmul's b_kind): the operand is an activation, a model weight in its own
 * layout (packed on first use and kept; convolutions), or a model weight
 * packed at compile time in the layout above. */
#define TG_WEIGHT_ACTIVATION 0
#define TG_WEIGHT_MODEL 1
#define TG_WEIGHT_PREPACKED 2

#endif /* TANGRAM_MICROKERNELS_LAYOUT_H */
