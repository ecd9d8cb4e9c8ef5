/*===- Epilogue.c - calling the microkernels' fused epilogues -------------===*
 * SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 *===----------------------------------------------------------------------===*
 *
 * Included by Microkernels.c (one translation unit, one bitcode module),
 * not compiled on its own. The epilogue itself is compiled code of the
 * model (Epilogue.h); this finds the runs of consecutive points it is
 * called on.
 *===----------------------------------------------------------------------===*/

typedef struct {
  tg_epi_fn fn;
  const int64_t *desc;
  int64_t nviews;
  const int64_t *views; /* TG_EPI_VIEW words each */
  /* The register form (Epilogue.h), 0 when there is none: TG_EPI_BIAS
   * adds bias[c * bias_cs]; TG_EPI_RESIDUAL res[b * rs[0] + c * rs[1] +
   * y * rs[2] + x * rs[3]]. */
  int64_t form;
  const float *bias;
  int64_t bias_cs;
  const float *res;
  const int64_t *rs;
  float *out; /* TG_EPI_TO_OUTPUT: view 0, strides os */
  const int64_t *os;
  float lo, hi;
} tg_epi;

/* Reads a descriptor of `size` words into `e`; 0 if it is empty. */
static int tg_epi_decode(const int64_t *d, int64_t size, tg_epi *e) {
  if (size < TG_EPI_HEADER)
    return 0;
  e->fn = (tg_epi_fn)(intptr_t)d[0];
  e->desc = d;
  e->nviews = d[1];
  e->views = d + TG_EPI_HEADER;
  e->form = 0;
  const int64_t *f = e->views + TG_EPI_VIEW * e->nviews;
  if (size == f - d + TG_EPI_FORM_WORDS) {
    e->form = f[0];
    if (e->form & TG_EPI_BIAS) {
      const int64_t *v = f[1] >= 0 && f[1] < e->nviews
                             ? e->views + TG_EPI_VIEW * f[1]
                             : 0;
      if (v && v[1] == 0 && v[3] == 0 && v[4] == 0) {
        e->bias = (const float *)(intptr_t)v[0];
        e->bias_cs = v[2];
      } else {
        e->form = 0; /* not a bias per channel after all: the function */
      }
    }
    if (e->form & (TG_EPI_RESIDUAL | TG_EPI_RESIDUAL_FIRST)) {
      if (f[2] >= 0 && f[2] < e->nviews) {
        const int64_t *v = e->views + TG_EPI_VIEW * f[2];
        e->res = (const float *)(intptr_t)v[0];
        e->rs = v + 1;
      } else {
        e->form = 0;
      }
    }
    if (e->form & TG_EPI_TO_OUTPUT) {
      e->out = (float *)(intptr_t)e->views[0];
      e->os = e->views + 1;
    }
    union {
      int32_t i;
      float f;
    } lo = {(int32_t)f[3]}, hi = {(int32_t)f[4]};
    e->lo = lo.f;
    e->hi = hi.f;
  }
  return 1;
}

/* The register form's sums for the final results v with bias b and
 * residual r (zeros where the form has none), in the op's order. */
TG_MIN_VW static inline vf tg_epi_sum(const tg_epi *e, vf v, vf b, vf r) {
  if (e->form & TG_EPI_RESIDUAL_FIRST)
    return v + (r + b);
  if (e->form & TG_EPI_BIAS)
    v += b;
  if (e->form & TG_EPI_RESIDUAL)
    v += r;
  return v;
}

/* True when `e` has a register form without a residual or an output of its
 * own (the kernels that read and write only x's pixels apply only those). */
static int tg_epi_form_local(const tg_epi *e) {
  return e->form && !(e->form & (TG_EPI_RESIDUAL | TG_EPI_RESIDUAL_FIRST |
                                 TG_EPI_TO_OUTPUT));
}

/* True when the kernel can apply `e`'s register form to results whose
 * pixels run along x with unit stride (rows of consecutive pixels
 * `rows_flat`: also across rows, y's stride ow). */
static int tg_epi_form_fits(const tg_epi *e, int64_t ow, int rows_flat) {
  if ((e->form & (TG_EPI_RESIDUAL | TG_EPI_RESIDUAL_FIRST)) &&
      !(e->rs[3] == 1 && (!rows_flat || e->rs[2] == ow)))
    return 0;
  if ((e->form & TG_EPI_TO_OUTPUT) &&
      !(e->os[3] == 1 && (!rows_flat || e->os[2] == ow)))
    return 0;
  return 1;
}

/* The register form's activation of v (no NaN or zero bounds of the
 * wrong sign: Epilogue.h): maximumf and minimumf as compares and
 * selects, NaN kept. */
typedef int32_t tg_vi __attribute__((vector_size(TG_VL * 4)));
TG_MIN_VW static inline vf tg_epi_select(tg_vi keep, vf v, vf other) {
  return (vf)((keep & (tg_vi)v) | (~keep & (tg_vi)other));
}
TG_MIN_VW static inline vf tg_epi_act(const tg_epi *e, vf v) {
  if (e->form & (TG_EPI_ACT_RELU | TG_EPI_ACT_CLIP)) {
    vf lo = tg_splat(e->lo);
    v = tg_epi_select((v > lo) | (v != v), v, lo);
  }
  if (e->form & TG_EPI_ACT_CLIP) {
    vf hi = tg_splat(e->hi);
    v = tg_epi_select((v < hi) | (v != v), v, hi);
  }
  return v;
}

/* The same for one value. */
static inline float tg_epi_act1(const tg_epi *e, float v) {
  if ((e->form & (TG_EPI_ACT_RELU | TG_EPI_ACT_CLIP)) && !(v > e->lo) &&
      v == v)
    v = e->lo;
  if ((e->form & TG_EPI_ACT_CLIP) && !(v < e->hi) && v == v)
    v = e->hi;
  return v;
}

/* Applies the epilogue at (b, c, y, x0 .. x0 + len), acc[i * as] holding
 * the results there. */
static inline void tg_epi_run(const tg_epi *e, int64_t b, int64_t c,
                              int64_t y, int64_t x0, int64_t len,
                              const float *acc, int64_t as) {
  e->fn(e->desc, acc, 0, 0, as, b, c, 1, y, 1, x0, len);
}

/* True when every view's y stride is `ow` x strides, so a run of x may
 * cross output rows (y = 0, x = the flat pixel index). */
static int tg_epi_flat(const tg_epi *e, int64_t ow) {
  for (int64_t v = 0; v < e->nviews; ++v) {
    const int64_t *s = e->views + v * TG_EPI_VIEW + 1;
    if (s[2] != ow * s[3])
      return 0;
  }
  return 1;
}

/* Applies the epilogue to a plane of channel c of image b: rows
 * [y0, y0 + ny) of width nx; acc[j * as_y + k] holds the results. Whole
 * rows whose points are consecutive everywhere are one run (the
 * epilogue's loops over 7- to 28-wide rows left much to scalar
 * remainders). */
static inline void tg_epi_plane(const tg_epi *e, int64_t b, int64_t c,
                                int64_t y0, int64_t ny, int64_t nx,
                                const float *acc, int64_t as_y) {
  if (ny > 1 && as_y == nx && tg_epi_flat(e, nx))
    e->fn(e->desc, acc, 0, 0, 1, b, c, 1, y0, 1, 0, ny * nx);
  else
    e->fn(e->desc, acc, 0, as_y, 1, b, c, 1, y0, ny, 0, nx);
}

/* Runs the epilogue on rows [i0, i1) and columns [j0, j1) of a GEMM's C,
 * whose row i is logical channel c0 + i and whose column j is pixel
 * (y0 + j / ow, j % ow) of image b; C[i][j] = cp[i * cs0 + j * cs1]. A
 * block is at most three calls: a partial first row of pixels, whole
 * rows, a partial last row (one call when pixels are consecutive). */
static void tg_epi_block(const tg_epi *e, int64_t b, int64_t c0, int64_t y0,
                         int64_t ow, const float *cp, int64_t cs0,
                         int64_t cs1, int64_t i0, int64_t i1, int64_t j0,
                         int64_t j1) {
  const float *base = cp + i0 * cs0;
  int64_t nc = i1 - i0;
  if (tg_epi_flat(e, ow)) {
    e->fn(e->desc, base + j0 * cs1, cs0, 0, cs1, b, c0 + i0, nc, y0, 1, j0,
          j1 - j0);
    return;
  }
  for (int64_t j = j0; j < j1;) {
    int64_t y = j / ow, x = j % ow;
    int64_t ny = x == 0 ? (j1 - j) / ow : 0;
    int64_t nx = ny ? ow : tg_min(j1 - j, ow - x);
    if (!ny)
      ny = 1;
    e->fn(e->desc, base + j * cs1, cs0, ow * cs1, cs1, b, c0 + i0, nc,
          y0 + y, ny, x, nx);
    j += ny * nx;
  }
}
