/*===- Microkernels.c - f32 matmul and convolution kernels for CPU code ---===*
 * SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 *
 * Compiled to LLVM bitcode at build time (once per vector width, TG_VL) and
 * linked into every CPU code object that calls it (see Microkernels.h and
 * docs/Architecture.md). The compiler sets the host's CPU and features on
 * these functions before LLVM's optimization, so they are vectorized for the
 * machine the model is compiled for. Nothing here may need a library but the
 * C library (malloc, free, pthread mutexes) that the loading process already
 * has.
 *
 * The entry points take MLIR memrefs in the unpacked form func-to-llvm
 * gives external calls: (allocated, aligned, offset, sizes..., strides...).
 * They follow linalg's semantics exactly: the output is accumulated into
 * (C += A * B), so the caller's fill of the output stays as it was. Each
 * takes last an epilogue descriptor (Epilogue.h): an elementwise op the
 * compiler fused into it, applied to each block of final results.
 *
 * The GEMM is the classic blocked one (Goto/BLIS): B is packed into panels
 * of NR columns, A into panels of MR rows, and a register-blocked MR x NR
 * kernel walks the panels. Both packs read through offset tables (one entry
 * per k, one per column), which lets a convolution pack its input as an
 * im2col matrix without materializing it.
 *===----------------------------------------------------------------------===*/
#include "Epilogue.h"
#include "Layout.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef TG_VL
#define TG_VL 16 /* floats per vector register: 16 (AVX-512) or 8 (AVX2) */
#endif
#ifndef TG_MR
#if TG_VL >= 16
#define TG_MR TG_MR_VL16
#else
#define TG_MR TG_MR_VL8
#endif
#endif
#define TG_NR (2 * TG_VL)
#ifndef TG_KC
#define TG_KC TG_KC_DEFAULT
#endif
#define TG_DIRECT_MIN_K 32 /* B read in place from this depth on */
/* GEMMs at most this deep run their tiles row panel by row panel
 * (tg_gemm_item), prefetching C TG_SHALLOW_AHEAD tiles ahead. */
#define TG_SHALLOW_K 32
#define TG_SHALLOW_AHEAD 8
/* Tiles per work item of a channel-vector convolution on a flat plane, at
 * most; fewer when that leaves under TG_CV_MIN_ITEMS work items. */
#define TG_CV_CHUNK_TILES 8
#define TG_CV_MIN_ITEMS 8
#define TG_MC (TG_MR * 16) /* rows of A packed at a time (L2) */
#define TG_NC_MAX (TG_NR * 16)
#define TG_MIN_VW __attribute__((min_vector_width(TG_VL * 32)))
/* Loops over one output row or plane (7 to 112 elements): LLVM's default
 * interleaving of 4 vectors left rows under 64 elements to the scalar
 * remainder; one vector per iteration made depthwise convolutions 10-35%
 * faster. */
#define TG_SHORT_LOOP _Pragma("clang loop interleave_count(1)")

typedef float vf __attribute__((vector_size(TG_VL * 4), aligned(4)));
typedef void (*tg_body_fn)(void *ctx, int64_t begin, int64_t end);
typedef void (*tg_parallel_for_fn)(void *ctx, int64_t n, tg_body_fn fn);

/* Set by the runtime after loading (docs/BundleFormat.md); null runs inline. */
static tg_parallel_for_fn tg_parallel_for;

void tangram_set_parallel_for(tg_parallel_for_fn pf) { tg_parallel_for = pf; }

static void tg_run(void *ctx, int64_t n, tg_body_fn fn) {
  if (n <= 0)
    return;
  if (tg_parallel_for && n > 1)
    tg_parallel_for(ctx, n, fn);
  else
    fn(ctx, 0, n);
}

/* Multiply-adds below which a kernel runs on the calling thread: handing
 * work to other threads costs a few microseconds. */
#define TG_MIN_PARALLEL_MACS (1 << 20)
/* Depthwise convolutions and pooling run at a small fraction of the GEMM's
 * multiply-adds per second (each loads an element per one or two
 * operations), so their work counts this many times: they go parallel from
 * 2^17 operations, as tg-cpu-parallelize-loops' loops do (MobileNetV2 and
 * EfficientNet-B0 8-12% faster than at 2^20). */
#define TG_LIGHT_WORK_WEIGHT 8

static void tg_run_sized(void *ctx, int64_t n, tg_body_fn fn, int64_t macs) {
  if (macs < TG_MIN_PARALLEL_MACS) {
    if (n > 0)
      fn(ctx, 0, n);
    return;
  }
  tg_run(ctx, n, fn);
}

/* Scratch buffers (packing panels, padded inputs, wide results, tiles)
 * are taken from and given back to a small cache rather than malloc'ed and
 * freed on every call: glibc returns freed memory to the system (a worker
 * thread's arena especially), so each call faulted its pages in again,
 * which serialized small GEMMs across threads (a 32x128x729 GEMM took as
 * long on two threads as on one). At most TG_SCRATCH_SLOTS blocks of up to
 * TG_SCRATCH_MAX_BYTES are kept, freed when the code object is unloaded. */
#define TG_SCRATCH_SLOTS 16
#define TG_SCRATCH_MAX_BYTES ((size_t)4 << 20)
#define TG_SCRATCH_HEADER 64 /* the block's size (keeps malloc's alignment) */
static struct {
  char *block;
  size_t size;
} tg_scratch_slots[TG_SCRATCH_SLOTS];
/* A libc mutex rather than a spin lock: blocks pass between threads, and a
 * thread sanitizer in the loading process (which intercepts libc's mutexes
 * and malloc, not this object's atomics) must see that hand-over. */
static pthread_mutex_t tg_scratch_mutex = PTHREAD_MUTEX_INITIALIZER;

static void tg_spin_lock(int *lock) {
  while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
    while (__atomic_load_n(lock, __ATOMIC_RELAXED))
      ;
}
static void tg_spin_unlock(int *lock) {
  __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

/* At least `bytes` of scratch (uninitialized); aborts when out of memory,
 * as malloc's callers here do. */
static void *tg_scratch_alloc(size_t bytes) {
  int best = -1;
  pthread_mutex_lock(&tg_scratch_mutex);
  for (int i = 0; i < TG_SCRATCH_SLOTS; ++i)
    if (tg_scratch_slots[i].block && tg_scratch_slots[i].size >= bytes &&
        (best < 0 || tg_scratch_slots[i].size < tg_scratch_slots[best].size))
      best = i;
  char *block = 0;
  if (best >= 0) {
    block = tg_scratch_slots[best].block;
    tg_scratch_slots[best].block = 0;
  }
  pthread_mutex_unlock(&tg_scratch_mutex);
  if (!block) {
    block = (char *)malloc(bytes + TG_SCRATCH_HEADER);
    if (!block)
      abort();
    *(size_t *)block = bytes;
  }
  return block + TG_SCRATCH_HEADER;
}

/* Gives scratch from tg_scratch_alloc back: kept in a free slot, or in
 * place of a smaller block, or freed. */
static void tg_scratch_free(void *scratch) {
  if (!scratch)
    return;
  char *block = (char *)scratch - TG_SCRATCH_HEADER;
  size_t size = *(size_t *)block;
  if (size <= TG_SCRATCH_MAX_BYTES) {
    int slot = -1;
    pthread_mutex_lock(&tg_scratch_mutex);
    for (int i = 0; i < TG_SCRATCH_SLOTS; ++i)
      if (!tg_scratch_slots[i].block) {
        slot = i;
        break;
      } else if (tg_scratch_slots[i].size < size &&
                 (slot < 0 ||
                  tg_scratch_slots[i].size < tg_scratch_slots[slot].size)) {
        slot = i;
      }
    char *evicted = block;
    if (slot >= 0) {
      evicted = tg_scratch_slots[slot].block;
      tg_scratch_slots[slot].block = block;
      tg_scratch_slots[slot].size = size;
    }
    pthread_mutex_unlock(&tg_scratch_mutex);
    block = evicted;
  }
  free(block);
}

__attribute__((destructor)) static void tg_free_scratch(void) {
  for (int i = 0; i < TG_SCRATCH_SLOTS; ++i) {
    free(tg_scratch_slots[i].block);
    tg_scratch_slots[i].block = 0;
  }
}

/* Run-time errors (docs/BundleFormat.md): generated code reports a failed
 * check (tg-cpu-lower-asserts) and carries on with safe values; the runtime
 * takes the first message after the entry returns and fails the run. */
static const char *tg_error;

void tg_uk_report_error(const char *message) {
  const char *none = 0;
  __atomic_compare_exchange_n(&tg_error, &none, message, 0, __ATOMIC_SEQ_CST,
                              __ATOMIC_SEQ_CST);
}

const char *tangram_take_error(void) {
  return __atomic_exchange_n(&tg_error, (const char *)0, __ATOMIC_SEQ_CST);
}

/* Profiling (tangram-run --profile, docs/BundleFormat.md): the runtime
 * sets a clock and a recorder when asked; each entry point then reports
 * its kind, its sizes and the nanoseconds it took (loops run by other
 * threads included). Unset, an entry costs one test. */
typedef int64_t (*tg_now_fn)(void);
typedef void (*tg_record_fn)(const char *kind, const int64_t *sizes,
                             int64_t count, int64_t ns);
static tg_now_fn tg_prof_now;
static tg_record_fn tg_prof_record;

void tangram_set_profiler(tg_now_fn now, tg_record_fn record) {
  tg_prof_now = record ? now : 0;
  tg_prof_record = now ? record : 0;
}

static inline int64_t tg_prof_start(void) {
  return tg_prof_now ? tg_prof_now() : 0;
}

static void tg_prof_stop(int64_t t0, const char *kind, const int64_t *sizes,
                         int64_t count) {
  if (tg_prof_record)
    tg_prof_record(kind, sizes, count, tg_prof_now() - t0);
}

/* The parallel-for of loops outlined by tg-cpu-parallelize-loops
 * (ParallelLaunch.cpp calls it); profiled as its trip count and its body's
 * address (the runtime names the body's symbol). */
void tg_uk_parallel_run(void *ctx, int64_t n, tg_body_fn fn) {
  int64_t t0 = tg_prof_start();
  tg_run(ctx, n, fn);
  int64_t sizes[2] = {n, (int64_t)(intptr_t)fn};
  tg_prof_stop(t0, "loop", sizes, 2);
}

static inline int64_t tg_min(int64_t a, int64_t b) { return a < b ? a : b; }

/* Masked vector access to the first n (0 < n <= VL) floats at p: the tail
 * of a row, where a whole vector would reach into the next row or past the
 * buffer (one masked step rather than narrower vectors and a scalar
 * remainder). */
typedef _Bool tg_vmask __attribute__((ext_vector_type(TG_VL)));
typedef float tg_vext __attribute__((ext_vector_type(TG_VL)));
typedef int32_t tg_viota __attribute__((ext_vector_type(TG_VL)));
/* Lanes l with lo <= l < hi. */
TG_MIN_VW static inline tg_vmask tg_lanes(int64_t lo, int64_t hi) {
  tg_viota iota;
  for (int i = 0; i < TG_VL; ++i)
    iota[i] = i;
  return __builtin_convertvector((iota >= (int32_t)lo) & (iota < (int32_t)hi),
                                 tg_vmask);
}
TG_MIN_VW static inline tg_vmask tg_first(int64_t n) { return tg_lanes(0, n); }
TG_MIN_VW static inline vf tg_load_n(const float *p, int64_t n) {
  return (vf)__builtin_masked_load(tg_first(n), p);
}
TG_MIN_VW static inline void tg_store_n(float *p, vf v, int64_t n) {
  __builtin_masked_store(tg_first(n), (tg_vext)v, p);
}
/* The first min(n, VL) floats at p (0 < n): a whole vector or masked. */
TG_MIN_VW static inline vf tg_load_upto(const float *p, int64_t n) {
  return n >= TG_VL ? *(const vf *)p : tg_load_n(p, n);
}
TG_MIN_VW static inline void tg_store_upto(float *p, vf v, int64_t n) {
  if (n >= TG_VL)
    *(vf *)p = v;
  else
    tg_store_n(p, v, n);
}
TG_MIN_VW static inline vf tg_splat(float x) {
  vf v;
  for (int i = 0; i < TG_VL; ++i)
    v[i] = x;
  return v;
}

/* The even and the odd lanes of a and b, a's first. */
#if TG_VL == 16
#define TG_EVEN(a, b)                                                          \
  __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22,     \
                          24, 26, 28, 30)
#define TG_ODD(a, b)                                                           \
  __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23,    \
                          25, 27, 29, 31)
/* a's lanes 1 .. VL - 1, then b's lane 0 (TG_NEXT) or 1 (TG_NEXT_ODD);
 * a's lanes 2 .. VL - 1, then b's lanes 0 and 2 (TG_NEXT2): with a and b
 * the even or odd lanes of consecutive columns, the columns two and four
 * on. */
#define TG_NEXT(a, b)                                                          \
  __builtin_shufflevector(a, b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, \
                          15, 16)
#define TG_NEXT_ODD(a, b)                                                      \
  __builtin_shufflevector(a, b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, \
                          15, 17)
#define TG_NEXT2(a, b)                                                         \
  __builtin_shufflevector(a, b, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,   \
                          15, 16, 18)
#else
#define TG_EVEN(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define TG_ODD(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15)
#define TG_NEXT(a, b) __builtin_shufflevector(a, b, 1, 2, 3, 4, 5, 6, 7, 8)
#define TG_NEXT_ODD(a, b) __builtin_shufflevector(a, b, 1, 2, 3, 4, 5, 6, 7, 9)
#define TG_NEXT2(a, b) __builtin_shufflevector(a, b, 2, 3, 4, 5, 6, 7, 8, 10)
#endif

#include "Epilogue.c"

/* C[i][n] += A[i][k] * B[k][n] with A[i][k] = a[i*as0 + akoff[k]],
 * B[k][n] = b[bkoff[k] + bnoff[n]], C[i][n] = c[i*cs0 + n*cs1]. */
typedef struct {
  const float *a;
  int64_t as0;
  const int64_t *akoff;
  const float *b;
  const int64_t *bkoff, *bnoff;
  float *c;
  int64_t cs0, cs1;
  int64_t m, n, k;
  int64_t mchunk, nc, mtiles, ntiles;
  /* A packed once for every item (tg_pack_all, or kept by tg_cached_pack),
   * or null: each item packs its own blocks. Chunk p0 starts at p0 * mpad
   * floats. */
  const float *apacked; /* read by every tile */
  float *apack_out;     /* where tg_gemm_prepack_body writes */
  int64_t mpad;
  /* C holds zeros on entry (the compiler dropped its fill): the first
   * k block stores instead of adding, so C is never read. */
  int64_t c_zero;
  /* B's columns are consecutive (bnoff[j] = bnoff[0] + j: a plain matrix,
   * a stride-1 1x1 convolution or a wide one) and K is deep enough: the
   * kernel reads whole NR-column panels of B in place rather than packed
   * (tg_gemm_batch_run). */
  int64_t b_direct;
  /* A's k offsets are consecutive (a row-major matrix) and A is not a
   * weight: the kernel reads A's rows in place rather than packing them on
   * every call (tg_gemm_batch_run). */
  int64_t a_direct;
  /* The fused epilogue, or null: row i of C is its logical channel
   * epi_c0 + i, column j its pixel (epi_y0 + j / epi_ow, j % epi_ow) of
   * image epi_b. */
  const tg_epi *epi;
  int64_t epi_b, epi_c0, epi_y0, epi_ow;
  /* B packed at compile time (tg-cpu-pack-weights, Layout.h), or null:
   * chunk p0 at p0 * npad floats, column j's panel at (j / NR) * NR * kc
   * within it; local column 0 is B's column bcol0. */
  const float *bpacked;
  int64_t npad, bcol0;
} tg_gemm;

/* The register-blocked kernel: C[0:mr, 0:nr] += Ap (kc x MR) * B (kc x NR),
 * or = when `store` (C's old contents are zeros, so need not be read).
 * B is a packed panel (row k at bp + k * NR), or, when `bkoff` is given,
 * read in place: row k at bp + bkoff[k], NR consecutive floats. NV: B
 * vectors per row (2, or 1 for a last panel of at most VL columns: a 14x14
 * plane's 196 pixels end in a panel of 4). */
TG_MIN_VW static inline __attribute__((always_inline)) void
tg_kernel_nv(int64_t kc, const float *restrict ap, int64_t as0,
             const float *restrict bp, const int64_t *bkoff, float *c,
             int64_t cs0, int64_t cs1, int64_t mr, int64_t nr, int store,
             const tg_epi *re, const float *rb, const float *rr, float *ro,
             const int nv) {
  vf acc0[TG_MR], acc1[TG_MR];
#pragma unroll
  for (int i = 0; i < TG_MR; ++i) {
    acc0[i] = (vf){0};
    acc1[i] = (vf){0};
  }
#define TG_KERNEL_STEP(row, a)                                                 \
  do {                                                                         \
    vf b0 = *(const vf *)(row), b1 = (vf){0};                                  \
    if (nv == 2)                                                               \
      b1 = *(const vf *)((row) + TG_VL);                                       \
    _Pragma("unroll") for (int i = 0; i < TG_MR; ++i) {                        \
      float s = (a);                                                           \
      acc0[i] += s * b0;                                                       \
      if (nv == 2)                                                             \
        acc1[i] += s * b1;                                                     \
    }                                                                          \
  } while (0)
  if (as0) {
    /* A read in place, row i at ap + i * as0 (rows past mr repeat the
     * last: their results are not stored). */
    const float *ar[TG_MR];
#pragma unroll
    for (int i = 0; i < TG_MR; ++i)
      ar[i] = ap + tg_min(i, mr - 1) * as0;
    if (bkoff)
      for (int64_t k = 0; k < kc; ++k)
        TG_KERNEL_STEP(bp + bkoff[k], ar[i][k]);
    else
      for (int64_t k = 0; k < kc; ++k)
        TG_KERNEL_STEP(bp + k * TG_NR, ar[i][k]);
  } else if (bkoff) {
    for (int64_t k = 0; k < kc; ++k)
      TG_KERNEL_STEP(bp + bkoff[k], ap[k * TG_MR + i]);
  } else {
    for (int64_t k = 0; k < kc; ++k)
      TG_KERNEL_STEP(bp + k * TG_NR, ap[k * TG_MR + i]);
  }
#undef TG_KERNEL_STEP
  if (cs1 == 1) {
    /* Rows of C are consecutive floats: whole vectors, a masked last. The
     * register form of the epilogue (`re`: final results; row i's bias at
     * rb[i * bias_cs]) is applied before the store. */
    for (int64_t i = 0; i < mr; ++i) {
      float *row = c + i * cs0;
      for (int v = 0; v < nv; ++v) {
        int64_t n = tg_min(TG_VL, nr - v * TG_VL);
        if (n <= 0)
          break;
        vf x = v ? acc1[i] : acc0[i];
        float *d = row + v * TG_VL;
        if (!store)
          x += tg_load_upto(d, n);
        if (re) {
          vf b = (re->form & TG_EPI_BIAS) ? tg_splat(rb[i * re->bias_cs])
                                          : (vf){0};
          vf r = rr ? tg_load_upto(rr + i * re->rs[1] + v * TG_VL, n)
                    : (vf){0};
          x = tg_epi_act(re, tg_epi_sum(re, x, b, r));
          if (ro) /* TG_EPI_TO_OUTPUT */
            d = ro + i * re->os[1] + v * TG_VL;
        }
        tg_store_upto(d, x, n);
      }
    }
    return;
  }
  float tile[TG_MR][TG_NR];
  for (int i = 0; i < TG_MR; ++i) {
    vf x0 = acc0[i], x1 = acc1[i];
    if (!store) {
      for (int64_t j = 0; j < nr && i < mr; ++j) {
        if (j < TG_VL)
          x0[j] += c[i * cs0 + j * cs1];
        else
          x1[j - TG_VL] += c[i * cs0 + j * cs1];
      }
    }
    if (re && i < mr) { /* no residual here: tg_gemm_item */
      vf bias = tg_splat((re->form & TG_EPI_BIAS) ? rb[i * re->bias_cs] : 0);
      x0 = tg_epi_act(re, tg_epi_sum(re, x0, bias, (vf){0}));
      x1 = tg_epi_act(re, tg_epi_sum(re, x1, bias, (vf){0}));
    }
    *(vf *)&tile[i][0] = x0;
    *(vf *)&tile[i][TG_VL] = x1;
  }
  for (int64_t i = 0; i < mr; ++i)
    for (int64_t j = 0; j < nr; ++j)
      c[i * cs0 + j * cs1] = tile[i][j];
}

TG_MIN_VW static void tg_kernel(int64_t kc, const float *restrict ap,
                                int64_t as0, const float *restrict bp,
                                const int64_t *bkoff, float *c, int64_t cs0,
                                int64_t cs1, int64_t mr, int64_t nr,
                                int store, const tg_epi *re, const float *rb,
                                const float *rr, float *ro) {
  if (nr <= TG_VL)
    tg_kernel_nv(kc, ap, as0, bp, bkoff, c, cs0, cs1, mr, nr, store, re, rb,
                 rr, ro, 1);
  else
    tg_kernel_nv(kc, ap, as0, bp, bkoff, c, cs0, cs1, mr, nr, store, re, rb,
                 rr, ro, 2);
}

/* Packs A[0:mc, 0:kc] into panels of MR rows (k-major), zero padded. */
static void tg_pack_a(const float *a, int64_t as0, const int64_t *akoff,
                      int64_t mc, int64_t kc, float *ap) {
  for (int64_t i0 = 0; i0 < mc; i0 += TG_MR) {
    int64_t mr = tg_min(TG_MR, mc - i0);
    for (int64_t k = 0; k < kc; ++k) {
      const float *col = a + i0 * as0 + akoff[k];
      int64_t i = 0;
      for (; i < mr; ++i)
        ap[k * TG_MR + i] = col[i * as0];
      for (; i < TG_MR; ++i)
        ap[k * TG_MR + i] = 0.0f;
    }
    ap += kc * TG_MR;
  }
}

/* Packs B[0:kc, 0:nc] into panels of NR columns (k-major), zero padded.
 * A panel's columns split into runs whose source elements are 1 or 2
 * apart (an im2col row of a stride-1 or stride-2 convolution is such
 * runs, a plain matrix is one run); long runs are copied by vectors (the
 * even lanes of two loads for stride 2: gathered one by one, they were a
 * quarter of a stride-2 stem convolution), short ones gathered. */
TG_MIN_VW static void tg_pack_b(const float *b, const int64_t *bkoff,
                                const int64_t *bnoff, int64_t kc, int64_t nc,
                                float *bp) {
  for (int64_t j0 = 0; j0 < nc; j0 += TG_NR) {
    int64_t nr = tg_min(TG_NR, nc - j0);
    const int64_t *no = bnoff + j0;
    int64_t run_start[TG_NR], run_len[TG_NR], run_step[TG_NR], runs = 0;
    for (int64_t j = 0; j < nr;) {
      int64_t len = 1, step = j + 1 < nr ? no[j + 1] - no[j] : 1;
      if (step != 1 && step != 2)
        step = 1;
      while (j + len < nr && no[j + len] == no[j] + step * len)
        ++len;
      run_start[runs] = j;
      run_len[runs] = len;
      run_step[runs++] = step;
      j += len;
    }
    int copy_runs = runs * 4 <= nr;
    for (int64_t k = 0; k < kc; ++k) {
      const float *row = b + bkoff[k];
      float *dst = bp + k * TG_NR;
      if (copy_runs) {
        for (int64_t r = 0; r < runs; ++r) {
          const float *src = row + no[run_start[r]];
          float *out = dst + run_start[r];
          int64_t len = run_len[r];
          if (run_step[r] == 1) {
            for (int64_t j = 0; j < len; j += TG_VL)
              tg_store_upto(out + j, tg_load_upto(src + j, len - j), len - j);
            continue;
          }
          for (int64_t j = 0; j < len; j += TG_VL) {
            /* Elements 2j .. 2(len - 1): not the odd one after the last. */
            int64_t span = 2 * (len - j) - 1;
            vf lo = tg_load_upto(src + 2 * j, span);
            vf hi = span > TG_VL ? tg_load_upto(src + 2 * j + TG_VL,
                                                span - TG_VL)
                                 : (vf){0};
            tg_store_upto(out + j, TG_EVEN(lo, hi), len - j);
          }
        }
      } else {
        for (int64_t j = 0; j < nr; ++j)
          dst[j] = row[no[j]];
      }
      for (int64_t j = nr; j < TG_NR; ++j)
        dst[j] = 0.0f;
    }
    bp += kc * TG_NR;
  }
}

/* One work item: the columns [j0, j0 + nc) of rows [i0, i0 + mchunk) of C,
 * the whole k range. Each KC-deep block of B is packed once per item and
 * reused by every row of it (packing B per MC rows instead cost a third of
 * a large GEMM's time); A is packed per MC rows, or read prepacked. */
static void tg_gemm_item(const tg_gemm *g, int64_t item, float *ap,
                         float *bp) {
  int64_t i0 = (item / g->ntiles) * g->mchunk, j0 = (item % g->ntiles) * g->nc;
  int64_t iend = tg_min(i0 + g->mchunk, g->m), nc = tg_min(g->nc, g->n - j0);
  for (int64_t p0 = 0; p0 < g->k; p0 += TG_KC) {
    int64_t kc = tg_min(TG_KC, g->k - p0);
    /* Read in place: the full panels [j0, j0 + nfull); packed: the rest
     * (here, or at compile time). */
    int64_t nfull = g->b_direct ? nc / TG_NR * TG_NR : 0;
    const float *bpk = bp;
    if (g->bpacked)
      bpk = g->bpacked + p0 * g->npad + (g->bcol0 + j0) * kc;
    else if (nfull < nc)
      tg_pack_b(g->b, g->bkoff + p0, g->bnoff + j0 + nfull, kc, nc - nfull,
                bp + nfull * kc);
    int store = g->c_zero && p0 == 0;
    for (int64_t i1 = i0; i1 < iend; i1 += TG_MC) {
      int64_t mc = tg_min(TG_MC, iend - i1);
      const float *apan = ap;
      int64_t ars = 0; /* A's row stride when read in place */
      if (g->a_direct) {
        apan = g->a + i1 * g->as0 + g->akoff[p0];
        ars = g->as0;
      } else if (g->apacked) {
        apan = g->apacked + p0 * g->mpad + i1 * kc;
      } else {
        tg_pack_a(g->a + i1 * g->as0, g->as0, g->akoff + p0, mc, kc, ap);
      }
      /* In the last k block the epilogue runs on final results while they
       * are in cache: each panel of NR columns (in L1) when pixels are
       * consecutive, else the whole block, so that its calls cover whole
       * output rows rather than pieces of them. */
      int last = g->epi && p0 + TG_KC >= g->k;
      /* The epilogue's register form, applied by the kernel itself (one
       * with a residual where C's and the residual's pixels run flat). */
      const tg_epi *re =
          last && g->epi->form &&
                  (tg_epi_form_local(g->epi) ||
                   (g->cs1 == 1 && tg_epi_form_fits(g->epi, g->epi_ow, 1)))
              ? g->epi
              : 0;
      if (re)
        last = 0;
      int residual = re && (re->form & (TG_EPI_RESIDUAL |
                                        TG_EPI_RESIDUAL_FIRST));
      int to_output = re && (re->form & TG_EPI_TO_OUTPUT);
      /* A shallow GEMM (a 1x1 convolution of few input channels on a
       * large plane) is bound by its stores: its tiles run row panel by
       * row panel, so that C is written as MR long runs at a time rather
       * than as many short runs as the block has rows, and its epilogue
       * (if not in registers) runs on the whole block. */
      int rows_outer = kc == g->k && kc <= TG_SHALLOW_K;
      int per_panel = last && !rows_outer && tg_epi_flat(g->epi, g->epi_ow);
      int64_t nj = (nc + TG_NR - 1) / TG_NR, ni = (mc + TG_MR - 1) / TG_MR;
      /* The panel whose lines are prefetched: the next, or, when it is
       * the next tile, the one TG_SHALLOW_AHEAD tiles on. */
      int64_t ahead = rows_outer ? TG_SHALLOW_AHEAD * TG_NR : TG_NR;
      for (int64_t t = 0; t < nj * ni; ++t) {
        int64_t jr = (rows_outer ? t % nj : t / ni) * TG_NR;
        int64_t ir = (rows_outer ? t / nj : t % ni) * TG_MR;
        int direct = jr < nfull;
        const float *bpan = direct ? g->b + g->bnoff[j0 + jr] : bpk + jr * kc;
        /* The lines of the same rows' tile in a later panel: its C rows
         * are as many store streams as the block has rows, which the
         * hardware prefetchers do not follow (an output not in cache, 16
         * to 48 channels of a 112x112 plane, stalled on each line). */
        if (g->cs1 == 1 && jr + ahead < nc)
          for (int64_t r = ir; r < tg_min(ir + TG_MR, mc); ++r) {
            float *nx = g->c + (i1 + r) * g->cs0 + j0 + jr + ahead;
            __builtin_prefetch(nx, 1, 3);
            __builtin_prefetch(nx + TG_NR - 1, 1, 3);
          }
        tg_kernel(kc, apan + ir * (ars ? ars : kc), ars, bpan,
                  direct ? g->bkoff + p0 : 0,
                  g->c + (i1 + ir) * g->cs0 + (j0 + jr) * g->cs1, g->cs0,
                  g->cs1, tg_min(TG_MR, mc - ir), tg_min(TG_NR, nc - jr),
                  store, re,
                  re && (re->form & TG_EPI_BIAS)
                      ? re->bias + (g->epi_c0 + i1 + ir) * re->bias_cs
                      : 0,
                  residual ? re->res + g->epi_b * re->rs[0] +
                                 (g->epi_c0 + i1 + ir) * re->rs[1] +
                                 g->epi_y0 * re->rs[2] + j0 + jr
                           : 0,
                  to_output ? re->out + g->epi_b * re->os[0] +
                                  (g->epi_c0 + i1 + ir) * re->os[1] +
                                  g->epi_y0 * re->os[2] + j0 + jr
                            : 0);
        if (per_panel && ir + TG_MR >= mc)
          tg_epi_block(g->epi, g->epi_b, g->epi_c0, g->epi_y0, g->epi_ow,
                       g->c, g->cs0, g->cs1, i1, i1 + mc, j0 + jr,
                       j0 + tg_min(jr + TG_NR, nc));
      }
      if (last && !per_panel)
        tg_epi_block(g->epi, g->epi_b, g->epi_c0, g->epi_y0, g->epi_ow, g->c,
                     g->cs0, g->cs1, i1, i1 + mc, j0, j0 + nc);
    }
  }
}

/* Splits C into work items, enough of them (`want` in all over `items`
 * GEMMs) to keep a few threads busy: first into column blocks, which costs
 * nothing, then into row chunks, each of which packs its own B. */
static void tg_gemm_plan(tg_gemm *g, int64_t items) {
  int64_t want = (8 + items - 1) / items;
  int64_t nc = tg_min(TG_NC_MAX, (g->n + TG_NR - 1) / TG_NR * TG_NR);
  int64_t ntiles = (g->n + nc - 1) / nc;
  if (ntiles < want) {
    int64_t per = (g->n + want - 1) / want;
    per = (per + TG_NR - 1) / TG_NR * TG_NR;
    nc = per < 2 * TG_NR ? tg_min(nc, 2 * TG_NR) : per;
    ntiles = (g->n + nc - 1) / nc;
  }
  int64_t msplit = ntiles < want ? (want + ntiles - 1) / ntiles : 1;
  int64_t mchunk = (g->m + msplit - 1) / msplit;
  mchunk = (mchunk + TG_MR - 1) / TG_MR * TG_MR;
  /* A chunk below MC rows packs B for too little work (B packed at
   * compile time, or read in place, is not packed per chunk). */
  if (mchunk < TG_MC && g->m > TG_MC && !g->bpacked && !g->b_direct)
    mchunk = TG_MC;
  g->nc = nc;
  g->ntiles = ntiles;
  g->mchunk = mchunk;
  g->mtiles = (g->m + mchunk - 1) / mchunk;
}

/* A batch of GEMMs that share sizes: item b adds the offsets below. */
typedef struct {
  tg_gemm g;
  int64_t batch, inner; /* items: batch x inner (e.g. images x groups) */
  int64_t a_outer, a_inner, b_outer, b_inner, c_outer, c_inner;
  /* A is a weight (the compiler says so: TG_WEIGHT_MODEL): the same
   * address and contents while the code object is loaded, so its packed
   * form is kept; or it is that packed form already (TG_WEIGHT_PREPACKED,
   * Layout.h: inner item `in` at a + in * mpad * k). */
  int64_t a_const;
  const float **packs; /* per inner item: A packed, or null */
} tg_gemm_batch;

static void tg_gemm_batch_body(void *ctx, int64_t begin, int64_t end) {
  const tg_gemm_batch *gb = (const tg_gemm_batch *)ctx;
  float *ap = (float *)tg_scratch_alloc(sizeof(float) * TG_MC * TG_KC);
  float *bp = (float *)tg_scratch_alloc(sizeof(float) * TG_KC * gb->g.nc +
                                        sizeof(float) * TG_KC * TG_NR);
  int64_t tiles = gb->g.mtiles * gb->g.ntiles;
  for (int64_t t = begin; t < end; ++t) {
    int64_t item = t / tiles, o = item / gb->inner, in = item % gb->inner;
    tg_gemm g = gb->g;
    g.a += o * gb->a_outer + in * gb->a_inner;
    g.b += o * gb->b_outer + in * gb->b_inner;
    g.c += o * gb->c_outer + in * gb->c_inner;
    if (gb->packs)
      g.apacked = gb->packs[in];
    g.epi_b = o;
    g.epi_c0 = in * g.m;
    tg_gemm_item(&g, t % tiles, ap, bp);
  }
  tg_scratch_free(ap);
  tg_scratch_free(bp);
}

/* Packs all of A, chunk by chunk, micro-panel by micro-panel: item
 * (chunk, panel) of ceil(K / KC) x mpad / MR. */
static void tg_gemm_prepack_body(void *ctx, int64_t begin, int64_t end) {
  const tg_gemm *g = (const tg_gemm *)ctx;
  int64_t panels = g->mpad / TG_MR;
  for (int64_t t = begin; t < end; ++t) {
    int64_t p0 = (t / panels) * TG_KC, i0 = (t % panels) * TG_MR;
    int64_t kc = tg_min(TG_KC, g->k - p0);
    tg_pack_a(g->a + i0 * g->as0, g->as0, g->akoff + p0,
              tg_min(TG_MR, g->m - i0), kc,
              g->apack_out + p0 * g->mpad + i0 * kc);
  }
}

static int tg_is_unit(const int64_t *off, int64_t n) {
  for (int64_t i = 1; i < n; ++i)
    if (off[i] != off[0] + i)
      return 0;
  return 1;
}

/* Few rows of A (a batch-1 fully connected layer): packing B would copy as
 * many elements as there are multiply-adds, so the rows are computed
 * directly, vectorized along whichever of B's dims is contiguous. */
TG_MIN_VW static void tg_gemm_small_m(const tg_gemm *g) {
  if (g->bpacked) {
    /* B's panels are contiguous: a row of C is NR-wide vector steps. */
    for (int64_t i = 0; i < g->m; ++i) {
      const float *a = g->a + i * g->as0;
      float *c = g->c + i * g->cs0;
      for (int64_t p0 = 0; p0 < g->k; p0 += TG_KC) {
        int64_t kc = tg_min(TG_KC, g->k - p0);
        for (int64_t j0 = 0; j0 < g->n; j0 += TG_NR) {
          const float *bp = g->bpacked + p0 * g->npad + (g->bcol0 + j0) * kc;
          int64_t nr = tg_min(TG_NR, g->n - j0);
          float acc[TG_NR] = {0};
          for (int64_t k = 0; k < kc; ++k) {
            float av = a[g->akoff[p0 + k]];
            for (int64_t j = 0; j < TG_NR; ++j)
              acc[j] += av * bp[k * TG_NR + j];
          }
          for (int64_t j = 0; j < nr; ++j)
            c[(j0 + j) * g->cs1] += acc[j];
        }
      }
    }
    return;
  }
  int n_unit = tg_is_unit(g->bnoff, g->n) && g->cs1 == 1;
  int k_unit = tg_is_unit(g->bkoff, g->k) && tg_is_unit(g->akoff, g->k);
  for (int64_t i = 0; i < g->m; ++i) {
    const float *a = g->a + i * g->as0;
    float *c = g->c + i * g->cs0;
    if (n_unit) {
      const float *b0 = g->b + g->bnoff[0];
      for (int64_t k = 0; k < g->k; ++k) {
        float av = a[g->akoff[k]];
        const float *row = b0 + g->bkoff[k];
        for (int64_t n = 0; n < g->n; ++n)
          c[n] += av * row[n];
      }
    } else if (k_unit) {
      const float *a0 = a + g->akoff[0];
      for (int64_t n = 0; n < g->n; ++n) {
        const float *col = g->b + g->bkoff[0] + g->bnoff[n];
        vf acc = (vf){0};
        int64_t k = 0;
        for (; k + TG_VL <= g->k; k += TG_VL)
          acc += *(const vf *)(a0 + k) * *(const vf *)(col + k);
        float sum = 0.0f;
        for (int j = 0; j < TG_VL; ++j)
          sum += acc[j];
        for (; k < g->k; ++k)
          sum += a0[k] * col[k];
        c[n * g->cs1] += sum;
      }
    } else {
      for (int64_t n = 0; n < g->n; ++n) {
        float sum = 0.0f;
        for (int64_t k = 0; k < g->k; ++k)
          sum += a[g->akoff[k]] * g->b[g->bkoff[k] + g->bnoff[n]];
        c[n * g->cs1] += sum;
      }
    }
  }
}

/* All of A packed into a new buffer (chunk p0 at p0 * mpad floats). */
static float *tg_pack_all(tg_gemm *g, int64_t macs) {
  float *packed = (float *)malloc(sizeof(float) * g->mpad * g->k);
  if (!packed)
    abort();
  g->apack_out = packed;
  int64_t chunks = (g->k + TG_KC - 1) / TG_KC;
  tg_run_sized(g, chunks * (g->mpad / TG_MR), tg_gemm_prepack_body, macs);
  return packed;
}

/* Packed weights, kept while the code object is loaded: a list searched by
 * A's address, shape and offset table (a weight of one convolution is only
 * ever read one way, so the list is as long as the model has weights).
 * Concurrent runs may both pack a weight on first use; one copy is kept. */
typedef struct tg_packed {
  struct tg_packed *next;
  const float *a;
  int64_t as0, m, k, hash;
  float *data;
} tg_packed;
static tg_packed *tg_packed_list;
static int tg_packed_lock;

static void tg_lock(void) { tg_spin_lock(&tg_packed_lock); }
static void tg_unlock(void) { tg_spin_unlock(&tg_packed_lock); }

static tg_packed *tg_find_packed_locked(const tg_packed *key) {
  for (tg_packed *p = tg_packed_list; p; p = p->next)
    if (p->a == key->a && p->as0 == key->as0 && p->m == key->m &&
        p->k == key->k && p->hash == key->hash)
      return p;
  return 0;
}

/* The packed form kept for `key` (its fields but data), or null. */
static float *tg_find_packed(const tg_packed *key) {
  tg_lock();
  tg_packed *found = tg_find_packed_locked(key);
  tg_unlock();
  return found ? found->data : 0;
}

/* Keeps `data` (malloc'ed) as the packed form of `key` and returns it,
 * or, when a concurrent run kept one first, frees it and returns that. */
static float *tg_keep_packed(const tg_packed *key, float *data) {
  tg_packed *p = (tg_packed *)malloc(sizeof(tg_packed));
  if (!p)
    abort();
  *p = *key;
  p->data = data;
  tg_lock();
  tg_packed *found = tg_find_packed_locked(key);
  if (!found) {
    p->next = tg_packed_list;
    tg_packed_list = p;
  }
  tg_unlock();
  if (!found)
    return data;
  free(data);
  free(p);
  return found->data;
}

static float *tg_cached_pack(tg_gemm *g, int64_t macs) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a over the offset table */
  for (int64_t i = 0; i < g->k; ++i)
    h = (h ^ (uint64_t)g->akoff[i]) * 1099511628211ull;
  tg_packed key = {0, g->a, g->as0, g->m, g->k, (int64_t)h, 0};
  float *found = tg_find_packed(&key);
  return found ? found : tg_keep_packed(&key, tg_pack_all(g, macs));
}

/* The packed weights go when the code object is unloaded. */
__attribute__((destructor)) static void tg_free_packed(void) {
  while (tg_packed_list) {
    tg_packed *p = tg_packed_list;
    tg_packed_list = p->next;
    free(p->data);
    free(p);
  }
}

/* Runs the epilogue on every item's C (paths that do not run it per
 * block). */
static void tg_gemm_epi_all(const tg_gemm_batch *gb) {
  for (int64_t o = 0; o < gb->batch; ++o)
    for (int64_t in = 0; in < gb->inner; ++in)
      tg_epi_block(gb->g.epi, o, in * gb->g.m, gb->g.epi_y0, gb->g.epi_ow,
                   gb->g.c + o * gb->c_outer + in * gb->c_inner, gb->g.cs0,
                   gb->g.cs1, 0, gb->g.m, 0, gb->g.n);
}

/* Few-row GEMMs (a batch-1 fully connected layer reads a large weight
 * once) split their columns across the threads, this many at a time. */
#define TG_SMALL_M_COLUMNS 256

static void tg_gemm_small_m_body(void *ctx, int64_t begin, int64_t end) {
  const tg_gemm_batch *gb = (const tg_gemm_batch *)ctx;
  int64_t parts = (gb->g.n + TG_SMALL_M_COLUMNS - 1) / TG_SMALL_M_COLUMNS;
  for (int64_t t = begin; t < end; ++t) {
    int64_t item = t / parts, o = item / gb->inner, in = item % gb->inner;
    int64_t j0 = (t % parts) * TG_SMALL_M_COLUMNS;
    int64_t j1 = tg_min(gb->g.n, j0 + TG_SMALL_M_COLUMNS);
    tg_gemm g = gb->g;
    g.a += o * gb->a_outer + in * gb->a_inner;
    g.b += o * gb->b_outer + in * gb->b_inner;
    g.c += o * gb->c_outer + in * gb->c_inner;
    float *c = g.c;
    g.bnoff += j0;
    g.bcol0 += j0;
    g.c += j0 * g.cs1;
    g.n = j1 - j0;
    tg_gemm_small_m(&g);
    if (g.epi)
      tg_epi_block(g.epi, o, in * g.m, g.epi_y0, g.epi_ow, c, g.cs0, g.cs1, 0,
                   g.m, j0, j1);
  }
}

/* One column of C from A's packed panels (a 1x1 convolution of a 1x1
 * plane: squeeze-and-excitation's fully connected layers): C[i] = sum over
 * k of A[i][k] * B[k], a panel of MR rows per vector multiply-add (packing
 * B for the general path wrote NR floats, all but one zeros, per element:
 * about 20 us for a 48x1152 layer). Work items: row panels of every
 * (outer, inner) item. */
TG_MIN_VW static void tg_gemm_matvec_body(void *ctx, int64_t begin,
                                          int64_t end) {
  const tg_gemm_batch *gb = (const tg_gemm_batch *)ctx;
  const tg_gemm *g = &gb->g;
  int64_t panels = g->mpad / TG_MR;
  for (int64_t t = begin; t < end; ++t) {
    int64_t item = t / panels, i0 = (t % panels) * TG_MR;
    int64_t o = item / gb->inner, in = item % gb->inner;
    const float *ap = gb->packs[in];
    const float *b = g->b + o * gb->b_outer + in * gb->b_inner + g->bnoff[0];
    float *c = g->c + o * gb->c_outer + in * gb->c_inner;
    float acc[TG_MR] = {0};
    for (int64_t p0 = 0; p0 < g->k; p0 += TG_KC) {
      int64_t kc = tg_min(TG_KC, g->k - p0);
      const float *pan = ap + p0 * g->mpad + i0 * kc;
      for (int64_t k = 0; k < kc; ++k) {
        float bk = b[g->bkoff[p0 + k]];
#pragma unroll
        for (int i = 0; i < TG_MR; ++i)
          acc[i] += pan[k * TG_MR + i] * bk;
      }
    }
    int64_t mr = tg_min(TG_MR, g->m - i0);
    for (int64_t i = 0; i < mr; ++i) {
      float *d = c + (i0 + i) * g->cs0;
      *d = g->c_zero ? acc[i] : *d + acc[i];
    }
    if (g->epi)
      tg_epi_block(g->epi, o, in * g->m, g->epi_y0, g->epi_ow, c, g->cs0,
                   g->cs1, i0, i0 + mr, 0, 1);
  }
}

/* Zeros every item's C (what a dropped fill would have written). */
static void tg_gemm_zero_c(tg_gemm_batch *gb) {
  for (int64_t o = 0; o < gb->batch; ++o)
    for (int64_t in = 0; in < gb->inner; ++in) {
      float *c = gb->g.c + o * gb->c_outer + in * gb->c_inner;
      for (int64_t i = 0; i < gb->g.m; ++i)
        for (int64_t j = 0; j < gb->g.n; ++j)
          c[i * gb->g.cs0 + j * gb->g.cs1] = 0.0f;
    }
  gb->g.c_zero = 0;
}

static void tg_gemm_batch_run(tg_gemm_batch *gb) {
  if (gb->g.m <= 0 || gb->g.n <= 0 || gb->batch <= 0 || gb->inner <= 0)
    return;
  /* The paths that only add into C (and an empty k) need C's zeros. */
  if (gb->g.c_zero && (gb->g.k <= 0 || gb->g.m < TG_MR / 2))
    tg_gemm_zero_c(gb);
  if (gb->g.k <= 0) {
    if (gb->g.epi)
      tg_gemm_epi_all(gb);
    return;
  }
  if (gb->g.m < TG_MR / 2) {
    if (gb->a_const == TG_WEIGHT_PREPACKED) {
      /* tg-cpu-pack-weights packs only what the packed path reads. */
      tg_uk_report_error("a prepacked weight has too few rows for the packed "
                         "GEMM (the compiler's and the microkernels' tile "
                         "sizes differ)");
      return;
    }
    int64_t parts = (gb->g.n + TG_SMALL_M_COLUMNS - 1) / TG_SMALL_M_COLUMNS;
    tg_run_sized(gb, gb->batch * gb->inner * parts, tg_gemm_small_m_body,
                 gb->batch * gb->inner * gb->g.m * gb->g.n * gb->g.k);
    return;
  }
  int64_t items = gb->batch * gb->inner;
  /* Packing B costs a copy of each element per M rows; reading it in place
   * made 1x1 convolutions with few output channels 1.3-1.7x faster and wide
   * 3x3 ones 5-20%, but was slower for K below 32 (each panel's rows come
   * from as many distant lines for little work). */
  gb->g.b_direct = !gb->g.bpacked && gb->g.k >= TG_DIRECT_MIN_K &&
                   tg_is_unit(gb->g.bnoff, gb->g.n);
  tg_gemm_plan(&gb->g, items);
  /* An activation A (a matmul's left operand, new on every call) is read
   * in place rather than packed per call (attention's small matmuls 1.3-1.5x
   * faster, bert_like 10%); a weight is packed once and kept
   * (tg_cached_pack), which reads best. */
  gb->g.a_direct = !gb->a_const && tg_is_unit(gb->g.akoff, gb->g.k);
  int64_t macs = items * gb->g.m * gb->g.n * gb->g.k;
  /* A weight is packed on first use and kept; an A shared by every item
   * and read by more than one tile is packed once per call. */
  const float **packs = 0;
  float *owned = 0; /* A packed for this call only */
  if (gb->a_const == TG_WEIGHT_PREPACKED) {
    gb->g.mpad = (gb->g.m + TG_MR - 1) / TG_MR * TG_MR;
    packs = (const float **)tg_scratch_alloc(sizeof(float *) * gb->inner);
    for (int64_t in = 0; in < gb->inner; ++in)
      packs[in] = gb->g.a + in * gb->g.mpad * gb->g.k;
  } else if (gb->a_outer == 0 && !gb->g.a_direct &&
             (gb->a_const ||
              (gb->a_inner == 0 && items * gb->g.ntiles > 1))) {
    gb->g.mpad = (gb->g.m + TG_MR - 1) / TG_MR * TG_MR;
    int64_t distinct = gb->a_inner == 0 ? 1 : gb->inner;
    packs = (const float **)tg_scratch_alloc(sizeof(float *) * gb->inner);
    for (int64_t in = 0; in < distinct; ++in) {
      tg_gemm g = gb->g;
      g.a += in * gb->a_inner;
      if (gb->a_const) {
        packs[in] = tg_cached_pack(&g, macs);
      } else {
        owned = tg_pack_all(&g, macs);
        packs[in] = owned;
      }
    }
    for (int64_t in = distinct; in < gb->inner; ++in)
      packs[in] = packs[0];
  }
  gb->packs = packs;
  if (packs && gb->g.n == 1)
    tg_run_sized(gb, items * (gb->g.mpad / TG_MR), tg_gemm_matvec_body,
                 macs);
  else
    tg_run_sized(gb, items * gb->g.mtiles * gb->g.ntiles, tg_gemm_batch_body,
                 macs);
  free(owned);
  tg_scratch_free(packs);
}

static int64_t *tg_offsets(int64_t n, int64_t stride) {
  int64_t *t = (int64_t *)tg_scratch_alloc(sizeof(int64_t) * (n > 0 ? n : 1));
  for (int64_t i = 0; i < n; ++i)
    t[i] = i * stride;
  return t;
}

#define TG_MEMREF2(p)                                                          \
  float *p##_alloc, float *p, int64_t p##_off, int64_t p##_d0,                 \
      int64_t p##_d1, int64_t p##_s0, int64_t p##_s1
#define TG_MEMREF3(p)                                                          \
  float *p##_alloc, float *p, int64_t p##_off, int64_t p##_d0,                 \
      int64_t p##_d1, int64_t p##_d2, int64_t p##_s0, int64_t p##_s1,         \
      int64_t p##_s2
#define TG_MEMREF4(p)                                                          \
  float *p##_alloc, float *p, int64_t p##_off, int64_t p##_d0,                 \
      int64_t p##_d1, int64_t p##_d2, int64_t p##_d3, int64_t p##_s0,         \
      int64_t p##_s1, int64_t p##_s2, int64_t p##_s3
#define TG_EPI_ARG(p)                                                          \
  int64_t *p##_alloc, int64_t *p, int64_t p##_off, int64_t p##_d0,             \
      int64_t p##_s0
#define TG_EPI_DECODE(p, e)                                                    \
  tg_epi e##_storage;                                                          \
  const tg_epi *e = tg_epi_decode(p + p##_off, p##_d0, &e##_storage)          \
                        ? &e##_storage                                         \
                        : 0
#define TG_MEMREF5(p)                                                          \
  float *p##_alloc, float *p, int64_t p##_off, int64_t p##_d0,                 \
      int64_t p##_d1, int64_t p##_d2, int64_t p##_d3, int64_t p##_d4,         \
      int64_t p##_s0, int64_t p##_s1, int64_t p##_s2, int64_t p##_s3,         \
      int64_t p##_s4

/* Batched matmul over [batch, M, K] x [batch, K, N] -> [batch, M, N]. */
static void tg_batch_matmul(const float *a, int64_t as_b, int64_t as0,
                            int64_t as1, const float *b, int64_t bs_b,
                            int64_t bs0, int64_t bs1, float *c, int64_t cs_b,
                            int64_t cs0, int64_t cs1, int64_t batch, int64_t m,
                            int64_t n, int64_t k, int64_t b_kind,
                            int64_t c_zero, const tg_epi *epi) {
  if (b_kind == TG_WEIGHT_PREPACKED && batch != 1) {
    tg_uk_report_error("a batched matmul's B was prepacked");
    return;
  }
  int64_t *akoff = tg_offsets(k, as1), *bkoff = tg_offsets(k, bs0),
          *bnoff = tg_offsets(n, bs1);
  tg_gemm_batch gb = {{a, as0, akoff, b, bkoff, bnoff, c, cs0, cs1, m, n, k, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                      batch, 1, as_b, 0, bs_b, 0, cs_b, 0, 0, 0};
  gb.g.c_zero = c_zero;
  gb.g.epi = epi;
  gb.g.epi_ow = n;
  if (b_kind == TG_WEIGHT_PREPACKED) {
    gb.g.bpacked = b;
    gb.g.npad = (n + TG_NR - 1) / TG_NR * TG_NR;
  }
  tg_gemm_batch_run(&gb);
  tg_scratch_free(akoff);
  tg_scratch_free(bkoff);
  tg_scratch_free(bnoff);
}

/* linalg.matmul: C[M, N] += A[M, K] * B[K, N]; b_kind: TG_WEIGHT_*
 * (Layout.h): B is an activation or a weight packed by tg-cpu-pack-weights
 * (B's sizes are then the matrix's, its data the packed panels); c_zero: C
 * holds zeros on entry (UseMicrokernels.cpp dropped its fill), so it is
 * only written. */
void tg_uk_matmul_f32(TG_MEMREF2(A), TG_MEMREF2(B), TG_MEMREF2(C),
                      int64_t b_kind, int64_t c_zero, TG_EPI_ARG(E)) {
  TG_EPI_DECODE(E, epi);
  int64_t t0 = tg_prof_start();
  tg_batch_matmul(A + A_off, 0, A_s0, A_s1, B + B_off, 0, B_s0, B_s1,
                  C + C_off, 0, C_s0, C_s1, 1, C_d0, C_d1, A_d1, b_kind,
                  c_zero, epi);
  int64_t sizes[3] = {C_d0, C_d1, A_d1};
  tg_prof_stop(t0, "matmul", sizes, 3);
}

/* linalg.batch_matmul: C[b, M, N] += A[b, M, K] * B[b, K, N]. */
void tg_uk_batch_matmul_f32(TG_MEMREF3(A), TG_MEMREF3(B), TG_MEMREF3(C),
                            int64_t b_kind, int64_t c_zero, TG_EPI_ARG(E)) {
  TG_EPI_DECODE(E, epi);
  int64_t t0 = tg_prof_start();
  tg_batch_matmul(A + A_off, A_s0, A_s1, A_s2, B + B_off, B_s0, B_s1, B_s2,
                  C + C_off, C_s0, C_s1, C_s2, C_d0, C_d1, C_d2, A_d2, b_kind,
                  c_zero, epi);
  int64_t sizes[4] = {C_d0, C_d1, C_d2, A_d2};
  tg_prof_stop(t0, "batch_matmul", sizes, 4);
}

/* A grouped 2-D convolution on an already padded input, as strides:
 * in [N, G, C, H, W], weight [G, F, C, KH, KW], out [N, G, F, OH, OW]. */
typedef struct {
  const float *in;
  int64_t is[5];
  const float *w;
  int64_t ws[5];
  float *out;
  int64_t os[5];
  int64_t n, g, c, f, kh, kw, oh, ow, sh, sw, dh, dw;
  /* The input as given is [.., ih, iw]; the convolution reads it padded
   * with zeros: pt rows above, pl columns left, and below and right as far
   * as the output needs (0, 0 and the padded extents: already padded). */
  int64_t ih, iw, pt, pl;
  int64_t w_const; /* TG_WEIGHT_* (Layout.h; tg_gemm_batch.a_const) */
  int64_t c_zero;  /* the output holds zeros on entry (tg_gemm.c_zero) */
  const tg_epi *epi; /* the fused epilogue, or null */
  int64_t epi_y0;    /* output row 0 is this logical row (a row of a split) */
} tg_conv;

/* Writes (or, without c_zero, adds) a plane computed on "wide" rows of
 * pitch `pitch` (each row's last columns are junk) to the output plane
 * `dst` of channel c of image n, then runs the epilogue on it while it is
 * in cache. */
static void tg_wide_plane_out(const tg_conv *cv, const float *src,
                              int64_t pitch, float *dst, int64_t n,
                              int64_t c) {
  for (int64_t oy = 0; oy < cv->oh; ++oy) {
    float *drow = dst + oy * cv->os[3];
    const float *srow = src + oy * pitch;
    if (cv->c_zero)
      TG_SHORT_LOOP
      for (int64_t ox = 0; ox < cv->ow; ++ox)
        drow[ox] = srow[ox];
    else
      TG_SHORT_LOOP
      for (int64_t ox = 0; ox < cv->ow; ++ox)
        drow[ox] += srow[ox];
  }
  if (cv->epi)
    tg_epi_plane(cv->epi, n, c, cv->epi_y0, cv->oh, cv->ow, dst, cv->os[3]);
}

/* Narrow stride-1 depthwise planes (7x7, 14x14: rows shorter than a few
 * vectors vectorize badly one by one): the plane is computed on the input's
 * row pitch as one flat run (the last KW-1 columns of each row are junk, as
 * in tg_conv_wide), a kernel row's taps per pass, then its rows are added
 * to the output. */
#define TG_DW_FLAT_MAX 4096
#ifndef TG_DW_FLAT_WIDTH
#define TG_DW_FLAT_WIDTH 32 /* output rows narrower than this */
#endif

static void tg_depthwise_flat(const tg_conv *cv, int64_t n, int64_t g,
                              const float *ip, const float *wp, float *op) {
  float wide[TG_DW_FLAT_MAX];
  int64_t isy = cv->is[3], len = (cv->oh - 1) * isy + cv->ow;
  TG_SHORT_LOOP
  for (int64_t i = 0; i < len; ++i)
    wide[i] = 0.0f;
  for (int64_t ky = 0; ky < cv->kh; ++ky) {
    const float *wr = wp + ky * cv->ws[3];
    const float *src = ip + ky * cv->dh * isy;
    int64_t x = cv->ws[4];
    if (cv->kw == 3) {
      float w0 = wr[0], w1 = wr[x], w2 = wr[2 * x];
      TG_SHORT_LOOP
      for (int64_t i = 0; i < len; ++i)
        wide[i] += w0 * src[i] + w1 * src[i + 1] + w2 * src[i + 2];
    } else {
      float w0 = wr[0], w1 = wr[x], w2 = wr[2 * x], w3 = wr[3 * x],
            w4 = wr[4 * x];
      TG_SHORT_LOOP
      for (int64_t i = 0; i < len; ++i)
        wide[i] += w0 * src[i] + w1 * src[i + 1] + w2 * src[i + 2] +
                   w3 * src[i + 3] + w4 * src[i + 4];
    }
  }
  tg_wide_plane_out(cv, wide, isy, op, n, g);
}

/* The input extents the convolution reads (padding included). */
static int64_t tg_conv_hp(const tg_conv *cv) {
  return (cv->oh - 1) * cv->sh + (cv->kh - 1) * cv->dh + 1;
}
static int64_t tg_conv_wp(const tg_conv *cv) {
  return (cv->ow - 1) * cv->sw + (cv->kw - 1) * cv->dw + 1;
}

/* True when the input must be padded before the kernels read it. */
static int tg_conv_padded(const tg_conv *cv) {
  return cv->pt > 0 || cv->pl > 0 || cv->ih < tg_conv_hp(cv) ||
         cv->iw < tg_conv_wp(cv);
}

/* Copies plane `src` (strides sy, sx) of the unpadded input into the
 * interior of `dst` (hp x wp, unit strides), whose border holds zeros. */
TG_MIN_VW static void tg_conv_pad_plane(const tg_conv *cv, const float *src,
                                        int64_t sy, int64_t sx, float *dst) {
  int64_t hp = tg_conv_hp(cv), wp = tg_conv_wp(cv);
  int64_t rows = tg_min(cv->ih, hp - cv->pt), cols = tg_min(cv->iw, wp - cv->pl);
  for (int64_t y = 0; y < rows; ++y) {
    float *d = dst + (cv->pt + y) * wp + cv->pl;
    const float *r = src + y * sy;
    if (sx == 1)
      for (int64_t x = 0; x < cols; x += TG_VL)
        tg_store_upto(d + x, tg_load_upto(r + x, cols - x), cols - x);
    else
      for (int64_t x = 0; x < cols; ++x)
        d[x] = r[x * sx];
  }
}

static void tg_depthwise_planes(const tg_conv *cv, int64_t begin, int64_t end,
                                float *scratch, int64_t sy, int64_t sx);

/* Depthwise convolutions with narrow output rows (7x7 and 14x14 planes,
 * any stride) or wide windows (7x7: ConvNeXt's): plane by plane, the loops
 * below spend more on setup, padding, short rows and per-row epilogue
 * calls than on the multiply-adds (1.8-10 GMAC/s measured on MobileNetV2's;
 * 7x7 windows 2-4x slower than this at any size). These compute VL channels at
 * once: the block's input planes are transposed into a zero-bordered tile
 * of pixels x VL channels, each output pixel is KH x KW vector
 * multiply-adds, the results are transposed back, and the epilogue runs
 * once on the block. Work items: blocks of VL channels of n x g. */
#ifndef TG_DW_CBLOCK_WIDTH
#define TG_DW_CBLOCK_WIDTH 16 /* output rows narrower than this */
#endif

/* Transposes the VL x VL block r (r[i][j] -> r[j][i]) with shuffles: VL
 * rows of VL floats in 4 (3 for VL = 8) rounds of two-source shuffles. */
TG_MIN_VW static inline void tg_transpose(vf *r) {
#if TG_VL == 16
  vf t[16], u[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 16, 1, 17, 4, 20, 5, 21,
                                   8, 24, 9, 25, 12, 28, 13, 29);
    t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 18, 3, 19, 6, 22, 7,
                                       23, 10, 26, 11, 27, 14, 30, 15, 31);
  }
  for (int i = 0; i < 16; i += 4)
    for (int h = 0; h < 2; ++h) {
      u[i + 2 * h] = __builtin_shufflevector(t[i + h], t[i + h + 2], 0, 1, 16,
                                             17, 4, 5, 20, 21, 8, 9, 24, 25,
                                             12, 13, 28, 29);
      u[i + 2 * h + 1] = __builtin_shufflevector(
          t[i + h], t[i + h + 2], 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27,
          14, 15, 30, 31);
    }
  /* u[4i + m], lane k: column 4k + m of rows 4i .. 4i + 3. */
  for (int m = 0; m < 4; ++m) {
    vf x0 = __builtin_shufflevector(u[m], u[4 + m], 0, 1, 2, 3, 4, 5, 6, 7, 16,
                                    17, 18, 19, 20, 21, 22, 23);
    vf x1 = __builtin_shufflevector(u[m], u[4 + m], 8, 9, 10, 11, 12, 13, 14,
                                    15, 24, 25, 26, 27, 28, 29, 30, 31);
    vf y0 = __builtin_shufflevector(u[8 + m], u[12 + m], 0, 1, 2, 3, 4, 5, 6,
                                    7, 16, 17, 18, 19, 20, 21, 22, 23);
    vf y1 = __builtin_shufflevector(u[8 + m], u[12 + m], 8, 9, 10, 11, 12, 13,
                                    14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    r[m] = __builtin_shufflevector(x0, y0, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17,
                                   18, 19, 24, 25, 26, 27);
    r[4 + m] = __builtin_shufflevector(x0, y0, 4, 5, 6, 7, 12, 13, 14, 15, 20,
                                       21, 22, 23, 28, 29, 30, 31);
    r[8 + m] = __builtin_shufflevector(x1, y1, 0, 1, 2, 3, 8, 9, 10, 11, 16,
                                       17, 18, 19, 24, 25, 26, 27);
    r[12 + m] = __builtin_shufflevector(x1, y1, 4, 5, 6, 7, 12, 13, 14, 15,
                                        20, 21, 22, 23, 28, 29, 30, 31);
  }
#else
  vf t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[i + 1] =
        __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int i = 0; i < 8; i += 4)
    for (int h = 0; h < 2; ++h) {
      u[i + 2 * h] = __builtin_shufflevector(t[i + h], t[i + h + 2], 0, 1, 8,
                                             9, 4, 5, 12, 13);
      u[i + 2 * h + 1] = __builtin_shufflevector(t[i + h], t[i + h + 2], 2, 3,
                                                 10, 11, 6, 7, 14, 15);
    }
  for (int m = 0; m < 4; ++m) {
    r[m] = __builtin_shufflevector(u[m], u[4 + m], 0, 1, 2, 3, 8, 9, 10, 11);
    r[4 + m] =
        __builtin_shufflevector(u[m], u[4 + m], 4, 5, 6, 7, 12, 13, 14, 15);
  }
#endif
}

/* One kernel row's KW taps (stride SW, dilation 1) for eight output
 * pixels of tg_depthwise_cblock_body: the 7 * SW + KW input vectors they
 * read are loaded once, each feeding up to KW / SW multiply-adds (a load
 * per multiply-add left the loads, one 512-bit vector a cycle on AMD
 * Zen 4, the bound: 7x7 planes 15-30% faster). */
TG_MIN_VW static inline __attribute__((always_inline)) void
tg_dw_cblock_taps(const float *t, const float *w, vf *acc, const int KW,
                  const int SW) {
  vf in[7 * 2 + 7]; /* KW <= 7, SW <= 2 */
#pragma unroll
  for (int i = 0; i < 7 * SW + KW; ++i)
    in[i] = *(const vf *)(t + i * TG_VL);
#pragma unroll
  for (int kx = 0; kx < KW; ++kx) {
    vf wk = *(const vf *)(w + kx * TG_VL);
#pragma unroll
    for (int i = 0; i < 8; ++i)
      acc[i] += in[i * SW + kx] * wk;
  }
}

/* The same, each tap's eight input vectors loaded for it (any window,
 * stride and dilation; xstep: floats from one output pixel's input to the
 * next's). */
TG_MIN_VW static inline __attribute__((always_inline)) void
tg_dw_cblock_taps_each(const tg_conv *cv, const float *t, const float *w,
                       vf *acc, int64_t xstep) {
  for (int64_t kx = 0; kx < cv->kw; ++kx) {
    const float *tk = t + kx * cv->dw * TG_VL;
    vf wk = *(const vf *)(w + kx * TG_VL);
#pragma unroll
    for (int i = 0; i < 8; ++i)
      acc[i] += *(const vf *)(tk + i * xstep) * wk;
  }
}

TG_MIN_VW static void tg_depthwise_cblock_body(void *ctx, int64_t begin,
                                               int64_t end) {
  const tg_conv *cv = (const tg_conv *)ctx;
  int64_t hp = tg_conv_hp(cv), wp = tg_conv_wp(cv), taps = cv->kh * cv->kw;
  int64_t ow8 = (cv->ow + 7) / 8 * 8, blocks = (cv->g + TG_VL - 1) / TG_VL;
  int64_t rows = tg_min(cv->ih, hp - cv->pt), cols = tg_min(cv->iw, wp - cv->pl);
  /* Whole planes are consecutive floats (then moved VL pixels at a time). */
  int in_flat = cv->is[4] == 1 && cv->is[3] == cv->iw && rows == cv->ih &&
                cols == cv->iw;
  int out_flat = cv->os[4] == 1 && cv->os[3] == cv->ow;
  /* Each channel's taps are consecutive, the channels one after another. */
  int w_flat = cv->ws[4] == 1 && cv->ws[3] == cv->kw && cv->ws[0] == taps;
  int64_t w_total = cv->g * taps;
  /* [weights][results, rows of ow8][input tile][slack: the last pixel
   * group reads up to 8 * SW pixels past the tile]. */
  float *wv = (float *)tg_scratch_alloc(
      sizeof(float) *
      (size_t)((taps + cv->oh * ow8 + hp * wp + 8 * cv->sw) * TG_VL));
  float *res = wv + taps * TG_VL, *tile = res + cv->oh * ow8 * TG_VL;
  for (int64_t item = begin; item < end; ++item) {
    int64_t n = item / blocks, g0 = (item % blocks) * TG_VL;
    int64_t nl = tg_min(TG_VL, cv->g - g0);
    const float *in = cv->in + n * cv->is[0] + g0 * cv->is[1];
    /* The block's weights, tap-major: wv[k * VL + l] for channel g0 + l.
     * Each channel's taps are usually consecutive: then VL taps of VL
     * channels at a time are loaded and transposed (the element-wise
     * gather took 15% of a 7x7 5x5 depthwise convolution). */
    if (w_flat) {
      for (int64_t t0 = 0; t0 < taps; t0 += TG_VL) {
        vf r[TG_VL];
        for (int64_t l = 0; l < TG_VL; ++l) {
          int64_t at = (g0 + l) * taps + t0;
          if (l >= nl) {
            r[l] = (vf){0};
          } else if (at + TG_VL <= w_total) {
            r[l] = *(const vf *)(cv->w + at);
          } else {
            for (int64_t j = 0; j < TG_VL; ++j)
              r[l][j] = at + j < w_total ? cv->w[at + j] : 0.0f;
          }
        }
        tg_transpose(r);
        for (int64_t j = 0; j < TG_VL && t0 + j < taps; ++j)
          *(vf *)(wv + (t0 + j) * TG_VL) = r[j];
      }
    } else {
      for (int64_t k = 0; k < taps * TG_VL; ++k)
        wv[k] = 0.0f;
      for (int64_t l = 0; l < nl; ++l) {
        const float *w = cv->w + (g0 + l) * cv->ws[0];
        for (int64_t ky = 0, k = 0; ky < cv->kh; ++ky)
          for (int64_t kx = 0; kx < cv->kw; ++kx, ++k)
            wv[k * TG_VL + l] = w[ky * cv->ws[3] + kx * cv->ws[4]];
      }
    }
    /* The padded input, pixel-major: tile[(y * wp + x) * VL + l]. */
    for (int64_t i = 0; i < hp * wp; ++i)
      *(vf *)(tile + i * TG_VL) = (vf){0};
    int64_t done = 0, y = 0, x = 0;
    if (in_flat)
      for (; done + TG_VL <= rows * cols; done += TG_VL) {
        vf r[TG_VL];
        for (int64_t l = 0; l < TG_VL; ++l)
          r[l] = l < nl ? *(const vf *)(in + l * cv->is[1] + done) : (vf){0};
        tg_transpose(r);
        for (int64_t j = 0; j < TG_VL; ++j) {
          *(vf *)(tile + ((y + cv->pt) * wp + x + cv->pl) * TG_VL) = r[j];
          if (++x == cols) {
            x = 0;
            ++y;
          }
        }
      }
    /* The rest (or all) from (y, x) on. */
    for (int64_t l = 0; l < nl; ++l) {
      const float *src = in + l * cv->is[1];
      for (int64_t yy = y, xx = x; yy < rows; ++yy, xx = 0)
        for (; xx < cols; ++xx)
          tile[((yy + cv->pt) * wp + xx + cv->pl) * TG_VL + l] =
              src[yy * cv->is[3] + xx * cv->is[4]];
    }
    /* Eight output pixels of a row at a time (independent sums: one
     * pixel's taps alone wait on each other's latency). */
    int64_t xstep = cv->sw * TG_VL;
    for (int64_t oy = 0; oy < cv->oh; ++oy)
      for (int64_t ox = 0; ox < cv->ow; ox += 8) {
        const float *t = tile + (oy * cv->sh * wp + ox * cv->sw) * TG_VL;
        vf acc[8];
#pragma unroll
        for (int i = 0; i < 8; ++i)
          acc[i] = (vf){0};
        for (int64_t ky = 0; ky < cv->kh; ++ky) {
          const float *tr = t + ky * cv->dh * wp * TG_VL;
          const float *wr = wv + ky * cv->kw * TG_VL;
          /* (AVX2's 16 registers hold the sums and too few inputs.) */
          if (TG_VL < 16 || cv->dw != 1)
            tg_dw_cblock_taps_each(cv, tr, wr, acc, xstep);
          else if (cv->sw == 1 && cv->kw == 3)
            tg_dw_cblock_taps(tr, wr, acc, 3, 1);
          else if (cv->sw == 1 && cv->kw == 5)
            tg_dw_cblock_taps(tr, wr, acc, 5, 1);
          else if (cv->sw == 1 && cv->kw == 7)
            tg_dw_cblock_taps(tr, wr, acc, 7, 1);
          else if (cv->sw == 2 && cv->kw == 3)
            tg_dw_cblock_taps(tr, wr, acc, 3, 2);
          else if (cv->sw == 2 && cv->kw == 5)
            tg_dw_cblock_taps(tr, wr, acc, 5, 2);
          else
            tg_dw_cblock_taps_each(cv, tr, wr, acc, xstep);
        }
        float *rp = res + (oy * ow8 + ox) * TG_VL;
#pragma unroll
        for (int i = 0; i < 8; ++i)
          *(vf *)(rp + i * TG_VL) = acc[i];
      }
    /* Back to planes (VL pixels at a time), then the epilogue on the
     * block. */
    float *out = cv->out + n * cv->os[0] + g0 * cv->os[1];
    int64_t npix = cv->oh * cv->ow;
    /* The epilogue's register form, applied as each result is stored. */
    const tg_epi *re = cv->epi && tg_epi_form_local(cv->epi) ? cv->epi : 0;
    float bias[TG_VL] = {0};
    if (re && (re->form & TG_EPI_BIAS))
      for (int64_t l = 0; l < nl; ++l)
        bias[l] = re->bias[(g0 + l) * re->bias_cs];
    done = y = x = 0;
    if (out_flat)
      for (; done + TG_VL <= npix; done += TG_VL) {
        vf r[TG_VL];
        for (int64_t j = 0; j < TG_VL; ++j) {
          r[j] = *(const vf *)(res + (y * ow8 + x) * TG_VL);
          if (++x == cv->ow) {
            x = 0;
            ++y;
          }
        }
        tg_transpose(r);
        for (int64_t l = 0; l < nl; ++l) {
          vf *d = (vf *)(out + l * cv->os[1] + done);
          vf v = cv->c_zero ? r[l] : *d + r[l];
          *d = re ? tg_epi_act(re, tg_epi_sum(re, v, tg_splat(bias[l]),
                                              (vf){0}))
                  : v;
        }
      }
    for (int64_t l = 0; l < nl; ++l) {
      float *dst = out + l * cv->os[1];
      for (int64_t oy = y, ox = x; oy < cv->oh; ++oy, ox = 0)
        for (; ox < cv->ow; ++ox) {
          float v = res[(oy * ow8 + ox) * TG_VL + l];
          float *d = dst + oy * cv->os[3] + ox * cv->os[4];
          v = cv->c_zero ? v : *d + v;
          if (re && (re->form & TG_EPI_BIAS))
            v += bias[l];
          *d = re ? tg_epi_act1(re, v) : v;
        }
    }
    if (re)
      continue;
    if (cv->epi && cv->os[3] == cv->ow * cv->os[4] &&
        tg_epi_flat(cv->epi, cv->ow))
      /* The block's planes as runs of consecutive points. */
      cv->epi->fn(cv->epi->desc, out, cv->os[1], 0, cv->os[4], n, g0, nl,
                  cv->epi_y0, 1, 0, cv->oh * cv->ow);
    else if (cv->epi)
      cv->epi->fn(cv->epi->desc, out, cv->os[1], cv->os[3], cv->os[4], n, g0,
                  nl, cv->epi_y0, cv->oh, 0, cv->ow);
  }
  tg_scratch_free(wv);
}

/* Plane p (of n x g) of a depthwise convolution (one input and one output
 * channel per group): where its input and output start, its KH x KW
 * weights splat into w, and the epilogue's register form with the plane's
 * bias, when the epilogue has one of its own pixels only. */
typedef struct {
  int64_t n, g;
  const float *ip;
  float *op;
  const tg_epi *re;
  vf bias;
} tg_dw_plane;

TG_MIN_VW static inline __attribute__((always_inline)) tg_dw_plane
tg_dw_plane_at(const tg_conv *cv, int64_t p, vf *w, const int KH,
               const int KW) {
  tg_dw_plane pl;
  pl.n = p / cv->g;
  pl.g = p % cv->g;
  pl.ip = cv->in + pl.n * cv->is[0] + pl.g * cv->is[1];
  pl.op = cv->out + pl.n * cv->os[0] + pl.g * cv->os[1];
  const float *wk = cv->w + pl.g * cv->ws[0];
#pragma unroll
  for (int ky = 0; ky < KH; ++ky)
#pragma unroll
    for (int kx = 0; kx < KW; ++kx)
      w[ky * KW + kx] = tg_splat(wk[ky * cv->ws[3] + kx * cv->ws[4]]);
  pl.re = cv->epi && tg_epi_form_local(cv->epi) ? cv->epi : 0;
  pl.bias = tg_splat(pl.re && (pl.re->form & TG_EPI_BIAS)
                         ? pl.re->bias[pl.g * pl.re->bias_cs]
                         : 0.0f);
  return pl;
}

/* Output rows computed together by tg_depthwise_direct: an input row's
 * vector is loaded once for all of them that read it. */
#define TG_DW_ROWS 4

/* Output rows per band of tg_depthwise_direct (a multiple of TG_DW_ROWS). */
#ifndef TG_DW_BAND
#define TG_DW_BAND 16
#endif

/* The fields of tg_conv that tg_depthwise_direct reads in its loops, as
 * locals: through the struct, every input row reloaded four of them (the
 * output stores may alias it), which doubled the instructions per tap. */
typedef struct {
  int64_t ih, iw, pt, pl, rs, oh, ow, os3, c_zero;
} tg_dw_direct;

/* VL output columns from x of R output rows from oy (nr <= R of them
 * stored) of a KH x KW depthwise plane `ip` of stride S (1 or 2), read in
 * place. At stride 1 each tap is one load at column x + kx - pl of an
 * input row; at stride 2 the taps are the even and odd lanes of two loads
 * from column 2x - pl and those shifted by one or two lanes, with a third
 * load's first lanes. Loads are masked (EDGE)
 * where they reach the left or right padding; input rows in the top or
 * bottom padding are skipped (a group of rows without any that needs no
 * test measured no faster: 25% slower at stride 2). */
TG_MIN_VW static inline __attribute__((always_inline)) void
tg_depthwise_direct_vec(const tg_dw_direct *d, const float *ip, const vf *w,
                        float *o, int64_t oy, int64_t x, int64_t nr,
                        const tg_epi *re, vf bias, const tg_vmask *mask,
                        const int R, const int KH, const int KW, const int S,
                        const int EDGE) {
  /* Fixed sizes, not R: a variable-length array is a dynamic alloca, which
   * LLVM never promotes to registers (every multiply-add stored its sum to
   * the stack: depthwise 5x5 planes ran 2x slower). */
  vf acc[TG_DW_ROWS];
#pragma unroll
  for (int r = 0; r < R; ++r)
    acc[r] = (vf){0};
  int64_t c0 = S * x - d->pl; /* the input column of lane 0's first tap */
  const float *row0 = ip + (S * oy - d->pt) * d->rs + c0;
#pragma unroll
  for (int i = 0; i < (R - 1) * S + KH; ++i) {
    if (S * oy + i < d->pt || S * oy + i - d->pt >= d->ih)
      continue;
    const float *row = row0 + i * d->rs;
    if (S == 2) {
      /* The taps' columns 2l + kx from three loads (the third only its
       * first KW - 1 lanes): even and odd lanes of the first two, then
       * those shifted by one and two lanes (two loads and two shuffles
       * per pair of taps before: the shuffles bound the loop). Masked
       * lanes read as zeros (the padding) and never touch memory. */
      vf a = EDGE ? (vf)__builtin_masked_load(mask[0], row, (tg_vext){0})
                  : *(const vf *)row;
      vf b = EDGE ? (vf)__builtin_masked_load(mask[1], row + TG_VL,
                                              (tg_vext){0})
                  : *(const vf *)(row + TG_VL);
      vf c = (vf)__builtin_masked_load(mask[2], row + 2 * TG_VL,
                                       (tg_vext){0});
      vf t[5];
      t[0] = TG_EVEN(a, b);
      t[1] = TG_ODD(a, b);
      t[2] = TG_NEXT(t[0], c);
      if (KW == 5) {
        t[3] = TG_NEXT_ODD(t[1], c);
        t[4] = TG_NEXT2(t[0], c);
      }
#pragma unroll
      for (int r = 0; r < R; ++r)
        if (i - r * S >= 0 && i - r * S < KH)
#pragma unroll
          for (int kx = 0; kx < KW; ++kx)
            acc[r] += t[kx] * w[(i - r * S) * KW + kx];
      continue;
    }
    /* Each tap's vector is used as soon as it is loaded: all of a 5x5
     * row's taps loaded first spilled (25 weights stay in registers). */
#pragma unroll
    for (int kx = 0; kx < KW; ++kx) {
      /* Masked lanes read as zeros (the padding), never touch memory. */
      vf v = EDGE ? (vf)__builtin_masked_load(mask[kx], row + kx,
                                              (tg_vext){0})
                  : *(const vf *)(row + kx);
#pragma unroll
      for (int r = 0; r < R; ++r)
        if (i - r * S >= 0 && i - r * S < KH)
          acc[r] += v * w[(i - r * S) * KW + kx];
    }
  }
  int64_t m = d->ow - x;
  for (int64_t r = 0; r < nr; ++r) {
    float *dst = o + (oy + r) * d->os3 + x;
    vf v = d->c_zero ? acc[r] : tg_load_upto(dst, m) + acc[r];
    if (re) /* the epilogue's register form (bias: the plane's) */
      v = tg_epi_act(re, tg_epi_sum(re, v, bias, (vf){0}));
    tg_store_upto(dst, v, m);
  }
}

/* Output columns [x, x + VL) of output rows [y0, y1) of one plane by
 * tg_depthwise_direct_vec: the masks of an edge strip are made once for
 * all its rows (made per group of rows, they were 16 of the 100 vector
 * instructions of a 3x3 stride-2 group). */
TG_MIN_VW static inline __attribute__((always_inline)) void
tg_depthwise_direct_strip(const tg_dw_direct *d, const float *ip,
                          const vf *w, float *o, int64_t x, int64_t y0,
                          int64_t y1, const tg_epi *re, vf bias, const int KH,
                          const int KW, const int S, const int EDGE) {
  tg_vmask mask[5]; /* stride 1: one per tap; 2: one per load */
  int64_t c0 = S * x - d->pl;
  if (EDGE && S == 1)
#pragma unroll
    for (int kx = 0; kx < KW; ++kx)
      mask[kx] = tg_lanes(-c0 - kx, d->iw - c0 - kx);
  if (S == 2) {
    for (int h = 0; h < 2; ++h)
      mask[h] = tg_lanes(-c0 - h * TG_VL, d->iw - c0 - h * TG_VL);
    mask[2] = tg_lanes(EDGE ? -c0 - 2 * TG_VL : 0,
                       EDGE ? tg_min(KW - 1, d->iw - c0 - 2 * TG_VL)
                            : KW - 1);
  }
  for (int64_t oy = y0; oy < y1; oy += TG_DW_ROWS) {
    int64_t nr = tg_min(TG_DW_ROWS, y1 - oy);
    if (nr > 2)
      tg_depthwise_direct_vec(d, ip, w, o, oy, x, nr, re, bias, mask,
                              TG_DW_ROWS, KH, KW, S, EDGE);
    else
      tg_depthwise_direct_vec(d, ip, w, o, oy, x, nr, re, bias, mask, 2, KH,
                              KW, S, EDGE);
  }
}

/* Undilated KH x KW depthwise planes of stride S [begin, end) of n x g
 * with unit column stride, read in place: no padded copy (at stride 1 the
 * copy was a third of a 3x3 layer on 56x56 planes, at stride 2 half).
 * TG_DW_ROWS output rows at a time. */
TG_MIN_VW static inline __attribute__((always_inline)) void
tg_depthwise_direct(const tg_conv *cv, int64_t begin, int64_t end,
                    const int KH, const int KW, const int S) {
  const tg_dw_direct d = {cv->ih, cv->iw, cv->pt,    cv->pl,    cv->is[3],
                          cv->oh, cv->ow, cv->os[3], cv->c_zero};
  for (int64_t p = begin; p < end; ++p) {
    vf w[25]; /* KH x KW <= 5 x 5 */
    tg_dw_plane pl = tg_dw_plane_at(cv, p, w, KH, KW);
    const float *ip = pl.ip;
    float *op = pl.op;
    const tg_epi *re = pl.re;
    vf bias = pl.bias;
    /* Strips whose loads stay inside the rows take plain loads, the
     * others masked ones; vectors from x read columns [S * x - pl,
     * S * x - pl + reach). */
    int64_t reach = S == 1 ? TG_VL + KW - 1 : 2 * TG_VL + KW - 2;
    int64_t xlo = (d.pl + S - 1) / S, room = d.iw + d.pl - reach;
    int64_t xhi = room < 0 ? 0 : room / S + 1;
    /* Bands of TG_DW_BAND output rows, strip by strip: the band's input
     * rows stay in L1 for the next strip (whole planes strip by strip ran
     * 10% slower on 56x56 planes not in cache). */
    for (int64_t y0 = 0; y0 < d.oh; y0 += TG_DW_BAND) {
      int64_t y1 = tg_min(y0 + TG_DW_BAND, d.oh);
      for (int64_t x = 0; x < d.ow; x += TG_VL) {
        if (x >= xlo && x < xhi)
          tg_depthwise_direct_strip(&d, ip, w, op, x, y0, y1, re, bias, KH,
                                    KW, S, 0);
        else
          tg_depthwise_direct_strip(&d, ip, w, op, x, y0, y1, re, bias, KH,
                                    KW, S, 1);
      }
    }
    if (cv->epi && !re)
      tg_epi_plane(cv->epi, pl.n, pl.g, cv->epi_y0, cv->oh, cv->ow, op,
                   d.os3);
  }
}

/* The instances of tg_depthwise_direct: 3x3 and 5x5 windows of stride 1
 * or 2 in both directions over rows of unit stride, output rows at least 8
 * wide (narrower planes, 7x7 outputs, did better with channels in lanes,
 * tg_depthwise_cblock_body; 14x14 outputs of stride 2 ran 1.7-2x faster
 * here than there). Until stop 34 a copying variant took these planes
 * (each plane into a zero-bordered scratch, split into even and odd
 * columns at stride 2) and rows of other strides; it is gone, and the
 * latter take the general loops. */
static int tg_depthwise_direct_case(const tg_conv *cv) {
  return cv->sh == cv->sw && cv->dh == 1 && cv->dw == 1 && cv->os[4] == 1 &&
         cv->is[4] == 1 && cv->kh == cv->kw && (cv->kh == 3 || cv->kh == 5) &&
         (cv->sw == 1 || cv->sw == 2) && cv->ow >= 8;
}

#define TG_DW_DIRECT(K, S)                                                     \
  TG_MIN_VW static void tg_depthwise_##K##x##K##_s##S(void *ctx,             \
                                                      int64_t begin,           \
                                                      int64_t end) {           \
    tg_depthwise_direct((const tg_conv *)ctx, begin, end, K, K, S);           \
  }
TG_DW_DIRECT(3, 1)
TG_DW_DIRECT(3, 2)
TG_DW_DIRECT(5, 1)
TG_DW_DIRECT(5, 2)
#undef TG_DW_DIRECT

static tg_body_fn tg_depthwise_direct_fn(const tg_conv *cv) {
  if (cv->kh == 3)
    return cv->sw == 1 ? tg_depthwise_3x3_s1 : tg_depthwise_3x3_s2;
  return cv->sw == 1 ? tg_depthwise_5x5_s1 : tg_depthwise_5x5_s2;
}

/* Depthwise planes (C = F = 1 per group) [begin, end) of n x g. A padded
 * input is copied plane by plane into the interior of a small buffer with
 * a zero border (written once: the planes share the interior), which stays
 * in cache, instead of the compiler materializing the padded tensor. */
static void tg_depthwise_body(void *ctx, int64_t begin, int64_t end) {
  const tg_conv *cv = (const tg_conv *)ctx;
  if (tg_depthwise_direct_case(cv)) {
    tg_depthwise_direct_fn(cv)(ctx, begin, end);
    return;
  }
  if (!tg_conv_padded(cv)) {
    tg_depthwise_planes(cv, begin, end, 0, 0, 0);
    return;
  }
  int64_t hp = tg_conv_hp(cv), wp = tg_conv_wp(cv);
  float *scratch = (float *)tg_scratch_alloc(sizeof(float) * (size_t)(hp * wp));
  for (int64_t i = 0; i < hp * wp; ++i)
    scratch[i] = 0.0f;
  tg_conv pc = *cv;
  pc.is[3] = wp;
  pc.is[4] = 1;
  tg_depthwise_planes(&pc, begin, end, scratch, cv->is[3], cv->is[4]);
  tg_scratch_free(scratch);
}

/* Depthwise planes of 16 rows or more are split into bands of output
 * rows, band-major: with the thread pool's contiguous ranges (a thread
 * first runs its own share of the items) a thread takes the same rows of
 * every channel, the pixels that the GEMM before it (split by pixel
 * columns) left in that core's cache; split by channels, each thread read
 * half of its input from the other core's. */
#define TG_DW_BANDS 2
#define TG_DW_BAND_MIN_ROWS 16

typedef struct {
  tg_conv band[TG_DW_BANDS];
  int64_t planes; /* n x g */
} tg_dw_bands;

static void tg_depthwise_bands_body(void *ctx, int64_t begin, int64_t end) {
  tg_dw_bands *b = (tg_dw_bands *)ctx;
  for (int64_t t = begin; t < end;) {
    int64_t band = t / b->planes, p = t % b->planes;
    int64_t stop = tg_min(end, (band + 1) * b->planes);
    tg_depthwise_body(&b->band[band], p, p + (stop - t));
    t = stop;
  }
}

/* Output rows [y0, y1) of cv as a convolution of their own. */
static tg_conv tg_conv_rows(const tg_conv *cv, int64_t y0, int64_t y1) {
  tg_conv r = *cv;
  r.oh = y1 - y0;
  r.out += y0 * cv->os[3];
  r.epi_y0 = cv->epi_y0 + y0;
  int64_t top = y0 * cv->sh - cv->pt; /* first input row read */
  if (top > 0) {
    r.in += top * cv->is[3];
    r.ih = cv->ih - top;
    r.pt = 0;
  } else {
    r.pt = -top;
  }
  return r;
}

/* Depthwise planes (C = F = 1 per group): a direct loop per output row
 * whose innermost loop walks the row, so it vectorizes. `scratch`: the
 * padded plane to copy each input plane (row and column strides sy, sx)
 * into, or null; cv->is[3..4] are the scratch's then. */
static void tg_depthwise_planes(const tg_conv *cv, int64_t begin, int64_t end,
                                float *scratch, int64_t sy, int64_t sx) {
  for (int64_t p = begin; p < end; ++p) {
    int64_t n = p / cv->g, g = p % cv->g;
    const float *ip = cv->in + n * cv->is[0] + g * cv->is[1];
    if (scratch) {
      tg_conv_pad_plane(cv, ip, sy, sx, scratch);
      ip = scratch;
    }
    const float *wp = cv->w + g * cv->ws[0];
    float *op = cv->out + n * cv->os[0] + g * cv->os[1];
    int64_t isy = cv->is[3], isx = cv->is[4], osy = cv->os[3],
            osx = cv->os[4];
    /* The common 3x3 and 5x5 unit-dilation cases: a kernel row's taps per
     * pass over the output row (a third or a fifth of the output traffic). */
    int fast3 = cv->kw == 3 && cv->dw == 1 && osx == 1 && isx == 1 &&
                (cv->sw == 1 || cv->sw == 2);
    int fast5 = cv->kw == 5 && cv->dw == 1 && osx == 1 && isx == 1 &&
                (cv->sw == 1 || cv->sw == 2);
    if ((cv->kw == 3 || cv->kw == 5) && cv->dw == 1 && cv->sw == 1 &&
        cv->sh == 1 && osx == 1 && isx == 1 && cv->ow < TG_DW_FLAT_WIDTH &&
        (cv->oh - 1) * isy + cv->ow <= TG_DW_FLAT_MAX) {
      tg_depthwise_flat(cv, n, g, ip, wp, op);
      continue;
    }
    for (int64_t oy = 0; oy < cv->oh; ++oy) {
      float *orow = op + oy * osy;
      if (cv->c_zero) /* the row is then hot for the taps that add to it */
        TG_SHORT_LOOP
        for (int64_t ox = 0; ox < cv->ow; ++ox)
          orow[ox * osx] = 0.0f;
      if (fast5) {
        for (int64_t ky = 0; ky < cv->kh; ++ky) {
          const float *wr = wp + ky * cv->ws[3];
          int64_t x = cv->ws[4];
          float w0 = wr[0], w1 = wr[x], w2 = wr[2 * x], w3 = wr[3 * x],
                w4 = wr[4 * x];
          const float *irow = ip + (oy * cv->sh + ky * cv->dh) * isy;
          if (cv->sw == 1) {
            TG_SHORT_LOOP
            for (int64_t ox = 0; ox < cv->ow; ++ox)
              orow[ox] += w0 * irow[ox] + w1 * irow[ox + 1] +
                          w2 * irow[ox + 2] + w3 * irow[ox + 3] +
                          w4 * irow[ox + 4];
          } else {
            TG_SHORT_LOOP
            for (int64_t ox = 0; ox < cv->ow; ++ox)
              orow[ox] += w0 * irow[2 * ox] + w1 * irow[2 * ox + 1] +
                          w2 * irow[2 * ox + 2] + w3 * irow[2 * ox + 3] +
                          w4 * irow[2 * ox + 4];
          }
        }
      } else if (fast3) {
        for (int64_t ky = 0; ky < cv->kh; ++ky) {
          const float *wr = wp + ky * cv->ws[3];
          float w0 = wr[0], w1 = wr[cv->ws[4]], w2 = wr[2 * cv->ws[4]];
          const float *irow = ip + (oy * cv->sh + ky * cv->dh) * isy;
          if (cv->sw == 1) {
            TG_SHORT_LOOP
            for (int64_t ox = 0; ox < cv->ow; ++ox)
              orow[ox] += w0 * irow[ox] + w1 * irow[ox + 1] + w2 * irow[ox + 2];
          } else {
            TG_SHORT_LOOP
            for (int64_t ox = 0; ox < cv->ow; ++ox)
              orow[ox] += w0 * irow[2 * ox] + w1 * irow[2 * ox + 1] +
                          w2 * irow[2 * ox + 2];
          }
        }
      } else {
        for (int64_t ky = 0; ky < cv->kh; ++ky)
          for (int64_t kx = 0; kx < cv->kw; ++kx) {
            float wv = wp[ky * cv->ws[3] + kx * cv->ws[4]];
            const float *irow =
                ip + (oy * cv->sh + ky * cv->dh) * isy + kx * cv->dw * isx;
            if (osx == 1 && isx == 1 && cv->sw == 1) {
              TG_SHORT_LOOP
              for (int64_t ox = 0; ox < cv->ow; ++ox)
                orow[ox] += wv * irow[ox];
            } else if (osx == 1 && isx == 1 && cv->sw == 2) {
              TG_SHORT_LOOP
              for (int64_t ox = 0; ox < cv->ow; ++ox)
                orow[ox] += wv * irow[2 * ox];
            } else {
              TG_SHORT_LOOP
              for (int64_t ox = 0; ox < cv->ow; ++ox)
                orow[ox * osx] += wv * irow[ox * cv->sw * isx];
            }
          }
      }
      /* The row is final and in L1. */
      if (cv->epi)
        tg_epi_run(cv->epi, n, g, cv->epi_y0 + oy, 0, cv->ow, orow, osx);
    }
  }
}

/* Adds the wide result rows of tg_conv_wide back into the output. */
typedef struct {
  const tg_conv *cv;
  const float *wide;
  int64_t wq, nw;
} tg_conv_wide_ctx;

static void tg_conv_wide_body(void *ctx, int64_t begin, int64_t end) {
  const tg_conv_wide_ctx *w = (const tg_conv_wide_ctx *)ctx;
  const tg_conv *cv = w->cv;
  for (int64_t r = begin; r < end; ++r) {
    int64_t f = r % cv->f, item = r / cv->f;
    int64_t n = item / cv->g, g = item % cv->g;
    const float *src = w->wide + r * w->nw;
    float *dst = cv->out + n * cv->os[0] + g * cv->os[1] + f * cv->os[2];
    tg_wide_plane_out(cv, src, w->wq, dst, n, g * cv->f + f);
  }
}

/* The im2col row offsets: for k = (c, ky, kx), where the weight's and the
 * input's element k starts (malloc'ed; the caller frees them). */
static void tg_conv_k_offsets(const tg_conv *cv, int64_t **akoff,
                              int64_t **bkoff) {
  int64_t k = cv->c * cv->kh * cv->kw;
  *akoff = (int64_t *)tg_scratch_alloc(sizeof(int64_t) * (k > 0 ? k : 1));
  *bkoff = (int64_t *)tg_scratch_alloc(sizeof(int64_t) * (k > 0 ? k : 1));
  int64_t q = 0;
  for (int64_t c = 0; c < cv->c; ++c)
    for (int64_t ky = 0; ky < cv->kh; ++ky)
      for (int64_t kx = 0; kx < cv->kw; ++kx, ++q) {
        (*akoff)[q] = c * cv->ws[2] + ky * cv->ws[3] + kx * cv->ws[4];
        (*bkoff)[q] = c * cv->is[2] + ky * cv->dh * cv->is[3] +
                      kx * cv->dw * cv->is[4];
      }
}

/* Stride-1 convolutions over unit-stride rows: the output is computed on
 * the input's row pitch ("wide" rows, whose last KW-1 columns are junk),
 * so every im2col row is one contiguous run of the input and packing B is
 * a plain copy. The junk columns cost (W + KW - 1) / W more arithmetic. */
static void tg_conv_wide(const tg_conv *cv) {
  int64_t wq = cv->is[3], nw = (cv->oh - 1) * wq + cv->ow;
  int64_t k = cv->c * cv->kh * cv->kw, rows = cv->n * cv->g * cv->f;
  /* Every element of `wide` is written by the GEMM's first k block. */
  float *wide = (float *)tg_scratch_alloc(sizeof(float) * (size_t)(rows * nw));
  int64_t *akoff, *bkoff;
  tg_conv_k_offsets(cv, &akoff, &bkoff);
  int64_t *bnoff = tg_offsets(nw, 1);
  tg_gemm_batch gb = {{cv->w, cv->ws[1], akoff, cv->in, bkoff, bnoff, wide,
                       nw, 1, cv->f, nw, k, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                      cv->n,
                      cv->g,
                      0,
                      cv->ws[0],
                      cv->is[0],
                      cv->is[1],
                      cv->g * cv->f * nw,
                      cv->f * nw,
                      cv->w_const,
                      0};
  gb.g.c_zero = 1;
  tg_gemm_batch_run(&gb);
  tg_conv_wide_ctx w = {cv, wide, wq, nw};
  tg_run_sized(&w, rows, tg_conv_wide_body, rows * nw);
  tg_scratch_free(wide);
  tg_scratch_free(akoff);
  tg_scratch_free(bkoff);
  tg_scratch_free(bnoff);
}

/* The channel-vector convolution (Layout.h, tg_cv_tile_pixels): a
 * register tile of P consecutive output pixels of one row by NB blocks of
 * VL output channels accumulates the whole reduction k = (c, ky, kx): per
 * step, NB weight vectors (the weight as channel blocks, Layout.h) and P
 * input values broadcast straight from the input's rows. The tile is then
 * transposed in registers and stored as P consecutive pixels of each
 * channel. Unlike the GEMM with pixels in lanes, no lanes are lost at row
 * ends or to few pixels (7x7 planes), the input is neither copied nor
 * packed, and each output is stored once. */

/* One tile: output pixels [x, x + P) of the row whose first tap row is
 * `base` (input column x * SW), into `out` (channel l of the tile at
 * out + l * ocs); nch channels and pixels from `skip` on are stored
 * (earlier ones belong to the previous tile). With the epilogue's register
 * form `re`: rb, rr and ro are the bias, residual and output (for
 * TG_EPI_TO_OUTPUT) at the tile's first channel and pixel. */
TG_MIN_VW static inline __attribute__((always_inline)) void
tg_cv_tile(int64_t k, const int64_t *koff, const float *base, const float *wp,
           int64_t wstride, float *out, int64_t ocs, int64_t nch, int64_t skip,
           int store, const tg_epi *re, const float *rb, const float *rr,
           float *ro, const int P, const int NB, const int SW) {
  vf acc[P * NB]; /* at function entry: promoted once inlined */
#pragma unroll
  for (int i = 0; i < P * NB; ++i)
    acc[i] = (vf){0};
  for (int64_t kk = 0; kk < k; ++kk) {
    const float *r = base + koff[kk];
    /* A fixed size (NB <= 4): vf wv[NB] is a variable-length array, a
     * stack allocation and two stores of the weights per step of k. */
    vf wv[4];
#pragma unroll
    for (int j = 0; j < NB; ++j)
      wv[j] = *(const vf *)(wp + j * wstride + kk * TG_VL);
#pragma unroll
    for (int p = 0; p < P; ++p) {
      float x = r[p * SW];
#pragma unroll
      for (int j = 0; j < NB; ++j)
        acc[p * NB + j] += x * wv[j];
    }
  }
#pragma unroll
  for (int j = 0; j < NB; ++j) {
    vf r[TG_VL];
#pragma unroll
    for (int p = 0; p < TG_VL; ++p)
      r[p] = p < P ? acc[p * NB + j] : (vf){0};
    tg_transpose(r); /* r[l]: channel l's P pixels */
    for (int64_t l = 0; l < TG_VL && j * TG_VL + l < nch; ++l) {
      float *d = out + (j * TG_VL + l) * ocs;
      /* Pixels from `skip` on: the earlier ones are final (recomputing
       * them would add twice to the output, or read a residual the
       * previous tile overwrote). */
      tg_vmask m = tg_lanes(skip, P);
      vf x = r[l];
      if (!store)
        x += (vf)__builtin_masked_load(m, d);
      if (re) {
        vf b = (re->form & TG_EPI_BIAS)
                   ? tg_splat(rb[(j * TG_VL + l) * re->bias_cs])
                   : (vf){0};
        vf r = rr ? (vf)__builtin_masked_load(
                        m, rr + (j * TG_VL + l) * re->rs[1])
                  : (vf){0};
        x = tg_epi_act(re, tg_epi_sum(re, x, b, r));
        if (ro) /* TG_EPI_TO_OUTPUT */
          d = ro + (j * TG_VL + l) * re->os[1];
      }
      __builtin_masked_store(m, (tg_vext)x, d);
    }
  }
}

#define TG_CV_OUTPUT_MACS 64

typedef struct {
  const tg_conv *cv;
  const float *wpk; /* channel blocks (Layout.h) */
  const int64_t *koff; /* input offset of each k = (c, ky, kx) */
  int64_t k, groups;   /* groups of NB blocks per image */
  /* Pixels per work item when the plane runs as one row (a 1x1 stride-1
   * convolution whose input and output rows are consecutive), or 0: one
   * output row per work item. */
  int64_t chunk;
  int64_t spans; /* work items per (image, group): rows or chunks */
} tg_cv_ctx;

/* Work items: output rows, or chunks of the flat plane, of (image, group
 * of NB blocks), row-major, so consecutive items share the group's
 * weights. The epilogue runs on each finished span of the group's
 * channels. */
TG_MIN_VW static inline __attribute__((always_inline)) void
tg_cv_rows(const tg_cv_ctx *t, int64_t begin, int64_t end, const int P,
           const int NB, const int SW) {
  const tg_conv *cv = t->cv;
  for (int64_t it = begin; it < end; ++it) {
    int64_t s = it % t->spans, q = it / t->spans;
    int64_t grp = q % t->groups, n = q / t->groups;
    int64_t f0 = grp * NB * TG_VL, nch = tg_min(NB * TG_VL, cv->f - f0);
    /* Output row y, pixels [x0, x1) of it (the flat plane: row 0). */
    int64_t y = t->chunk ? 0 : s, x0 = t->chunk ? s * t->chunk : 0;
    int64_t x1 = t->chunk ? tg_min(x0 + t->chunk, cv->oh * cv->ow) : cv->ow;
    const float *row = cv->in + n * cv->is[0] + y * cv->sh * cv->is[3];
    float *orow = cv->out + n * cv->os[0] + f0 * cv->os[2] + y * cv->os[3];
    /* The epilogue's register form, applied by the tiles themselves. */
    const tg_epi *re = cv->epi && cv->epi->form &&
                               tg_epi_form_fits(cv->epi, cv->ow, t->chunk > 0)
                           ? cv->epi
                           : 0;
    const float *rb = re && (re->form & TG_EPI_BIAS)
                          ? re->bias + f0 * re->bias_cs
                          : 0;
    const float *rr =
        re && (re->form & (TG_EPI_RESIDUAL | TG_EPI_RESIDUAL_FIRST))
            ? re->res + n * re->rs[0] + f0 * re->rs[1] +
                  (cv->epi_y0 + y) * re->rs[2]
            : 0;
    float *ro = re && (re->form & TG_EPI_TO_OUTPUT)
                    ? re->out + n * re->os[0] + f0 * re->os[1] +
                          (cv->epi_y0 + y) * re->os[2]
                    : 0;
    for (int64_t ox = x0; ox < x1; ox += P) {
      /* The last tile ends at the span's end, over part of the one before
       * (whose pixels it does not store again; in a flat plane it may
       * start in the chunk before, whose pixels are only read). */
      int64_t x = tg_min(ox, x1 - P);
      /* The next tile's output lines, one per channel: its stores go to
       * as many streams as channels, which the hardware prefetchers do
       * not follow, so each missed line (an output not in cache: a large
       * plane, or any after the model's other layers) stalled them. */
      if (x + 2 * P <= x1)
        for (int64_t l = 0; l < nch; ++l)
          __builtin_prefetch(orow + l * cv->os[2] + x + 2 * P - 1, 1, 3);
      tg_cv_tile(t->k, t->koff, row + x * SW, t->wpk + f0 * t->k,
                 t->k * TG_VL, orow + x, cv->os[2], nch, ox - x, cv->c_zero,
                 re, rb, rr ? rr + x : 0, ro ? ro + x : 0, P, NB, SW);
    }
    if (cv->epi && !re)
      tg_epi_block(cv->epi, n, f0, cv->epi_y0 + y, cv->ow, orow, cv->os[2], 1,
                   0, nch, x0, x1);
  }
}

#define TG_CV_BODY(P, NB, SW)                                                  \
  TG_MIN_VW static void tg_cv_##P##x##NB##_s##SW(void *ctx, int64_t b,        \
                                                 int64_t e) {                  \
    tg_cv_rows((const tg_cv_ctx *)ctx, b, e, P, NB, SW);                      \
  }
#if TG_VL >= 16
TG_CV_BODY(14, 2, 1)
TG_CV_BODY(14, 2, 2)
TG_CV_BODY(13, 2, 1)
TG_CV_BODY(13, 2, 2)
TG_CV_BODY(12, 2, 1)
TG_CV_BODY(12, 2, 2)
TG_CV_BODY(11, 2, 1)
TG_CV_BODY(11, 2, 2)
TG_CV_BODY(10, 2, 1)
TG_CV_BODY(10, 2, 2)
TG_CV_BODY(9, 2, 1)
TG_CV_BODY(9, 2, 2)
TG_CV_BODY(8, 2, 1)
TG_CV_BODY(8, 2, 2)
TG_CV_BODY(7, 4, 1)
TG_CV_BODY(7, 4, 2)
#else
TG_CV_BODY(6, 2, 1)
TG_CV_BODY(6, 2, 2)
#endif
#undef TG_CV_BODY

static tg_body_fn tg_cv_body(int64_t p, int64_t sw) {
#if TG_VL >= 16
#define TG_CV_CASE(P, NB)                                                      \
  case P:                                                                      \
    return sw == 1 ? tg_cv_##P##x##NB##_s1 : tg_cv_##P##x##NB##_s2;
  switch (p) {
    TG_CV_CASE(14, 2)
    TG_CV_CASE(13, 2)
    TG_CV_CASE(12, 2)
    TG_CV_CASE(11, 2)
    TG_CV_CASE(10, 2)
    TG_CV_CASE(9, 2)
    TG_CV_CASE(8, 2)
  default:
    return sw == 1 ? tg_cv_7x4_s1 : tg_cv_7x4_s2;
  }
#undef TG_CV_CASE
#else
  (void)p;
  return sw == 1 ? tg_cv_6x2_s1 : tg_cv_6x2_s2;
#endif
}

/* A model weight as channel blocks, packed on first use and kept (in the
 * tg_packed list, told apart from GEMM panels by as0 = -1). */
static const float *tg_cv_weights(const tg_conv *cv, int64_t k,
                                  int64_t blocks) {
  int64_t hash = ((cv->ws[1] * 31 + cv->ws[2]) * 31 + cv->ws[3]) * 31 +
                 cv->ws[4] * 7 + cv->kh;
  tg_packed key = {0, cv->w, -1, cv->f, k, hash, 0};
  float *data = tg_find_packed(&key);
  if (data)
    return data;
  data = (float *)malloc(sizeof(float) * (size_t)(blocks * TG_VL * k));
  if (!data)
    abort();
  for (int64_t b = 0; b < blocks; ++b)
    for (int64_t q = 0, c = 0; c < cv->c; ++c)
      for (int64_t ky = 0; ky < cv->kh; ++ky)
        for (int64_t kx = 0; kx < cv->kw; ++kx, ++q)
          for (int64_t l = 0; l < TG_VL; ++l) {
            int64_t f = b * TG_VL + l;
            data[(b * k + q) * TG_VL + l] =
                f < cv->f ? cv->w[f * cv->ws[1] + c * cv->ws[2] +
                                  ky * cv->ws[3] + kx * cv->ws[4]]
                          : 0.0f;
          }
  return tg_keep_packed(&key, data);
}

/* True when `cv` is a 1x1 stride-1 convolution whose output rows are
 * consecutive: it runs on its plane as one row (its input made so too,
 * tg_conv_run). */
static int tg_cv_flat(const tg_conv *cv) {
  return cv->kh == 1 && cv->kw == 1 && cv->sh == 1 && cv->sw == 1 &&
         cv->os[4] == 1 && cv->os[3] == cv->ow;
}

/* Runs `cv` (one group, an input read without padding, unit columns) as a
 * channel-vector convolution with tiles of p pixels. */
static void tg_cv_run(const tg_conv *cv, int64_t p) {
  int64_t k = cv->c * cv->kh * cv->kw, nb = tg_cv_tile_blocks(TG_VL, p);
  int64_t groups = (cv->f + nb * TG_VL - 1) / (nb * TG_VL);
  int64_t *akoff, *bkoff;
  tg_conv_k_offsets(cv, &akoff, &bkoff);
  tg_cv_ctx t = {cv,
                 cv->w_const == TG_WEIGHT_CHANNEL_BLOCKS
                     ? cv->w
                     : tg_cv_weights(cv, k, groups * nb),
                 bkoff, k, groups, 0, cv->oh};
  if (tg_cv_flat(cv)) {
    /* Enough work items to share among a few threads: a 1152 to 192
     * channel 7x7 plane (MNASNet) is 3 groups of one chunk, which two
     * threads ran as 2 + 1. Each chunk of a group reads the group's
     * weights again, from L2. */
    int64_t tiles = (cv->oh * cv->ow + p - 1) / p, per = TG_CV_CHUNK_TILES;
    int64_t want = (TG_CV_MIN_ITEMS + cv->n * groups - 1) / (cv->n * groups);
    if ((tiles + per - 1) / per < want)
      per = (tiles + want - 1) / want;
    t.chunk = p * per;
    t.spans = (cv->oh * cv->ow + t.chunk - 1) / t.chunk;
  }
  /* Each output also costs its share of the tile's transposes, stores and
   * epilogue, about TG_CV_OUTPUT_MACS multiply-adds' time: a 1 to 16
   * channel 5x5 conv on 28x28 (25 multiply-adds per output) took 5.6
   * cycles per output, 1.6 of them multiply-adds, and ran on one thread. */
  tg_run_sized(&t, cv->n * groups * t.spans, tg_cv_body(p, cv->sw),
               cv->n * cv->f * cv->oh * cv->ow * (k + TG_CV_OUTPUT_MACS));
  tg_scratch_free(akoff);
  tg_scratch_free(bkoff);
}

/* The tile pixels when `cv` runs as a channel-vector convolution, else 0.
 * A weight packed as channel blocks must (the compiler chose by the same
 * rule, Layout.h); a model weight may (packed here); an activation weight
 * is not worth packing on every call. */
static int64_t tg_cv_pixels(const tg_conv *cv) {
  if (cv->w_const != TG_WEIGHT_MODEL &&
      cv->w_const != TG_WEIGHT_CHANNEL_BLOCKS)
    return 0;
  if (cv->g != 1 || cv->os[4] != 1)
    return 0;
  return tg_cv_tile_pixels(TG_VL, cv->c, cv->f, cv->kh, cv->kw, cv->oh,
                           cv->ow, cv->sh, cv->sw, tg_cv_flat(cv));
}

/* Writes padded plane p (of n x g x c) of tg_conv_run_padded's copy: the
 * interior from the input, the border zeros (each element written once;
 * calloc'ed copies were fresh zero pages, faulted in on every run). */
typedef struct {
  const tg_conv *cv;
  float *out;
} tg_pad_ctx;

static void tg_conv_pad_body(void *ctx, int64_t begin, int64_t end) {
  const tg_pad_ctx *pc = (const tg_pad_ctx *)ctx;
  const tg_conv *cv = pc->cv;
  int64_t hp = tg_conv_hp(cv), wp = tg_conv_wp(cv);
  int64_t rows = tg_min(cv->ih, hp - cv->pt), cols = tg_min(cv->iw, wp - cv->pl);
  for (int64_t p = begin; p < end; ++p) {
    int64_t c = p % cv->c, ng = p / cv->c;
    const float *src = cv->in + (ng / cv->g) * cv->is[0] +
                       (ng % cv->g) * cv->is[1] + c * cv->is[2];
    float *dst = pc->out + p * hp * wp;
    /* The border, then the interior. */
    for (int64_t y = 0; y < hp; ++y) {
      int inside = y >= cv->pt && y < cv->pt + rows;
      int64_t x0 = inside ? cv->pl : wp, x1 = inside ? cv->pl + cols : wp;
      for (int64_t x = 0; x < x0; ++x)
        dst[y * wp + x] = 0.0f;
      for (int64_t x = x1; x < wp; ++x)
        dst[y * wp + x] = 0.0f;
    }
    tg_conv_pad_plane(cv, src, cv->is[3], cv->is[4], dst);
  }
}

/* Runs `cv` on a padded copy of its input (the GEMM paths read the input
 * through offset tables, which have no room for zeros), written by all
 * threads. */
static void tg_conv_run(tg_conv *cv);
static void tg_conv_run_padded(tg_conv *cv) {
  int64_t hp = tg_conv_hp(cv), wp = tg_conv_wp(cv);
  int64_t planes = cv->n * cv->g * cv->c;
  float *padded =
      (float *)tg_scratch_alloc(sizeof(float) * (size_t)(planes * hp * wp));
  tg_pad_ctx pad = {cv, padded};
  tg_run_sized(&pad, planes, tg_conv_pad_body, planes * hp * wp);
  tg_conv pc = *cv;
  pc.in = padded;
  pc.is[0] = cv->g * cv->c * hp * wp;
  pc.is[1] = cv->c * hp * wp;
  pc.is[2] = hp * wp;
  pc.is[3] = wp;
  pc.is[4] = 1;
  pc.ih = hp;
  pc.iw = wp;
  pc.pt = pc.pl = 0;
  tg_conv_run(&pc);
  tg_scratch_free(padded);
}

static void tg_conv_run(tg_conv *cv) {
  if (cv->c == 1 && cv->f == 1) {
    if (cv->w_const >= TG_WEIGHT_PREPACKED) {
      tg_uk_report_error("a depthwise convolution's weight was prepacked");
      return;
    }
    int64_t macs = TG_LIGHT_WORK_WEIGHT * cv->n * cv->g * cv->oh * cv->ow *
                   cv->kh * cv->kw;
    if (!tg_depthwise_direct_case(cv) &&
        (cv->ow < TG_DW_CBLOCK_WIDTH || cv->kw >= 7) && cv->g > 1)
      tg_run_sized(cv, cv->n * ((cv->g + TG_VL - 1) / TG_VL),
                   tg_depthwise_cblock_body, macs);
    else if (cv->oh >= TG_DW_BAND_MIN_ROWS) {
      tg_dw_bands b;
      for (int64_t i = 0; i < TG_DW_BANDS; ++i)
        b.band[i] = tg_conv_rows(cv, cv->oh * i / TG_DW_BANDS,
                                 cv->oh * (i + 1) / TG_DW_BANDS);
      b.planes = cv->n * cv->g;
      tg_run_sized(&b, TG_DW_BANDS * b.planes, tg_depthwise_bands_body, macs);
    } else
      tg_run_sized(cv, cv->n * cv->g, tg_depthwise_body, macs);
    return;
  }
  int64_t cvp = tg_cv_pixels(cv);
  if (cv->w_const == TG_WEIGHT_CHANNEL_BLOCKS && !cvp) {
    tg_uk_report_error("a convolution's weight was packed as channel blocks "
                       "for a shape that does not run with channels in "
                       "lanes (the compiler's and the microkernels' rules "
                       "differ)");
    return;
  }
  /* The channel-vector tiles read unit columns (else through the copy). */
  if (tg_conv_padded(cv) ||
      (cvp && (cv->is[4] != 1 || (tg_cv_flat(cv) && cv->is[3] != cv->ow)))) {
    tg_conv_run_padded(cv);
    return;
  }
  if (cvp) {
    tg_cv_run(cv, cvp);
    return;
  }
  if (cv->sh == 1 && cv->sw == 1 && cv->is[4] == 1 && cv->os[4] == 1 &&
      cv->oh > 1 && (cv->kh > 1 || cv->kw > 1)) {
    tg_conv_wide(cv);
    return;
  }
  /* GEMM per (image, group): A = weight [F, C*KH*KW], B = im2col of the
   * input [C*KH*KW, OH*OW], C = output [F, OH*OW] (OH and OW must fold). */
  if (cv->os[3] != cv->ow * cv->os[4]) {
    /* Output rows not consecutive: one GEMM per output row. */
    for (int64_t oy = 0; oy < cv->oh; ++oy) {
      tg_conv row = *cv;
      row.oh = 1;
      row.in += oy * cv->sh * cv->is[3];
      row.out += oy * cv->os[3];
      row.os[3] = row.ow * row.os[4];
      row.ih -= oy * cv->sh;
      row.epi_y0 = cv->epi_y0 + oy;
      tg_conv_run(&row);
    }
    return;
  }
  int64_t k = cv->c * cv->kh * cv->kw, npix = cv->oh * cv->ow;
  int64_t *akoff, *bkoff;
  tg_conv_k_offsets(cv, &akoff, &bkoff);
  int64_t *bnoff = (int64_t *)tg_scratch_alloc(sizeof(int64_t) * npix);
  int64_t q = 0;
  for (int64_t oy = 0; oy < cv->oh; ++oy)
    for (int64_t ox = 0; ox < cv->ow; ++ox, ++q)
      bnoff[q] = oy * cv->sh * cv->is[3] + ox * cv->sw * cv->is[4];
  tg_gemm_batch gb = {
      {cv->w, cv->ws[1], akoff, cv->in, bkoff, bnoff, cv->out, cv->os[2],
       cv->os[4], cv->f, npix, k, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      cv->n,
      cv->g,
      0,
      cv->ws[0],
      cv->is[0],
      cv->is[1],
      cv->os[0],
      cv->os[1],
      cv->w_const,
      0};
  gb.g.c_zero = cv->c_zero;
  gb.g.epi = cv->epi;
  gb.g.epi_y0 = cv->epi_y0;
  gb.g.epi_ow = cv->ow;
  tg_gemm_batch_run(&gb);
  tg_scratch_free(akoff);
  tg_scratch_free(bkoff);
  tg_scratch_free(bnoff);
}

/* A convolution's profile: N, G, C, H, W (as given, padding not
 * included), F, OH, OW, KH, KW, SH, SW (per group: C and F). */
static void tg_prof_conv(int64_t t0, const tg_conv *cv) {
  if (!tg_prof_record)
    return;
  int64_t sizes[12] = {cv->n,  cv->g,  cv->c,  cv->ih, cv->iw, cv->f,
                       cv->oh, cv->ow, cv->kh, cv->kw, cv->sh, cv->sw};
  tg_prof_stop(t0,
               cv->c == 1 && cv->f == 1 && cv->g > 1 ? "depthwise_conv"
               : cv->g > 1                          ? "grouped_conv"
                                                    : "conv",
               sizes, 12);
}

/* linalg.conv_2d_nchw_fchw on an input padded with pt rows above and pl
 * columns left (and below and right as the output needs; 0, 0 for an
 * already padded input); w_const: TG_WEIGHT_* (Layout.h): W is an
 * activation, a model weight, or a model weight packed by
 * tg-cpu-pack-weights (W's sizes are then the weight's, its data the packed
 * panels); c_zero: O holds zeros on entry (UseMicrokernels.cpp). */
void tg_uk_conv2d_nchw_fchw_f32(TG_MEMREF4(I), TG_MEMREF4(W), TG_MEMREF4(O),
                                int64_t sh, int64_t sw, int64_t dh,
                                int64_t dw, int64_t pt, int64_t pl,
                                int64_t w_const, int64_t c_zero,
                                TG_EPI_ARG(E)) {
  TG_EPI_DECODE(E, epi);
  tg_conv cv = {I + I_off,
                {I_s0, 0, I_s1, I_s2, I_s3},
                W + W_off,
                {0, W_s0, W_s1, W_s2, W_s3},
                O + O_off,
                {O_s0, 0, O_s1, O_s2, O_s3},
                O_d0, 1, I_d1, O_d1, W_d2, W_d3, O_d2, O_d3, sh, sw, dh, dw,
                I_d2, I_d3, pt, pl, w_const, c_zero, epi, 0};
  int64_t t0 = tg_prof_start();
  tg_conv_run(&cv);
  tg_prof_conv(t0, &cv);
}

/* linalg.conv_2d_ngchw_gfchw (grouped, depthwise), padded the same way. */
void tg_uk_conv2d_ngchw_gfchw_f32(TG_MEMREF5(I), TG_MEMREF5(W),
                                  TG_MEMREF5(O), int64_t sh, int64_t sw,
                                  int64_t dh, int64_t dw, int64_t pt,
                                  int64_t pl, int64_t w_const,
                                  int64_t c_zero, TG_EPI_ARG(E)) {
  TG_EPI_DECODE(E, epi);
  tg_conv cv = {I + I_off,
                {I_s0, I_s1, I_s2, I_s3, I_s4},
                W + W_off,
                {W_s0, W_s1, W_s2, W_s3, W_s4},
                O + O_off,
                {O_s0, O_s1, O_s2, O_s3, O_s4},
                O_d0, O_d1, I_d2, O_d2, W_d3, W_d4, O_d3, O_d4, sh, sw, dh, dw,
                I_d3, I_d4, pt, pl, w_const, c_zero, epi, 0};
  int64_t t0 = tg_prof_start();
  tg_conv_run(&cv);
  tg_prof_conv(t0, &cv);
}

/* 2-D pooling as PoolingLowering.cpp writes it (a window reduction over a
 * padded input, or over the unpadded one and the padding: tg_pool.pt):
 * O[n][c][y][x] = O[n][c][y][x] (op) I[n][c][y * SH +
 * ky * DH][x * SW + kx * DW] over the window, op the IEEE maximum (NaN
 * propagates, +0 > -0, as arith.maximumf) or addition. `init`: O holds the
 * op's identity on entry, so it is written, not read. Per output row, the
 * KH input rows are first reduced into one row (contiguous and vectorized),
 * then each window's KW taps of it: the generated loops, one window at a
 * time, ran at a fifth of the speed (SqueezeNet's pools). */
typedef struct {
  const float *in;
  int64_t is[4];
  float *out;
  int64_t os[4];
  int64_t n, c, oh, ow, kh, kw, sh, sw, dh, dw, sum, init;
  /* The input as given is [.., ih, iw]; the pool reads it padded with the
   * op's identity (-inf, or +0.0 for a sum): pt rows above, pl columns
   * left, and below and right as far as the windows reach. */
  int64_t ih, iw, pt, pl;
} tg_pool;

static inline float tg_pool_op(float a, float b, int sum) {
  return sum ? a + b : __builtin_elementwise_maximum(a, b);
}

TG_MIN_VW static inline vf tg_pool_vop(vf a, vf b, int sum) {
  return sum ? a + b : __builtin_elementwise_maximum(a, b);
}

/* Pooling a plane in two passes over strips of output rows, each result
 * combined in registers and stored once (reductions that wrote a row and
 * read it back for each tap waited on store forwarding, which fails for
 * masked and misaligned stores, and split short rows into steps of VL,
 * VL / 2, VL / 4 and a scalar remainder: SqueezeNet's 3x3 pools ran 5-15x
 * slower than onnxruntime's). VL outputs at a time; a row's tail is
 * masked, so nothing past an input or output row is touched. */

/* Output rows per strip: the strip's reduced rows (about 8 KB) stay in L1
 * between the passes. */
static int64_t tg_pool_strip(const tg_pool *p, int64_t span) {
  return tg_min(p->oh, 2048 / span + 1);
}

/* Pass 1, output rows [y0, y1): v[y - y0][x] = op over ky of input row
 * y * SH + ky * DH - PT at column x - PL, for the span padded columns the
 * windows read; the identity outside the input. */
TG_MIN_VW static void tg_pool_rows_v(const tg_pool *p, const float *src,
                                     int64_t y0, int64_t y1, float *v,
                                     int64_t span) {
  int sum = (int)p->sum;
  vf identity = tg_splat(sum ? 0.0f : -__builtin_inff());
  /* Padded columns [x0, x1) come from the input. */
  int64_t x0 = tg_min(span, p->pl), x1 = tg_min(span, p->pl + p->iw);
  int64_t kh = x1 > x0 ? p->kh : 0; /* no input column: all identity */
  for (int64_t y = y0; y < y1; ++y) {
    float *vr = v + (y - y0) * span;
    for (int64_t x = 0; x < span; x += TG_VL) {
      vf acc = identity;
      int first = 1;
      tg_vmask in = tg_lanes(x0 - x, x1 - x);
      for (int64_t ky = 0; ky < kh; ++ky) {
        int64_t iy = y * p->sh + ky * p->dh - p->pt;
        if (iy < 0 || iy >= p->ih)
          continue;
        const float *r = src + iy * p->is[2];
        vf t = identity;
        if (p->is[3] == 1)
          t = (vf)__builtin_masked_load(in, r + x - p->pl, (tg_vext)identity);
        else
          for (int64_t l = 0; l < TG_VL; ++l)
            if (x + l >= x0 && x + l < x1)
              t[l] = r[(x + l - p->pl) * p->is[3]];
        acc = first ? t : tg_pool_vop(acc, t, sum);
        first = 0;
      }
      tg_store_upto(vr + x, acc, span - x);
    }
  }
}

/* Pass 2, output rows [y0, y1): out[y][x] = op over kx of
 * v[y - y0][x * SW + kx * DW], stride 2 as the even lanes of two loads
 * (the vectorizer left it scalar). Reads whole vectors of v: it has
 * span + 2 VL floats of slack. */
TG_MIN_VW static void tg_pool_rows_h(const tg_pool *p, const float *v,
                                     int64_t span, int64_t y0, int64_t y1,
                                     float *dst) {
  int sum = (int)p->sum;
  for (int64_t y = y0; y < y1; ++y) {
    const float *vr = v + (y - y0) * span;
    float *o = dst + y * p->os[2];
    for (int64_t x = 0; x < p->ow; x += TG_VL) {
      vf acc = (vf){0};
      for (int64_t kx = 0; kx < p->kw; ++kx) {
        const float *w = vr + x * p->sw + kx * p->dw;
        vf t = (vf){0};
        if (p->sw == 1)
          t = *(const vf *)w;
        else if (p->sw == 2)
          t = TG_EVEN(*(const vf *)w, *(const vf *)(w + TG_VL));
        else
          for (int64_t l = 0; l < TG_VL && x + l < p->ow; ++l)
            t[l] = w[l * p->sw];
        acc = kx ? tg_pool_vop(acc, t, sum) : t;
      }
      int64_t m = p->ow - x;
      if (p->os[3] != 1) {
        for (int64_t l = 0; l < m && l < TG_VL; ++l) {
          float *d = o + (x + l) * p->os[3];
          *d = p->init ? acc[l] : tg_pool_op(*d, acc[l], sum);
        }
        continue;
      }
      if (!p->init)
        acc = tg_pool_vop(tg_load_upto(o + x, m), acc, sum);
      tg_store_upto(o + x, acc, m);
    }
  }
}

/* A 2x2 max pool of stride 2 on an unpadded plane with unit-stride rows
 * (LeNet's and VGG's): each output row from two input rows directly. The
 * general path's per-row reductions cost about 0.5 us per 28x28 plane. */
TG_MIN_VW static void tg_pool_2x2(const tg_pool *p, const float *src,
                                  float *dst) {
  int init = (int)p->init;
  int64_t ow = p->ow;
  for (int64_t y = 0; y < p->oh; ++y) {
    const float *r0 = src + 2 * y * p->is[2], *r1 = r0 + p->is[2];
    float *o = dst + y * p->os[2];
    for (int64_t x = 0; x < ow; x += TG_VL) {
      /* Two loads of each input row (2m floats of them), their vertical
       * maximum, then the maximum of its even and odd lanes. */
      int64_t m = ow - x;
      vf a = __builtin_elementwise_maximum(tg_load_upto(r0 + 2 * x, 2 * m),
                                           tg_load_upto(r1 + 2 * x, 2 * m));
      vf b = (vf){0};
      if (m > TG_VL / 2)
        b = __builtin_elementwise_maximum(
            tg_load_upto(r0 + 2 * x + TG_VL, 2 * m - TG_VL),
            tg_load_upto(r1 + 2 * x + TG_VL, 2 * m - TG_VL));
      vf v = __builtin_elementwise_maximum(TG_EVEN(a, b), TG_ODD(a, b));
      if (!init)
        v = __builtin_elementwise_maximum(tg_load_upto(o + x, m), v);
      tg_store_upto(o + x, v, m);
    }
  }
}

/* VL consecutive columns of an input row from column `col` on (it may
 * start left of the row or run past its end: the padding, the op's
 * identity there). */
TG_MIN_VW static inline vf tg_pool_load(const float *row, int64_t col,
                                        int64_t iw, vf identity) {
  if (col >= 0 && col + TG_VL <= iw)
    return *(const vf *)(row + col);
  return (vf)__builtin_masked_load(tg_lanes(-col, iw - col), row + col,
                                   (tg_vext)identity);
}

/* One input row's part of a 3x3 stride-2 pool: lane l of the result
 * combines the row's columns c0 + 2l, c0 + 2l + 1 and c0 + 2l + 2, for the
 * n = 2m + 1 columns of m outputs: the even and odd lanes of the row's
 * first two vectors and the even lanes shifted by one, the last from a
 * third vector. `padded`: the row may lie above or below the input (the
 * identity then) and columns before or past it read as the identity;
 * else only the n columns are loaded. */
TG_MIN_VW static inline __attribute__((always_inline)) vf
tg_pool_row3(const tg_pool *p, const float *src, int64_t iy, int64_t c0,
             int64_t n, vf identity, const int padded) {
  int sum = (int)p->sum;
  if (padded && (iy < 0 || iy >= p->ih))
    return identity;
  const float *r = src + iy * p->is[2];
  vf a, b, c;
  if (padded) {
    a = tg_pool_load(r, c0, p->iw, identity);
    b = tg_pool_load(r, c0 + TG_VL, p->iw, identity);
    c = tg_pool_load(r, c0 + 2 * TG_VL, p->iw, identity);
  } else {
    a = tg_load_upto(r + c0, n);
    b = n > TG_VL ? tg_load_upto(r + c0 + TG_VL, n - TG_VL) : identity;
    c = n > 2 * TG_VL ? tg_load_upto(r + c0 + 2 * TG_VL, n - 2 * TG_VL)
                      : identity;
  }
  vf even = TG_EVEN(a, b);
  return tg_pool_vop(tg_pool_vop(even, TG_ODD(a, b), sum),
                     TG_NEXT(even, c), sum);
}

/* Strips of VL output columns whose combined bottom row tg_pool_3x3s2
 * keeps for the next output row (rows up to 1024 outputs wide; wider ones
 * combine that row again). */
#define TG_POOL_KEPT_STRIPS (1024 / TG_VL)

/* A 3x3 pool of stride 2 with unit-stride rows (SqueezeNet's, ResNet's
 * padded one), row by row in strips of VL outputs: each input row is
 * combined across its windows' columns once (tg_pool_row3), and output row
 * y combines rows 2y, 2y + 1 and 2y + 2 of those, the last kept for row
 * y + 1. That is 6 maximum operations per VL outputs; combining each
 * window's rows first took 11, each an exact maximum (NaN and signed
 * zeros: several instructions), and ran 3.4x slower than onnxruntime's
 * pool (which does not propagate NaN). `padded`: windows reach past the
 * input (tg_pool_row3); else only the columns the windows read are
 * loaded, unmasked but for a row's last vectors. */
TG_MIN_VW static inline __attribute__((always_inline)) void
tg_pool_3x3s2(const tg_pool *p, const float *src, float *dst,
              const int padded) {
  int init = (int)p->init, sum = (int)p->sum;
  vf identity = tg_splat(sum ? 0.0f : -__builtin_inff());
  vf kept[TG_POOL_KEPT_STRIPS];
  for (int64_t y = 0; y < p->oh; ++y) {
    int64_t iy = 2 * y - p->pt;
    float *o = dst + y * p->os[2];
    for (int64_t x = 0, s = 0; x < p->ow; x += TG_VL, ++s) {
      int64_t m = tg_min(TG_VL, p->ow - x), c0 = 2 * x - p->pl;
      int64_t n = 2 * m + 1;
      int keep = s < TG_POOL_KEPT_STRIPS;
      vf above = y && keep ? kept[s]
                           : tg_pool_row3(p, src, iy, c0, n, identity, padded);
      vf below = tg_pool_row3(p, src, iy + 2, c0, n, identity, padded);
      vf acc = tg_pool_vop(
          tg_pool_vop(above,
                      tg_pool_row3(p, src, iy + 1, c0, n, identity, padded),
                      sum),
          below, sum);
      if (keep)
        kept[s] = below;
      if (!init)
        acc = tg_pool_vop(tg_load_upto(o + x, m), acc, sum);
      tg_store_upto(o + x, acc, m);
    }
  }
}

TG_MIN_VW static void tg_pool_body(void *ctx, int64_t begin, int64_t end) {
  const tg_pool *p = (const tg_pool *)ctx;
  int padded = p->pt > 0 || p->pl > 0 ||
               p->ih < (p->oh - 1) * p->sh + (p->kh - 1) * p->dh + 1 ||
               p->iw < (p->ow - 1) * p->sw + (p->kw - 1) * p->dw + 1;
  /* The padded input columns the windows read. */
  int64_t span = (p->ow - 1) * p->sw + (p->kw - 1) * p->dw + 1;
  int two_by_two = !p->sum && !padded && p->kh == 2 && p->kw == 2 &&
                   p->sh == 2 && p->sw == 2 && p->dh == 1 && p->dw == 1 &&
                   p->is[3] == 1 && p->os[3] == 1;
  int three_s2 = p->kh == 3 && p->kw == 3 && p->sh == 2 &&
                 p->sw == 2 && p->dh == 1 && p->dw == 1 && p->is[3] == 1 &&
                 p->os[3] == 1;
  int64_t strip = tg_pool_strip(p, span);
  float *v = two_by_two || three_s2 ? 0
                        : (float *)tg_scratch_alloc(
                              sizeof(float) *
                              (size_t)(strip * span + span + 2 * TG_VL));
  for (int64_t plane = begin; plane < end; ++plane) {
    int64_t n = plane / p->c, c = plane % p->c;
    const float *src = p->in + n * p->is[0] + c * p->is[1];
    float *dst = p->out + n * p->os[0] + c * p->os[1];
    if (two_by_two) {
      tg_pool_2x2(p, src, dst);
      continue;
    }
    if (three_s2) {
      if (padded)
        tg_pool_3x3s2(p, src, dst, 1);
      else
        tg_pool_3x3s2(p, src, dst, 0);
      continue;
    }
    for (int64_t y0 = 0; y0 < p->oh; y0 += strip) {
      int64_t y1 = tg_min(p->oh, y0 + strip);
      tg_pool_rows_v(p, src, y0, y1, v, span);
      tg_pool_rows_h(p, v, span, y0, y1, dst);
    }
  }
  tg_scratch_free(v);
}

/* The window reduction of a 2-D max (sum = 0) or average (sum = 1: the
 * division is a separate op) pooling on an input padded with pt rows above
 * and pl columns left (and below and right as the windows need; 0, 0 for
 * an already padded input: tg-cpu-fold-padding). */
void tg_uk_pool2d_nchw_f32(TG_MEMREF4(I), TG_MEMREF4(O), int64_t kh,
                           int64_t kw, int64_t sh, int64_t sw, int64_t dh,
                           int64_t dw, int64_t pt, int64_t pl, int64_t sum,
                           int64_t init) {
  tg_pool p = {I + I_off, {I_s0, I_s1, I_s2, I_s3}, O + O_off,
               {O_s0, O_s1, O_s2, O_s3}, O_d0, O_d1, O_d2, O_d3, kh, kw, sh,
               sw, dh, dw, sum, init, I_d2, I_d3, pt, pl};
  if (p.n <= 0 || p.c <= 0 || p.oh <= 0 || p.ow <= 0)
    return;
  if (kh <= 0 || kw <= 0) { /* an empty window leaves O as it is */
    if (init)
      for (int64_t n = 0; n < p.n; ++n)
        for (int64_t c = 0; c < p.c; ++c)
          for (int64_t y = 0; y < p.oh; ++y)
            for (int64_t x = 0; x < p.ow; ++x)
              p.out[n * p.os[0] + c * p.os[1] + y * p.os[2] + x * p.os[3]] =
                  sum ? 0.0f : -__builtin_inff();
    return;
  }
  int64_t t0 = tg_prof_start();
  tg_run_sized(&p, p.n * p.c, tg_pool_body,
               TG_LIGHT_WORK_WEIGHT * p.n * p.c * p.oh * p.ow * p.kh * p.kw);
  int64_t sizes[10] = {p.n, p.c, p.ih, p.iw, p.oh, p.ow, kh, kw, sh, sw};
  tg_prof_stop(t0, sum ? "sum_pool" : "max_pool", sizes, 10);
}
