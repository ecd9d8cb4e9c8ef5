//===- MicrokernelsTest.cpp - The CPU microkernels against references -----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// lib/Target/CPU/Microkernels/Microkernels.c is compiled into this test as
// plain C (the compiler links it as bitcode into code objects) and checked
// against naive loops in double: edge tiles, strided and transposed operands,
// few-row GEMMs, stride/dilation/group variants of convolution, the wide
// stride-1 path, depthwise, and the threaded path through a parallel-for that
// splits work in odd chunks. Fused epilogues (Microkernels/Epilogue.h) are
// checked on every path, in place and into another buffer.
//
//===----------------------------------------------------------------------===//
#include "../../lib/Target/CPU/Microkernels/Epilogue.h"
#include <array>
#include <cmath>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include "WeightPacking.h"
#include "Microkernels/Layout.h"
#include <deque>
#include <gtest/gtest.h>
#include <random>
#include <vector>

extern "C" {
using BodyFn = void (*)(void *, int64_t, int64_t);
void tangram_set_parallel_for(void (*pf)(void *, int64_t, BodyFn));
void tg_uk_matmul_f32(float *, float *, int64_t, int64_t, int64_t, int64_t,
                      int64_t, float *, float *, int64_t, int64_t, int64_t,
                      int64_t, int64_t, float *, float *, int64_t, int64_t,
                      int64_t, int64_t, int64_t, int64_t, int64_t, int64_t *,
                      int64_t *, int64_t, int64_t, int64_t);
void tg_uk_batch_matmul_f32(float *, float *, int64_t, int64_t, int64_t,
                            int64_t, int64_t, int64_t, int64_t, float *,
                            float *, int64_t, int64_t, int64_t, int64_t,
                            int64_t, int64_t, int64_t, float *, float *,
                            int64_t, int64_t, int64_t, int64_t, int64_t,
                            int64_t, int64_t, int64_t, int64_t, int64_t *,
                            int64_t *, int64_t, int64_t, int64_t);
void tg_uk_conv2d_ngchw_gfchw_f32(
    float *, float *, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
    int64_t, int64_t, int64_t, int64_t, int64_t, float *, float *, int64_t,
    int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
    int64_t, int64_t, float *, float *, int64_t, int64_t, int64_t, int64_t,
    int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
    int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t *,
    int64_t *, int64_t, int64_t, int64_t);
void tg_uk_pool2d_nchw_f32(float *, float *, int64_t, int64_t, int64_t,
                           int64_t, int64_t, int64_t, int64_t, int64_t,
                           int64_t, float *, float *, int64_t, int64_t,
                           int64_t, int64_t, int64_t, int64_t, int64_t,
                           int64_t, int64_t, int64_t, int64_t, int64_t,
                           int64_t, int64_t, int64_t, int64_t, int64_t,
                           int64_t, int64_t);
const char *tangram_take_error(void);
void tg_uk_report_error(const char *);
}

namespace {

std::vector<float> randomVector(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

/// An operand of an epilogue: element (0, 0, 0, 0) and the strides of the
/// logical indices b, c, y, x.
struct View {
  float *p;
  std::array<int64_t, 4> s;
};

/// Element (b, c, y, x) of view v of a descriptor.
float *element(const int64_t *d, int64_t v, int64_t b, int64_t c, int64_t y,
               int64_t x) {
  const int64_t *w = d + TG_EPI_HEADER + v * TG_EPI_VIEW;
  return reinterpret_cast<float *>(w[0]) + b * w[1] + c * w[2] + y * w[3] +
         x * w[4];
}

/// The epilogue the tests fuse, as tg-cpu-fuse-epilogues would compile it:
/// min(max(acc + bias, 0), 6) + residual, views (output, bias, residual).
extern "C" void biasClipResidual(const int64_t *d, const float *acc,
                                 int64_t asC, int64_t asY, int64_t asX,
                                 int64_t b, int64_t c0, int64_t nc, int64_t y0,
                                 int64_t ny, int64_t x0, int64_t nx) {
  for (int64_t i = 0; i < nc; ++i)
    for (int64_t j = 0; j < ny; ++j)
      for (int64_t k = 0; k < nx; ++k) {
        int64_t c = c0 + i, y = y0 + j, x = x0 + k;
        float v = acc[i * asC + j * asY + k * asX] + *element(d, 1, b, c, y, x);
        v = std::min(std::max(v, 0.0f), 6.0f) + *element(d, 2, b, c, y, x);
        *element(d, 0, b, c, y, x) = v;
      }
}

float biasClipResidualReference(float acc, float bias, float residual) {
  return std::min(std::max(acc + bias, 0.0f), 6.0f) + residual;
}

/// An epilogue descriptor: biasClipResidual on the output, bias and
/// residual views.
struct Descriptor {
  std::vector<int64_t> words;
  Descriptor() = default;
  Descriptor(View out, View bias, View residual) {
    words = {int64_t(reinterpret_cast<intptr_t>(&biasClipResidual)), 3};
    for (const View &v : {out, bias, residual}) {
      words.push_back(int64_t(reinterpret_cast<intptr_t>(v.p)));
      words.insert(words.end(), v.s.begin(), v.s.end());
    }
  }
  int64_t *data() { return words.data(); }
  int64_t size() const { return int64_t(words.size()); }
};

/// Runs the chunks in reverse, three iterations at a time: any order or
/// split must give the same result.
void oddParallelFor(void *ctx, int64_t n, BodyFn fn) {
  for (int64_t end = n; end > 0; end -= 3)
    fn(ctx, end >= 3 ? end - 3 : 0, end);
}

class Microkernels : public ::testing::TestWithParam<bool> {
protected:
  void SetUp() override {
    tangram_set_parallel_for(GetParam() ? oddParallelFor : nullptr);
  }
  void TearDown() override { tangram_set_parallel_for(nullptr); }
};

/// C[M,N] (strides cs0, cs1) += A (as0, as1) * B (bs0, bs1). `cZero`: the
/// call is told C holds zeros, so C starts as NaN (any read of it shows)
/// and must come out as A * B, its padding untouched. `epi`: with that
/// epilogue (inputs: a bias per column, a residual [M, N]), in place or
/// into a separate output.
/// `packB`: B passed packed as tg-cpu-pack-weights would (packGemmBPanels
/// of its view), with b_kind = TG_WEIGHT_PREPACKED.
void checkMatmul(int64_t m, int64_t n, int64_t k, bool transA, bool transB,
                 int64_t cPad, bool cZero = false, bool epi = false,
                 bool inPlace = true, bool packB = false) {
  std::vector<float> a = randomVector(m * k, 1), b = randomVector(k * n, 2);
  int64_t as0 = transA ? 1 : k, as1 = transA ? m : 1;
  int64_t bs0 = transB ? 1 : n, bs1 = transB ? k : 1;
  int64_t cs0 = n + cPad;
  std::vector<float> c = randomVector(m * cs0, 3), want(c);
  if (cZero)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        c[i * cs0 + j] = std::nanf("");
        want[i * cs0 + j] = 0.0f;
      }
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = want[i * cs0 + j];
      for (int64_t p = 0; p < k; ++p)
        s += double(a[i * as0 + p * as1]) * b[p * bs0 + j * bs1];
      want[i * cs0 + j] = float(s);
    }
  std::vector<float> bias = randomVector(n, 11), res = randomVector(m * n, 12);
  int64_t os0 = n + 1;
  std::vector<float> o(m * os0, 7.0f), wantO(o);
  Descriptor d;
  if (epi) {
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        (inPlace ? want[i * cs0 + j] : wantO[i * os0 + j]) =
            biasClipResidualReference(want[i * cs0 + j], bias[j],
                                      res[i * n + j]);
    View out = inPlace ? View{c.data(), {0, cs0, 0, 1}}
                       : View{o.data(), {0, os0, 0, 1}};
    d = Descriptor(out, {bias.data(), {0, 0, 0, 1}}, {res.data(), {0, n, 0, 1}});
  }
  // The microkernels here are built for 16 floats per vector (Layout.h).
  std::vector<float> packed =
      packB ? mlir::tangram::packGemmBPanels(b, k, n, bs0, bs1, 0, TG_NR_VL16,
                                             TG_KC_DEFAULT)
            : b;
  tg_uk_matmul_f32(a.data(), a.data(), 0, m, k, as0, as1, packed.data(),
                   packed.data(), 0, k, n, bs0, bs1, c.data(), c.data(), 0, m,
                   n, cs0, 1, packB ? TG_WEIGHT_PREPACKED : TG_WEIGHT_ACTIVATION,
                   cZero ? 1 : 0, d.data(), d.data(), 0, d.size(), 1);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < cs0; ++j)
      ASSERT_NEAR(c[i * cs0 + j], want[i * cs0 + j],
                  1e-4 * (1 + std::fabs(want[i * cs0 + j])))
          << "m " << m << " n " << n << " k " << k << " at " << i << "," << j;
  for (size_t i = 0; i < o.size(); ++i)
    ASSERT_NEAR(o[i], wantO[i], 1e-4 * (1 + std::fabs(wantO[i])))
        << "m " << m << " n " << n << " k " << k << " output at " << i;
}

TEST_P(Microkernels, Matmul) {
  for (int64_t m : {1, 2, 3, 8, 13, 70})
    for (int64_t n : {1, 7, 33, 100})
      for (int64_t k : {1, 5, 130, 300})
        checkMatmul(m, n, k, false, false, 0);
}

// Sizes that split C's rows: a chunk of MC rows per item when there are too
// few column blocks for the threads (few columns), and several MC-row blocks
// within one item (many columns), each with a partial last block.
TEST_P(Microkernels, MatmulRowChunks) {
  checkMatmul(300, 40, 200, false, false, 0);
  checkMatmul(300, 2100, 20, false, false, 0);
  checkMatmul(301, 70, 129, true, false, 2);
}

// An output the compiler knows is zero (its fill dropped) is only written:
// every path (packed, few rows, partial tiles, several k blocks, empty k).
TEST_P(Microkernels, MatmulZeroOutput) {
  for (int64_t m : {1, 3, 8, 13, 300})
    for (int64_t n : {1, 33, 100})
      for (int64_t k : {0, 5, 300})
        checkMatmul(m, n, k, false, false, 2, true);
}

// Epilogues on every GEMM path: packed (several k blocks, row chunks),
// few rows, empty k; in place and into another buffer.
TEST_P(Microkernels, MatmulEpilogue) {
  for (int64_t m : {1, 3, 13, 300})
    for (int64_t n : {1, 33, 100})
      for (int64_t k : {0, 5, 300})
        for (bool inPlace : {true, false}) {
          checkMatmul(m, n, k, false, false, 2, true, true, inPlace);
          checkMatmul(m, n, k, false, false, 2, false, true, inPlace);
        }
  checkMatmul(300, 2100, 20, false, false, 0, true, true, false);
  // Few rows, columns split across threads in blocks of 256.
  checkMatmul(1, 700, 300, false, false, 1, true, true, false);
  checkMatmul(3, 600, 5, false, false, 0, false, true, true);
  checkMatmul(2, 513, 40, true, true, 2, true, false);
}

// A weight B packed at compile time, plain or transposed, on every path:
// few rows (columns split across threads), packed A, partial panels,
// several k chunks, zero outputs and epilogues.
TEST_P(Microkernels, MatmulPrepackedB) {
  for (int64_t m : {1, 3, 8, 13, 300})
    for (int64_t n : {1, 33, 100, 600})
      for (int64_t k : {1, 5, 130, 300})
        for (bool tb : {false, true}) {
          checkMatmul(m, n, k, false, tb, 2, false, false, true, true);
          checkMatmul(m, n, k, true, tb, 0, true, true, false, true);
        }
}

TEST_P(Microkernels, MatmulStrided) {
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      checkMatmul(37, 45, 71, ta, tb, 3);
      checkMatmul(2, 45, 300, ta, tb, 1);
    }
}

// With and without an epilogue (a bias per row, a residual per batch).
TEST_P(Microkernels, BatchMatmul) {
  for (bool withEpilogue : {false, true}) {
    int64_t batch = 3, m = 17, n = 40, k = 9;
    std::vector<float> a = randomVector(batch * m * k, 4),
                       b = randomVector(batch * k * n, 5),
                       c(batch * m * n, 0.5f), want(c),
                       bias = randomVector(m, 13),
                       res = randomVector(batch * m * n, 14);
    for (int64_t t = 0; t < batch; ++t)
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          int64_t at = (t * m + i) * n + j;
          double s = want[at];
          for (int64_t p = 0; p < k; ++p)
            s += double(a[(t * m + i) * k + p]) * b[(t * k + p) * n + j];
          want[at] = float(s);
          if (withEpilogue)
            want[at] = biasClipResidualReference(want[at], bias[i], res[at]);
        }
    Descriptor d;
    if (withEpilogue)
      d = Descriptor({c.data(), {m * n, n, 0, 1}}, {bias.data(), {0, 1, 0, 0}},
                     {res.data(), {m * n, n, 0, 1}});
    tg_uk_batch_matmul_f32(a.data(), a.data(), 0, batch, m, k, m * k, k, 1,
                           b.data(), b.data(), 0, batch, k, n, k * n, n, 1,
                           c.data(), c.data(), 0, batch, m, n, m * n, n, 1,
                           TG_WEIGHT_ACTIVATION, 0, d.data(), d.data(), 0,
                           d.size(), 1);
    for (size_t i = 0; i < c.size(); ++i)
      ASSERT_NEAR(c[i], want[i], 1e-4 * (1 + std::fabs(want[i]))) << i;
  }
}

struct ConvCase {
  int64_t n, g, c, f, h, w, kh, kw, sh, sw, dh, dw;
};

/// Grouped conv on an already padded input, against a direct loop.
/// `weight`: pass the weight as a model weight (packed once and kept, keyed
/// by its address: the caller keeps it alive and unchanged).
/// `cZero`: the call is told the output holds zeros (it starts as NaN).
/// `epi`: with that epilogue (a bias per channel, a residual), in place or
/// into the interior of a padded buffer. `pad`: the input's border of that
/// width is zeros, and the call gets only its interior, with pt = pl = pad.
/// `packed`: `weight` packed by packGemmPanels, passed instead of it as a
/// prepacked weight (TG_WEIGHT_PREPACKED).
void checkConv(const ConvCase &p, const std::vector<float> *weight = nullptr,
               bool cZero = false, bool epi = false, bool inPlace = true,
               int64_t pad = 0, const std::vector<float> *packed = nullptr,
               int64_t packedKind = TG_WEIGHT_PREPACKED) {
  int64_t oh = (p.h - (p.kh - 1) * p.dh - 1) / p.sh + 1;
  int64_t ow = (p.w - (p.kw - 1) * p.dw - 1) / p.sw + 1;
  std::vector<float> in = randomVector(p.n * p.g * p.c * p.h * p.w, 6),
                     wt = weight ? *weight
                                 : randomVector(p.g * p.f * p.c * p.kh * p.kw, 7),
                     out = randomVector(p.n * p.g * p.f * oh * ow, 8),
                     want(out);
  if (cZero) {
    std::fill(out.begin(), out.end(), std::nanf(""));
    std::fill(want.begin(), want.end(), 0.0f);
  }
  int64_t is[5] = {p.g * p.c * p.h * p.w, p.c * p.h * p.w, p.h * p.w, p.w, 1};
  for (int64_t plane = 0; plane < p.n * p.g * p.c; ++plane)
    for (int64_t y = 0; y < p.h; ++y)
      for (int64_t x = 0; x < p.w; ++x)
        if (y < pad || y >= p.h - pad || x < pad || x >= p.w - pad)
          in[plane * p.h * p.w + y * p.w + x] = 0.0f;
  float *interior = in.data() + pad * p.w + pad;
  int64_t ws[5] = {p.f * p.c * p.kh * p.kw, p.c * p.kh * p.kw, p.kh * p.kw,
                   p.kw, 1};
  int64_t os[5] = {p.g * p.f * oh * ow, p.f * oh * ow, oh * ow, ow, 1};
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t g = 0; g < p.g; ++g)
      for (int64_t f = 0; f < p.f; ++f)
        for (int64_t y = 0; y < oh; ++y)
          for (int64_t x = 0; x < ow; ++x) {
            double s = want[n * os[0] + g * os[1] + f * os[2] + y * ow + x];
            for (int64_t c = 0; c < p.c; ++c)
              for (int64_t ky = 0; ky < p.kh; ++ky)
                for (int64_t kx = 0; kx < p.kw; ++kx)
                  s += double(in[n * is[0] + g * is[1] + c * is[2] +
                                 (y * p.sh + ky * p.dh) * p.w + x * p.sw +
                                 kx * p.dw]) *
                       wt[g * ws[0] + f * ws[1] + c * ws[2] + ky * p.kw + kx];
            want[n * os[0] + g * os[1] + f * os[2] + y * ow + x] = float(s);
          }
  // The border is padding the call must not read: NaN from here on (a
  // tap that reached past the interior's row read the border's zeros and
  // passed).
  for (int64_t plane = 0; plane < p.n * p.g * p.c; ++plane)
    for (int64_t y = 0; y < p.h; ++y)
      for (int64_t x = 0; x < p.w; ++x)
        if (y < pad || y >= p.h - pad || x < pad || x >= p.w - pad)
          in[plane * p.h * p.w + y * p.w + x] = std::nanf("");
  int64_t channels = p.g * p.f, ph = oh + 2, pw = ow + 3;
  std::vector<float> bias = randomVector(channels, 15),
                     res = randomVector(p.n * channels * oh * ow, 16),
                     padded(p.n * channels * ph * pw, 7.0f), wantPadded(padded);
  Descriptor d;
  if (epi) {
    for (int64_t n = 0; n < p.n; ++n)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t y = 0; y < oh; ++y)
          for (int64_t x = 0; x < ow; ++x) {
            int64_t at = ((n * channels + c) * oh + y) * ow + x;
            float v = biasClipResidualReference(want[at], bias[c], res[at]);
            if (inPlace)
              want[at] = v;
            else
              wantPadded[((n * channels + c) * ph + y + 1) * pw + x + 1] = v;
          }
    View target = inPlace ? View{out.data(), {os[0], os[2], os[3], os[4]}}
                          : View{padded.data() + pw + 1,
                                 {channels * ph * pw, ph * pw, pw, 1}};
    d = Descriptor(target, {bias.data(), {0, 1, 0, 0}},
                   {res.data(), {channels * oh * ow, oh * ow, ow, 1}});
  }
  float *w = packed   ? const_cast<float *>(packed->data())
             : weight ? const_cast<float *>(weight->data())
                      : wt.data();
  int64_t weightKind = packed   ? packedKind
                       : weight ? TG_WEIGHT_MODEL
                                : TG_WEIGHT_ACTIVATION;
  tg_uk_conv2d_ngchw_gfchw_f32(
      in.data(), interior, 0, p.n, p.g, p.c, p.h - 2 * pad, p.w - 2 * pad,
      is[0], is[1], is[2], is[3], is[4], w, w, 0, p.g, p.f, p.c, p.kh, p.kw,
      ws[0], ws[1], ws[2], ws[3], ws[4], out.data(), out.data(), 0, p.n, p.g,
      p.f, oh, ow, os[0], os[1], os[2], os[3], os[4], p.sh, p.sw, p.dh, p.dw,
      pad, pad, weightKind, cZero ? 1 : 0, d.data(), d.data(), 0, d.size(),
      1);
  for (size_t i = 0; i < out.size(); ++i)
    ASSERT_NEAR(out[i], want[i], 1e-4 * (1 + std::fabs(want[i])))
        << "case n" << p.n << " g" << p.g << " c" << p.c << " f" << p.f
        << " " << p.h << "x" << p.w << " k" << p.kh << "x" << p.kw << " s"
        << p.sh << "," << p.sw << " d" << p.dh << "," << p.dw << " at " << i;
  for (size_t i = 0; i < padded.size(); ++i)
    ASSERT_NEAR(padded[i], wantPadded[i], 1e-4 * (1 + std::fabs(wantPadded[i])))
        << "case n" << p.n << " g" << p.g << " c" << p.c << " f" << p.f
        << " " << p.h << "x" << p.w << " k" << p.kh << "x" << p.kw
        << " padded output at " << i;
}

TEST_P(Microkernels, Convolution) {
  const ConvCase cases[] = {
      {1, 1, 3, 16, 11, 13, 3, 3, 1, 1, 1, 1},  // wide stride-1 path
      {2, 1, 5, 9, 9, 7, 3, 2, 2, 1, 1, 1},     // im2col with runs
      {1, 1, 4, 33, 12, 12, 3, 3, 2, 2, 1, 1},  // stride 2: gathers
      // Stride 2, rows of 19 and 32 outputs: runs copied by vectors, one
      // ending at the input's last element.
      {1, 1, 3, 8, 40, 40, 3, 3, 2, 2, 1, 1},
      {1, 1, 3, 8, 41, 65, 3, 3, 2, 2, 1, 1},
      {1, 1, 6, 10, 13, 13, 3, 3, 1, 1, 2, 2},  // dilation
      // 20 output channels over a reduction of 27: channels in lanes, the
      // tile's second block partly past the channels.
      {1, 1, 3, 20, 30, 31, 3, 3, 2, 2, 1, 1},
      {1, 1, 64, 40, 7, 7, 1, 1, 1, 1, 1, 1},   // pointwise
      {1, 1, 48, 20, 20, 19, 1, 1, 1, 1, 1, 1}, // pointwise, B read in place
      {1, 1, 16, 20, 20, 19, 1, 1, 1, 1, 1, 1}, // too shallow to read in place
      {1, 2, 3, 5, 8, 8, 3, 3, 1, 1, 1, 1},     // groups
      {2, 6, 1, 1, 10, 10, 3, 3, 1, 1, 1, 1},   // depthwise
      {1, 6, 1, 1, 11, 11, 3, 3, 2, 2, 1, 1},   // depthwise stride 2
      {1, 5, 1, 1, 23, 21, 5, 5, 1, 1, 1, 1},   // depthwise 5x5
      {1, 5, 1, 1, 24, 22, 5, 5, 2, 2, 1, 1},   // depthwise 5x5 stride 2
      {1, 4, 1, 1, 14, 14, 5, 5, 1, 1, 2, 2},   // depthwise 5x5 dilated
      {1, 4, 1, 1, 19, 19, 7, 7, 3, 3, 1, 1},   // depthwise 7x7 stride 3
      {1, 3, 1, 1, 16, 12, 3, 3, 1, 1, 2, 1},   // narrow plane, dilated rows
      // Wide planes row by row, 16 output rows or more in bands: stride 3,
      // stride 2 with dilation, a window taller than wide.
      {1, 2, 1, 1, 40, 40, 3, 3, 1, 1, 1, 1},
      {1, 3, 1, 1, 52, 53, 3, 3, 3, 3, 1, 1},
      // 3x3 and 5x5 of stride 2, rows of 18 and 20 outputs read in place:
      // the taps the even and odd lanes of two loads, shifted by one and
      // two lanes with a third load's first lanes.
      {1, 3, 1, 1, 40, 37, 3, 3, 2, 2, 1, 1},
      {1, 3, 1, 1, 44, 43, 5, 5, 2, 2, 1, 1},
      {1, 3, 1, 1, 40, 41, 3, 5, 2, 2, 2, 2},
      {1, 2, 1, 1, 30, 21, 7, 1, 1, 1, 1, 1},
      // Planes of more than one band of 16 output rows, several strips
      // wide (the last one masked at the right padding).
      {1, 3, 1, 1, 113, 90, 3, 3, 2, 2, 1, 1},
      {1, 2, 1, 1, 70, 67, 5, 5, 1, 1, 1, 1},
      {1, 3, 1, 4, 9, 9, 5, 5, 1, 1, 1, 1},     // channel multiplier
      // Narrow depthwise planes, computed 16 (or 8) channels at a time:
      // whole blocks and a partial one, 7x7 outputs.
      {2, 40, 1, 1, 9, 9, 3, 3, 1, 1, 1, 1},
      {1, 33, 1, 1, 17, 17, 5, 5, 2, 2, 1, 1},
      // 14x14 and 13x13 outputs, rows read in place (stride 2: the even
      // and odd lanes of a pair of loads, shifted).
      {1, 37, 1, 1, 16, 16, 3, 3, 1, 1, 1, 1},
      {1, 33, 1, 1, 29, 29, 5, 5, 2, 2, 1, 1},
      {1, 19, 1, 1, 15, 13, 3, 3, 2, 2, 1, 1},
      {1, 20, 1, 1, 17, 15, 3, 5, 2, 1, 2, 1},
      {1, 18, 1, 1, 26, 27, 7, 7, 1, 1, 1, 1}, // 7x7 window, wide rows
      {1, 1, 1, 2, 1, 30, 1, 5, 1, 1, 1, 1},    // one output row
      // Large enough to take the threaded path (over 2^20 multiply-adds).
      {1, 1, 32, 40, 22, 22, 3, 3, 1, 1, 1, 1},
      {1, 1, 32, 40, 23, 23, 3, 3, 2, 2, 1, 1},
      {1, 64, 1, 1, 66, 66, 3, 3, 1, 1, 1, 1},
  };
  for (const ConvCase &c : cases) {
    checkConv(c);
    checkConv(c, nullptr, /*cZero=*/true);
    // Epilogues on every path: in place, and into a padded buffer.
    checkConv(c, nullptr, true, true, true);
    checkConv(c, nullptr, false, true, false);
    // The input's zero border passed as padding (every path; depthwise
    // pads plane by plane, the others copy the input).
    for (int64_t pad : {1, 2})
      if (2 * pad < std::min(c.h, c.w))
        checkConv(c, nullptr, true, true, false, pad);
  }
}

// A model weight is packed on first use and the packed form is reused: two
// runs of each case with one weight (plain, wide stride-1, grouped,
// depthwise in channel blocks) give the direct loop's result both times.
TEST_P(Microkernels, ConvolutionModelWeight) {
  const ConvCase cases[] = {
      {1, 1, 4, 33, 12, 12, 3, 3, 2, 2, 1, 1},
      {1, 1, 32, 40, 22, 22, 3, 3, 1, 1, 1, 1},
      {2, 3, 4, 17, 9, 9, 3, 3, 1, 1, 1, 1},
      {1, 40, 1, 1, 9, 9, 3, 3, 1, 1, 1, 1}, // depthwise, blocked weights
      // One output pixel (a matrix-vector product): K of 48, and 144 in
      // two KC chunks over two images and two groups.
      {1, 1, 48, 40, 1, 1, 1, 1, 1, 1, 1, 1},
      {2, 2, 16, 12, 3, 3, 3, 3, 1, 1, 1, 1},
  };
  // The weights live as long as the process (the packed copies are keyed
  // by address for the life of the code object, as a bundle's weights are).
  static std::deque<std::vector<float>> weights;
  for (const ConvCase &c : cases) {
    weights.push_back(randomVector(c.g * c.f * c.c * c.kh * c.kw, 9));
    checkConv(c, &weights.back());
    checkConv(c, &weights.back());
  }
}

// A weight packed at compile time (tg-cpu-pack-weights, packGemmPanels)
// reads as the kernel's own packing: plain, gathered stride 2, wide
// stride-1, grouped, deep (several KC chunks), row counts that are not a
// multiple of the register rows, a padded input and an epilogue.
TEST_P(Microkernels, ConvolutionPrepackedWeight) {
  const ConvCase cases[] = {
      {1, 1, 4, 33, 12, 12, 3, 3, 2, 2, 1, 1},
      {1, 1, 32, 40, 22, 22, 3, 3, 1, 1, 1, 1},
      {2, 3, 4, 17, 9, 9, 3, 3, 1, 1, 1, 1},
      {1, 1, 64, 12, 7, 7, 3, 3, 1, 1, 1, 1},
      {1, 2, 20, 4, 10, 10, 1, 1, 1, 1, 1, 1},
      {1, 1, 16, 40, 3, 3, 3, 3, 1, 1, 1, 1}, // one output pixel
      {2, 2, 20, 12, 3, 3, 3, 3, 1, 1, 1, 1},
  };
  // The microkernels here are built for 16 floats per vector (Layout.h).
  for (const ConvCase &c : cases) {
    std::vector<float> weight =
        randomVector(c.g * c.f * c.c * c.kh * c.kw, 9);
    std::vector<float> packed =
        mlir::tangram::packGemmPanels(weight, c.g, c.f, c.c * c.kh * c.kw,
                                      TG_MR_VL16, TG_KC_DEFAULT);
    checkConv(c, &weight, false, false, true, 0, &packed);
    checkConv(c, &weight, true, true, false, 1, &packed);
    EXPECT_EQ(tangram_take_error(), nullptr);
  }
}

// Convolutions with output channels in lanes (Layout.h's
// tg_cv_tile_pixels): the register tiles (8 to 14 pixels x 2 blocks, 7 x 4),
// stride 1 and 2, dilation, a 1x1 window on a small plane, rows that are
// not a multiple of the tile (the last tile overlaps the one before, which
// must not be added twice), output channels that are not a multiple of the
// tile's, batches; a model weight packed on first use and one packed at
// compile time (packConvChannelBlocks), each with and without zeros in the
// output, an epilogue and a padded input.
TEST_P(Microkernels, ConvolutionChannelVector) {
  const ConvCase cases[] = {
      {1, 1, 16, 32, 16, 16, 3, 3, 1, 1, 1, 1}, // 14 x 2, one overlap
      {2, 1, 8, 40, 20, 31, 3, 3, 1, 1, 1, 1},  // 40 channels, 29-pixel rows
      {1, 1, 5, 64, 33, 33, 3, 3, 2, 2, 1, 1},  // stride 2
      {1, 1, 3, 48, 37, 45, 7, 7, 2, 2, 1, 1},  // a stem: 7x7 stride 2
      {1, 1, 6, 36, 22, 22, 3, 3, 1, 1, 2, 2},  // dilation
      {1, 1, 40, 64, 9, 9, 3, 3, 1, 1, 1, 1},   // 7 x 4 on 7x7 outputs
      {1, 1, 24, 70, 11, 12, 3, 3, 1, 1, 1, 1}, // 10 x 2, 70 channels
      {1, 1, 16, 64, 15, 15, 3, 3, 1, 1, 1, 1}, // 13 x 2 on 13-pixel rows
      {1, 1, 8, 96, 19, 19, 3, 3, 1, 1, 1, 1},  // 17-pixel rows: 9 x 2, twice
      {1, 1, 4, 64, 31, 31, 3, 3, 2, 2, 1, 1},  // stride 2, 15-pixel rows: 8 x 2
      {2, 1, 96, 64, 7, 7, 1, 1, 1, 1, 1, 1},   // 1x1 on a 7x7 plane: 7 x 4
      {1, 1, 32, 64, 13, 13, 1, 1, 1, 1, 1, 1}, // 1x1 flat 7 x 4, one overlap
      {1, 1, 128, 32, 8, 8, 1, 1, 1, 1, 1, 1},  // 1x1: the plane as one row
      {2, 1, 24, 48, 14, 14, 1, 1, 1, 1, 1, 1}, // 1x1, two chunks of tiles
      {1, 1, 16, 64, 10, 13, 1, 1, 1, 1, 1, 1}, // 1x1, last chunk 18 pixels
      {1, 1, 32, 40, 9, 13, 1, 1, 1, 1, 1, 1},  // 1x1, last chunk 5 pixels
      {1, 1, 20, 32, 4, 4, 1, 1, 1, 1, 1, 1},   // 1x1, 16 pixels: one overlap
      {1, 1, 16, 32, 1, 43, 1, 1, 1, 1, 1, 1},  // 1x1, 1-tile chunks, last 1 px
      {1, 1, 16, 32, 3, 3, 1, 1, 1, 1, 1, 1},   // 1x1, 9 pixels: the GEMM
  };
  static std::deque<std::vector<float>> weights;
  for (const ConvCase &c : cases) {
    int64_t oh = (c.h - (c.kh - 1) * c.dh - 1) / c.sh + 1;
    int64_t ow = (c.w - (c.kw - 1) * c.dw - 1) / c.sw + 1;
    // checkConv's outputs have consecutive rows.
    int64_t px =
        tg_cv_tile_pixels(16, c.c, c.f, c.kh, c.kw, oh, ow, c.sh, c.sw, 1);
    // The cases run the path they are meant to (the last one: the GEMM).
    EXPECT_EQ(px == 0, &c == &cases[std::size(cases) - 1])
        << "f " << c.f << " ow " << ow;
    weights.push_back(randomVector(c.f * c.c * c.kh * c.kw, 9));
    checkConv(c, &weights.back());
    checkConv(c, &weights.back(), true, true, true, 1);
    checkConv(c, &weights.back(), false, true, false);
    if (!px)
      continue;
    std::vector<float> packed = mlir::tangram::packConvChannelBlocks(
        weights.back(), c.f, c.c, c.kh, c.kw, 16, tg_cv_tile_blocks(16, px));
    ASSERT_EQ(int64_t(packed.size()),
              tg_cv_packed_size(16, px, c.c, c.f, c.kh, c.kw));
    checkConv(c, &weights.back(), false, false, true, 0, &packed,
              TG_WEIGHT_CHANNEL_BLOCKS);
    checkConv(c, &weights.back(), true, true, false, 1, &packed,
              TG_WEIGHT_CHANNEL_BLOCKS);
    EXPECT_EQ(tangram_take_error(), nullptr);
  }
}

// 1x1 stride-1 convolutions on views whose rows are not consecutive: an
// input whose rows are 3 floats longer than the plane is copied to one
// that is, and runs on the plane as one row; an output with such rows runs
// row by row (7 x 4 tiles on a 7x7 plane; 160 channels, for which the
// plane as one row takes 14 x 2 tiles). Model weights, packed on first
// use, so that the microkernels choose the tile themselves.
TEST_P(Microkernels, ConvolutionPointwiseStridedViews) {
  for (bool stridedOut : {false, true}) {
    int64_t c = 192, f = 160, h = 7, w = 7, inRow = stridedOut ? w : w + 3,
            outRow = stridedOut ? w + 2 : w;
    ASSERT_EQ(tg_cv_tile_pixels(16, c, f, 1, 1, h, w, 1, 1, !stridedOut),
              stridedOut ? 7 : 14);
    static std::deque<std::vector<float>> weights;
    weights.push_back(randomVector(f * c, 21));
    std::vector<float> &wt = weights.back();
    std::vector<float> in = randomVector(c * h * inRow, 22),
                       out(f * h * outRow, 5.0f), want(out);
    for (int64_t o = 0; o < f; ++o)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
          double sum = 0.0;
          for (int64_t i = 0; i < c; ++i)
            sum += double(in[(i * h + y) * inRow + x]) * wt[o * c + i];
          want[(o * h + y) * outRow + x] = float(sum);
        }
    Descriptor d;
    tg_uk_conv2d_ngchw_gfchw_f32(
        in.data(), in.data(), 0, 1, 1, c, h, w, c * h * inRow, c * h * inRow,
        h * inRow, inRow, 1, wt.data(), wt.data(), 0, 1, f, c, 1, 1, f * c, c,
        1, 1, 1, out.data(), out.data(), 0, 1, 1, f, h, w,
        f * h * outRow, f * h * outRow, h * outRow, outRow, 1, 1, 1, 1, 1, 0,
        0, TG_WEIGHT_MODEL, 1, d.data(), d.data(), 0, d.size(), 1);
    for (size_t i = 0; i < out.size(); ++i)
      ASSERT_NEAR(out[i], want[i], 1e-4 * (1 + std::fabs(want[i])))
          << (stridedOut ? "strided output" : "strided input") << " at " << i;
    EXPECT_EQ(tangram_take_error(), nullptr);
  }
}

// A weight packed as channel blocks for a convolution that does not run
// with channels in lanes (one output pixel per row; several groups) is a
// reported error, not a wrong answer.
TEST(MicrokernelErrors, ChannelBlocksOffTheChannelVectorPath) {
  ASSERT_EQ(tangram_take_error(), nullptr);
  for (int64_t g : {int64_t(1), int64_t(2)}) {
    int64_t c = 4, f = 32, w = g == 1 ? 3 : 16, ow = w - 2;
    std::vector<float> in(g * c * 3 * w, 1.0f), wt(g * f * c * 9, 1.0f),
        out(g * f * ow, 0.0f);
    int64_t none[1] = {0};
    tg_uk_conv2d_ngchw_gfchw_f32(
        in.data(), in.data(), 0, 1, g, c, 3, w, g * c * 3 * w, c * 3 * w,
        3 * w, w, 1, wt.data(), wt.data(), 0, g, f, c, 3, 3, f * c * 9, c * 9,
        9, 3, 1, out.data(), out.data(), 0, 1, g, f, 1, ow, g * f * ow,
        f * ow, ow, ow, 1, 1, 1, 1, 1, 0, 0, TG_WEIGHT_CHANNEL_BLOCKS, 0, none,
        none, 0, 0, 1);
    const char *error = tangram_take_error();
    ASSERT_NE(error, nullptr) << "g = " << g;
    EXPECT_NE(std::string(error).find("channel blocks"), std::string::npos);
  }
}

/// Calls of biasClip, the function of the register-form tests.
int biasClipCalls = 0;

/// min(max(acc + bias[c], 0), 6) in place (views: output, bias), as the
/// function tg-cpu-fuse-epilogues compiles next to the register form.
extern "C" void biasClip(const int64_t *d, const float *acc, int64_t asC,
                         int64_t asY, int64_t asX, int64_t b, int64_t c0,
                         int64_t nc, int64_t y0, int64_t ny, int64_t x0,
                         int64_t nx) {
  ++biasClipCalls;
  for (int64_t i = 0; i < nc; ++i)
    for (int64_t j = 0; j < ny; ++j)
      for (int64_t k = 0; k < nx; ++k) {
        float v = acc[i * asC + j * asY + k * asX] +
                  *element(d, 1, b, c0 + i, y0 + j, x0 + k);
        *element(d, 0, b, c0 + i, y0 + j, x0 + k) =
            std::min(std::max(v, 0.0f), 6.0f);
      }
}

/// A convolution whose epilogue is bias + clip(0, 6) in the register form
/// (Epilogue.h's trailing words), in place, against a direct loop. The
/// kernels that hold results in registers (the GEMM, the channel-vector
/// tiles) apply it there and never call the function (`registers`);
/// the others call it. NaN outputs (a NaN in the input) stay NaN.
void checkConvRegisterForm(const ConvCase &p, bool cZero, bool registers) {
  int64_t oh = (p.h - p.kh) / p.sh + 1, ow = (p.w - p.kw) / p.sw + 1;
  int64_t k = p.c * p.kh * p.kw, channels = p.g * p.f;
  // A model weight (the channel-vector path's), kept alive: the kernels
  // keep its packed form by address.
  static std::deque<std::vector<float>> weights;
  weights.push_back(randomVector(p.g * p.f * k, 4));
  const std::vector<float> &wt = weights.back();
  std::vector<float> in = randomVector(p.n * p.g * p.c * p.h * p.w, 3),
                     bias = randomVector(channels, 5),
                     out = randomVector(p.n * channels * oh * ow, 6),
                     want(out.size());
  in[p.w + 1] = std::nanf("");
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t g = 0; g < p.g; ++g)
      for (int64_t f = 0; f < p.f; ++f)
        for (int64_t y = 0; y < oh; ++y)
          for (int64_t x = 0; x < ow; ++x) {
            int64_t at = ((n * channels + g * p.f + f) * oh + y) * ow + x;
            double sum = cZero ? 0.0 : out[at];
            for (int64_t c = 0; c < p.c; ++c)
              for (int64_t ky = 0; ky < p.kh; ++ky)
                for (int64_t kx = 0; kx < p.kw; ++kx)
                  sum += double(in[(((n * p.g + g) * p.c + c) * p.h + y * p.sh +
                                    ky) * p.w + x * p.sw + kx]) *
                         wt[((g * p.f + f) * p.c + c) * p.kh * p.kw +
                            ky * p.kw + kx];
            float v = float(sum) + bias[g * p.f + f];
            want[at] = std::isnan(v) ? v : std::min(std::max(v, 0.0f), 6.0f);
          }
  if (cZero)
    std::fill(out.begin(), out.end(), std::nanf(""));
  std::vector<int64_t> d = {int64_t(reinterpret_cast<intptr_t>(&biasClip)), 2};
  for (const View &v : {View{out.data(), {channels * oh * ow, oh * ow, ow, 1}},
                        View{bias.data(), {0, 1, 0, 0}}}) {
    d.push_back(int64_t(reinterpret_cast<intptr_t>(v.p)));
    d.insert(d.end(), v.s.begin(), v.s.end());
  }
  d.insert(d.end(), {TG_EPI_BIAS | TG_EPI_ACT_CLIP, 1, -1, 0,
                     int64_t(0x40c00000) /* 6.0f */});
  biasClipCalls = 0;
  tg_uk_conv2d_ngchw_gfchw_f32(
      in.data(), in.data(), 0, p.n, p.g, p.c, p.h, p.w, p.g * p.c * p.h * p.w,
      p.c * p.h * p.w, p.h * p.w, p.w, 1, const_cast<float *>(wt.data()), const_cast<float *>(wt.data()), 0, p.g, p.f,
      p.c, p.kh, p.kw, p.f * k, k, p.kh * p.kw, p.kw, 1, out.data(),
      out.data(), 0, p.n, p.g, p.f, oh, ow, channels * oh * ow, p.f * oh * ow,
      oh * ow, ow, 1, p.sh, p.sw, 1, 1, 0, 0, TG_WEIGHT_MODEL,
      cZero ? 1 : 0, d.data(), d.data(), 0, int64_t(d.size()), 1);
  EXPECT_EQ(biasClipCalls == 0, registers) << "calls " << biasClipCalls;
  for (size_t i = 0; i < out.size(); ++i) {
    if (std::isnan(want[i])) {
      ASSERT_TRUE(std::isnan(out[i])) << i;
      continue;
    }
    ASSERT_NEAR(out[i], want[i], 1e-4 * (1 + std::fabs(want[i])))
        << "case c" << p.c << " f" << p.f << " " << p.h << "x" << p.w << " k"
        << p.kh << " s" << p.sh << " at " << i;
  }
}

/// relu((acc + bias[c]) + r) into view 0, which is also r (views: output,
/// bias, residual): the end of a residual block written over its input.
extern "C" void biasResidualRelu(const int64_t *d, const float *acc,
                                 int64_t asC, int64_t asY, int64_t asX,
                                 int64_t b, int64_t c0, int64_t nc, int64_t y0,
                                 int64_t ny, int64_t x0, int64_t nx) {
  ++biasClipCalls;
  for (int64_t i = 0; i < nc; ++i)
    for (int64_t j = 0; j < ny; ++j)
      for (int64_t k = 0; k < nx; ++k) {
        int64_t c = c0 + i, y = y0 + j, x = x0 + k;
        float v = (acc[i * asC + j * asY + k * asX] + *element(d, 1, b, c, y, x)) +
                  *element(d, 2, b, c, y, x);
        *element(d, 0, b, c, y, x) = std::max(v, 0.0f);
      }
}

// The register form with a residual that the op's output overwrites
// (TG_EPI_TO_OUTPUT: the kernel computes into its own buffer, NaN here,
// and stores relu((x + bias) + r) into r's): the GEMM and the
// channel-vector tiles (whose overlapping last tile must not read a
// residual the tile before already replaced).
TEST_P(Microkernels, ConvolutionResidualToOutput) {
  const ConvCase cases[] = {
      {1, 1, 40, 20, 20, 19, 1, 1, 1, 1, 1, 1}, // GEMM, B in place
      {2, 1, 200, 12, 9, 9, 1, 1, 1, 1, 1, 1},  // GEMM, 2 k blocks
      {1, 1, 16, 40, 18, 18, 3, 3, 1, 1, 1, 1}, // channel-vector, overlap
      {1, 1, 24, 64, 9, 9, 3, 3, 1, 1, 1, 1},   // 7 x 4 tiles
  };
  static std::deque<std::vector<float>> weights;
  for (const ConvCase &p : cases) {
    int64_t oh = p.h - p.kh + 1, ow = p.w - p.kw + 1, k = p.c * p.kh * p.kw;
    weights.push_back(randomVector(p.f * k, 4));
    float *wt = weights.back().data();
    std::vector<float> in = randomVector(p.n * p.c * p.h * p.w, 3),
                       bias = randomVector(p.f, 5),
                       res = randomVector(p.n * p.f * oh * ow, 6),
                       scratch(res.size(), std::nanf("")), want(res.size());
    for (int64_t n = 0; n < p.n; ++n)
      for (int64_t f = 0; f < p.f; ++f)
        for (int64_t y = 0; y < oh; ++y)
          for (int64_t x = 0; x < ow; ++x) {
            double sum = 0;
            for (int64_t c = 0; c < p.c; ++c)
              for (int64_t ky = 0; ky < p.kh; ++ky)
                for (int64_t kx = 0; kx < p.kw; ++kx)
                  sum += double(in[((n * p.c + c) * p.h + y + ky) * p.w + x +
                                   kx]) *
                         wt[(f * p.c + c) * p.kh * p.kw + ky * p.kw + kx];
            int64_t at = ((n * p.f + f) * oh + y) * ow + x;
            want[at] = std::max((float(sum) + bias[f]) + res[at], 0.0f);
          }
    std::array<int64_t, 4> os = {p.f * oh * ow, oh * ow, ow, 1};
    std::vector<int64_t> d = {
        int64_t(reinterpret_cast<intptr_t>(&biasResidualRelu)), 3};
    for (const View &v : {View{res.data(), os}, View{bias.data(), {0, 1, 0, 0}},
                          View{res.data(), os}}) {
      d.push_back(int64_t(reinterpret_cast<intptr_t>(v.p)));
      d.insert(d.end(), v.s.begin(), v.s.end());
    }
    d.insert(d.end(), {TG_EPI_BIAS | TG_EPI_RESIDUAL | TG_EPI_ACT_RELU |
                           TG_EPI_TO_OUTPUT,
                       1, 2, 0, 0});
    biasClipCalls = 0;
    tg_uk_conv2d_ngchw_gfchw_f32(
        in.data(), in.data(), 0, p.n, 1, p.c, p.h, p.w, p.c * p.h * p.w,
        p.c * p.h * p.w, p.h * p.w, p.w, 1, wt, wt, 0, 1, p.f, p.c, p.kh, p.kw,
        p.f * k, k, p.kh * p.kw, p.kw, 1, scratch.data(), scratch.data(), 0,
        p.n, 1, p.f, oh, ow, os[0], os[0], os[1], os[2], 1, 1, 1, 1, 1, 0, 0,
        TG_WEIGHT_MODEL, 1, d.data(), d.data(), 0, int64_t(d.size()), 1);
    EXPECT_EQ(biasClipCalls, 0);
    for (size_t i = 0; i < res.size(); ++i)
      ASSERT_NEAR(res[i], want[i], 1e-4 * (1 + std::fabs(want[i])))
          << "case c" << p.c << " f" << p.f << " k" << p.kh << " at " << i;
  }
}

// The register form of an epilogue on each convolution path: the packed
// GEMM (one and several k blocks, partial tiles, a 1x1 window), the
// channel-vector tiles (an overlapping last tile, which must not be
// clipped twice when adding to the output), depthwise rows and channel
// blocks (a masked tail of pixels), and paths that call the function
// instead (depthwise stride 3, the wide rows of few output channels).
TEST_P(Microkernels, ConvolutionEpilogueInRegisters) {
  struct {
    ConvCase p;
    bool registers;
  } cases[] = {
      {{1, 1, 40, 20, 20, 19, 1, 1, 1, 1, 1, 1}, true},   // GEMM, B in place
      {{2, 1, 200, 12, 9, 9, 1, 1, 1, 1, 1, 1}, true},    // GEMM, 2 k blocks
      {{1, 1, 8, 33, 12, 12, 3, 3, 2, 2, 1, 1}, true},    // GEMM, im2col
      {{1, 1, 16, 40, 18, 18, 3, 3, 1, 1, 1, 1}, true},   // channel-vector
      {{2, 1, 24, 64, 9, 9, 3, 3, 1, 1, 1, 1}, true},     // 7 x 4 tiles
      {{1, 4, 1, 1, 12, 12, 3, 3, 1, 1, 1, 1}, true},     // depthwise rows
      {{1, 20, 1, 1, 9, 9, 3, 3, 1, 1, 1, 1}, true},      // channel blocks
      {{1, 3, 1, 1, 52, 52, 3, 3, 3, 3, 1, 1}, false},    // stride 3
      {{1, 1, 4, 8, 12, 12, 3, 3, 1, 1, 1, 1}, false},    // wide rows
  };
  for (auto &c : cases) {
    checkConvRegisterForm(c.p, true, c.registers);
    checkConvRegisterForm(c.p, false, c.registers);
  }
}

// A prepacked weight on a path that reads weights as they are (too few
// rows for the packed GEMM, a depthwise convolution) is a reported error,
// not a wrong answer: the compiler and the microkernels disagree.
TEST(MicrokernelErrors, PrepackedWeightOffThePackedPath) {
  ASSERT_EQ(tangram_take_error(), nullptr);
  for (int64_t f : {int64_t(1), int64_t(2)}) {
    int64_t g = f == 1 ? 3 : 1, c = f == 1 ? 1 : 5;
    std::vector<float> in(g * c * 36, 1.0f), w(g * f * c * 9, 1.0f),
        out(g * f * 16, 0.0f);
    int64_t none[1] = {0};
    tg_uk_conv2d_ngchw_gfchw_f32(
        in.data(), in.data(), 0, 1, g, c, 6, 6, g * c * 36, c * 36, 36, 6, 1,
        w.data(), w.data(), 0, g, f, c, 3, 3, f * c * 9, c * 9, 9, 3, 1,
        out.data(), out.data(), 0, 1, g, f, 4, 4, g * f * 16, f * 16, 16, 4,
        1, 1, 1, 1, 1, 0, 0, TG_WEIGHT_PREPACKED, 0, none, none, 0, 0, 1);
    const char *error = tangram_take_error();
    ASSERT_NE(error, nullptr) << "f = " << f;
    EXPECT_NE(std::string(error).find("prepacked"), std::string::npos);
  }
}

struct PoolCase {
  int64_t n, c, h, w, kh, kw, sh, sw, dh, dw;
};

/// A 2-D max or sum pooling window reduction on an already padded input,
/// against the loop linalg runs (window by window, ky then kx). The input
/// has strided rows and columns (a view) when `strided`; the output is a
/// view with a row pitch wider than its rows, whose padding must stay.
/// `pad`: p.h x p.w is the padded input; the kernel is given its interior
/// (the border is pad rows and columns of the op's identity) and told the
/// top and left padding.
void checkPool(const PoolCase &p, bool sum, bool init, bool strided,
               int64_t pad = 0) {
  int64_t oh = (p.h - (p.kh - 1) * p.dh - 1) / p.sh + 1;
  int64_t ow = (p.w - (p.kw - 1) * p.dw - 1) / p.sw + 1;
  int64_t sx = strided ? 2 : 1, pitch = p.w * sx + 3;
  int64_t is[4] = {p.c * p.h * pitch, p.h * pitch, pitch, sx};
  std::vector<float> in = randomVector(p.n * is[0], 21);
  // Ties, signed zeros and a NaN (inside any padding): maximumf's cases.
  int64_t at = pad * is[2] + pad * is[3];
  in[at] = -0.0f;
  in[at + is[3]] = 0.0f;
  if (p.h > 2 * pad + 3 && p.w > 2 * pad + 1)
    in[at + 3 * is[2] + is[3]] = std::nanf("");
  if (pad)
    for (int64_t i = 0; i < p.n * p.c; ++i)
      for (int64_t y = 0; y < p.h; ++y)
        for (int64_t x = 0; x < p.w; ++x)
          if (y < pad || y >= p.h - pad || x < pad || x >= p.w - pad)
            in[i * is[1] + y * is[2] + x * is[3]] = sum ? 0.0f : -INFINITY;
  int64_t opitch = ow + 2;
  int64_t os[4] = {p.c * oh * opitch, oh * opitch, opitch, 1};
  float fill = init ? -INFINITY : 0.25f;
  std::vector<float> out(p.n * os[0], fill), want(out);
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t c = 0; c < p.c; ++c)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          float &o = want[n * os[0] + c * os[1] + y * os[2] + x];
          for (int64_t ky = 0; ky < p.kh; ++ky)
            for (int64_t kx = 0; kx < p.kw; ++kx) {
              float v = in[n * is[0] + c * is[1] +
                           (y * p.sh + ky * p.dh) * is[2] +
                           (x * p.sw + kx * p.dw) * is[3]];
              o = sum ? o + v
                  : (std::isnan(o) || std::isnan(v)) ? NAN
                  : (o == v) ? (std::signbit(o) ? v : o)
                             : std::max(o, v);
            }
        }
  float *interior = in.data() + pad * is[2] + pad * is[3];
  tg_uk_pool2d_nchw_f32(in.data(), interior, 0, p.n, p.c, p.h - 2 * pad,
                        p.w - 2 * pad, is[0], is[1], is[2], is[3], out.data(),
                        out.data(), 0, p.n, p.c, oh, ow, os[0], os[1], os[2],
                        os[3], p.kh, p.kw, p.sh, p.sw, p.dh, p.dw, pad, pad,
                        sum ? 1 : 0, init ? 1 : 0);
  for (size_t i = 0; i < out.size(); ++i) {
    bool nan = std::isnan(want[i]);
    ASSERT_EQ(std::isnan(out[i]), nan) << "at " << i;
    if (!nan && !sum && want[i] == 0.0f)
      ASSERT_EQ(std::signbit(out[i]), std::signbit(want[i])) << "at " << i;
    if (nan || out[i] == want[i]) // (-inf: the output's padding)
      continue;
    ASSERT_NEAR(out[i], want[i], 1e-5 * (1 + std::fabs(want[i])))
        << (sum ? "sum" : "max") << " case c" << p.c << " " << p.h << "x"
        << p.w << " k" << p.kh << "x" << p.kw << " s" << p.sh << "," << p.sw
        << " d" << p.dh << "," << p.dw << " at " << i;
  }
}

// Every path of the pooling kernel: strides 1, 2 (vectorized) and 3
// (scalar), rows shorter than a vector, whole vectors and masked tails (7
// to 111), several strips of rows, dilation, non-square windows, strided
// inputs, and large enough to split planes across threads.
TEST_P(Microkernels, Pooling) {
  const PoolCase cases[] = {
      {1, 3, 9, 9, 3, 3, 2, 2, 1, 1},     {2, 2, 15, 15, 3, 3, 1, 1, 1, 1},
      {1, 2, 16, 18, 2, 2, 2, 2, 1, 1},   {1, 2, 23, 17, 3, 2, 3, 3, 1, 1},
      {1, 2, 20, 20, 3, 3, 1, 1, 2, 2},   {1, 2, 13, 80, 1, 5, 1, 2, 1, 1},
      {1, 64, 111, 111, 3, 3, 2, 2, 1, 1}, {1, 1, 7, 7, 7, 7, 1, 1, 1, 1},
      // 3x3 stride 2 on rows of 1049 outputs: past the strips whose
      // combined bottom row the pool keeps for the next row.
      {1, 2, 7, 2099, 3, 3, 2, 2, 1, 1},
      // 2x2 windows of stride 2 (their own path unpadded): rows of 14
      // outputs (one masked vector) and 33 (two vectors and a masked one).
      {2, 3, 28, 28, 2, 2, 2, 2, 1, 1},   {1, 2, 70, 67, 2, 2, 2, 2, 1, 1},
      // ... but not dilated ones.
      {1, 2, 29, 29, 2, 2, 2, 2, 2, 2},
  };
  for (const PoolCase &c : cases)
    for (bool sum : {false, true})
      for (bool strided : {false, true}) {
        checkPool(c, sum, false, strided);
        if (!sum)
          checkPool(c, sum, true, strided);
        // The padding passed as numbers (tg-cpu-fold-padding).
        for (int64_t pad : {1, 2})
          if (2 * pad < std::min(c.h, c.w))
            checkPool(c, sum, !sum, strided, pad);
      }
}

INSTANTIATE_TEST_SUITE_P(Threads, Microkernels, ::testing::Bool());

TEST(MicrokernelErrors, FirstReportWinsAndIsCleared) {
  EXPECT_EQ(tangram_take_error(), nullptr);
  tg_uk_report_error("first");
  tg_uk_report_error("second");
  EXPECT_STREQ(tangram_take_error(), "first");
  EXPECT_EQ(tangram_take_error(), nullptr);
}

} // namespace
