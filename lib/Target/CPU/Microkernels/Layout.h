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
 *
 *   A convolution's weight [F, C, KH, KW] read with output channels in
 *   vector lanes (the channel-vector convolution, tg_cv_tile_pixels) is
 *   stored as blocks of VL output channels, each as K = C * KH * KW rows
 *   of VL floats: element (f, c, ky, kx) at ((f / VL) * K + (c * KH + ky)
 *   * KW + kx) * VL + f % VL, for ceil(F / (NB * VL)) * NB blocks (NB:
 *   tg_cv_tile_blocks; channels past F zero).
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
/* A convolution's weight packed at compile time as channel blocks (above). */
#define TG_WEIGHT_CHANNEL_BLOCKS 3

/* A 1x1 stride-1 convolution of C to F channels on a plane of `pixels`
 * (rows consecutive) that runs with channels in lanes on the plane as one
 * row (tg_cv_tile_pixels). Measured on AVX-512 against the GEMM (stop 32,
 * 23 shapes of ResNet, MobileNetV2 and SqueezeNet): planes of 13x13 to
 * 14x14 pixels and smaller 5-26% faster, expanding or reducing alike; from
 * 27x27 on 5-40% slower (each group of channels reads the whole input,
 * which no longer stays in L2), so those stay on the GEMM. */
static inline int tg_cv_flat_1x1(long long vl, long long c, long long f,
                                 long long pixels) {
  return pixels >= (vl >= 16 ? 14 : 6) && pixels <= 256 && f >= 2 * vl &&
         c >= 16;
}

/* Which convolutions run with output channels in vector lanes: a register
 * tile of P consecutive output pixels of a row by NB blocks of VL output
 * channels, P * NB accumulators (28 of the 32 AVX-512 registers, 12 of the
 * 16 AVX2 ones). The pixels P of the tile for a convolution of one group
 * (C input and F output channels, KH x KW window, strides SH, SW, an
 * output row of OW pixels and OH rows), or 0: it runs as a GEMM with
 * pixels in lanes. `flat`: the output's rows are consecutive (row stride
 * OW), so that a 1x1 stride-1 convolution runs on its plane as one row of
 * OH * OW pixels. Measured on AVX-512 (stop 31): every KH x KW > 1 window
 * 15-30% faster than the GEMM, which loses lanes at row ends and few
 * pixels and copies or packs its input. A 1x1 window row by row only where
 * the GEMM wastes lanes (at most 64 pixels) and the reduction is at least
 * as deep as the output is wide (its store of each tile, a transpose, is
 * then amortized; expanding 1x1 convolutions were 5-20% slower). 16 to
 * 31 output channels (half a tile's lanes or more) only over a reduction
 * of at most 32 (stop 33, AMD Zen 4): the GEMM then packs an im2col copy
 * of the input for few rows and stores its tiles after few steps (a 3 to
 * 16 channel 3x3 stride-2 stem 1.2x and MNIST's 1 to 16 channel 5x5 1.8x
 * faster this way; an 8 to 16 channel 3x3, a reduction of 72, was 20%
 * slower). */
static inline long long tg_cv_tile_pixels(long long vl, long long c,
                                          long long f, long long kh,
                                          long long kw, long long oh,
                                          long long ow, long long sh,
                                          long long sw, int flat) {
  if (sh != sw || (sw != 1 && sw != 2) || c < 1 || kh < 1 || kw < 1)
    return 0;
  if (kh * kw == 1 && flat && sw == 1 && tg_cv_flat_1x1(vl, c, f, oh * ow)) {
    if (vl < 16)
      return 6;
    /* The tile that computes fewer outputs past the plane's end and past
     * F (a last tile overlaps the one before): 7x7 planes (49 pixels) fill
     * 7 tiles of 7 but 56 pixels of 14-pixel tiles, 12% more multiply-adds
     * (960 to 160 channels excepted: 192 of 7 x 4's channels, 160 of 14 x
     * 2's). */
    long long px = oh * ow;
    long long wide = (px + 13) / 14 * 14 * ((f + 2 * vl - 1) / (2 * vl) * 2);
    long long tall = (px + 6) / 7 * 7 * ((f + 4 * vl - 1) / (4 * vl) * 4);
    return tall < wide ? 7 : 14;
  }
  if (kh * kw == 1 && (oh * ow > 64 || c < f))
    return 0;
  if (vl >= 16) {
    /* A row of OW pixels in ceil(OW / 14) tiles of equal width (8 to 14
     * pixels, 2 blocks), so that at most one pixel per tile is computed
     * past the row's end (13-pixel rows took two 7-pixel tiles, 15-pixel
     * ones two of 14); 7-pixel rows take 7 x 4. */
    long long tiles = (ow + 13) / 14;
    long long p = ow >= 8 ? (ow + tiles - 1) / tiles : 7;
    if (ow >= 14 && (f >= 32 || (f >= 16 && c * kh * kw <= 32)))
      return p;
    return ow >= 7 && f >= 64 ? p : 0;
  }
  return ow >= 6 && f >= 16 ? 6 : 0;
}
/* Blocks of VL output channels of the tile of P pixels. */
static inline long long tg_cv_tile_blocks(long long vl, long long p) {
  return vl >= 16 && p == 7 ? 4 : 2;
}
/* Floats of a weight packed as channel blocks. */
static inline long long tg_cv_packed_size(long long vl, long long p,
                                          long long c, long long f,
                                          long long kh, long long kw) {
  long long nb = tg_cv_tile_blocks(vl, p);
  return (f + nb * vl - 1) / (nb * vl) * nb * vl * c * kh * kw;
}

#endif /* TANGRAM_MICROKERNELS_LAYOUT_H */
