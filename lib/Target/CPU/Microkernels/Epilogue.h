/*===- Epilogue.h - elementwise epilogues of the CPU microkernels ---------===*
 * SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 *===----------------------------------------------------------------------===*
 *
 * A convolution or matmul is usually followed by an elementwise op on its
 * result (bias, folded batch norm, activation, residual add). Run as a loop
 * of its own it reads and writes the whole result once more from memory;
 * the microkernels instead apply it to each block of results while the
 * block is still in cache. tg-cpu-fuse-epilogues (FuseEpilogues.cpp)
 * compiles the op's body into a function of the code object (tg_epi_fn)
 * and passes its address, with the op's operands, as an array of 64-bit
 * words (the "descriptor") that every microkernel entry point takes last;
 * an empty array means no epilogue.
 *
 * Shared by the compiler (C++) and the microkernels (C): plain C only.
 *
 * Points of a result are named by four logical indices (b, c, y, x):
 * a convolution's [N, G*F, OH, OW], a matmul's [1, M, 1, N], a batch
 * matmul's [B, M, 1, N]. Each operand ("view") is the address of its
 * element (0, 0, 0, 0) and four strides, in elements, over those indices
 * (0 for a broadcast one).
 *
 * Descriptor words:
 *   [0] the epilogue function's address
 *   [1] the number of views: the output, then the inputs
 *   [2 + TG_EPI_VIEW * v ...] view v: the address, then the strides of
 *        b, c, y and x
 *   then, optionally, TG_EPI_FORM_WORDS words saying that the op is
 *   act(x + bias[c]), act((x + bias[c]) + r) or act(x + (r + bias[c]))
 *   (TG_EPI_RESIDUAL_FIRST), r a residual view of the output's shape,
 *   written where x is (the "register form"): a kernel that holds final
 *   results in registers may apply it there and store once, instead of
 *   storing, then calling the function on them:
 *   [0] TG_EPI_BIAS | TG_EPI_RESIDUAL[_FIRST] | TG_EPI_ACT_* |
 *       TG_EPI_TO_OUTPUT (0: none)
 *   [1] the bias's view (its strides along b, y and x zero)
 *   [2] the residual's view
 *   [3], [4] the clip bounds lo, hi as float bits (TG_EPI_ACT_CLIP)
 *   An activation is arith's maximumf(v, lo) (relu: lo = +0) or
 *   minimumf(maximumf(v, lo), hi), with NaN propagated; the compiler
 *   leaves out bounds that are zeros of the other sign than maximumf(v,
 *   +0) needs, so that a compare and select is exact.
 *===----------------------------------------------------------------------===*/
#ifndef TANGRAM_LIB_TARGET_CPU_MICROKERNELS_EPILOGUE_H
#define TANGRAM_LIB_TARGET_CPU_MICROKERNELS_EPILOGUE_H

#include <stdint.h>

#define TG_EPI_HEADER 2
#define TG_EPI_VIEW 5
#define TG_EPI_FORM_WORDS 5
#define TG_EPI_BIAS 1
#define TG_EPI_ACT_RELU 2
#define TG_EPI_ACT_CLIP 4
#define TG_EPI_RESIDUAL 8
#define TG_EPI_RESIDUAL_FIRST 16 /* r + bias first, then x + that */
/* The op writes its output view (view 0), not where x is: the kernel
 * stores its results there (x's own buffer then holds partial sums only,
 * which nothing else reads). */
#define TG_EPI_TO_OUTPUT 32

/* Applies the epilogue at the points (b, c0 + i, y0 + j, x0 + k) for
 * i < nc, j < ny, k < nx, where acc[i * as_c + j * as_y + k * as_x] holds
 * the contraction's final result. The output may be acc itself (then the
 * function may read the result there). */
typedef void (*tg_epi_fn)(const int64_t *desc, const float *acc,
                          int64_t as_c, int64_t as_y, int64_t as_x, int64_t b,
                          int64_t c0, int64_t nc, int64_t y0, int64_t ny,
                          int64_t x0, int64_t nx);

#endif /* TANGRAM_LIB_TARGET_CPU_MICROKERNELS_EPILOGUE_H */
