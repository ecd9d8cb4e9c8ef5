/*===- SampleCodeObject.c - A CPU code object built with the tests -------===*\
|* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception                    *|
|*===----------------------------------------------------------------------===*|
|*                                                                            *|
|* A shared object with the code object ABI of docs/BundleFormat.md, built   *|
|* by CMake (never at test time) so the dlopen path and tangram-run are       *|
|* tested without the compiler: y = x + w for x: f32 [?,4], w: f32 [4], rows  *|
|* split with the runtime's parallel-for when the runtime hands it over.      *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/
#include <stdint.h>
#include <stdlib.h>

typedef void (*ChunkFn)(void *ctx, int64_t begin, int64_t end);
typedef void (*ParallelForFn)(void *ctx, int64_t n, ChunkFn fn);

static ParallelForFn parallelFor;

__attribute__((visibility("default"))) void
tangram_set_parallel_for(ParallelForFn fn) {
  parallelFor = fn;
}

typedef struct {
  const float *x, *w;
  float *y;
  int64_t cols, xRowStride, xColStride, wStride;
} Rows;

static void addRows(void *ctx, int64_t begin, int64_t end) {
  const Rows *r = (const Rows *)ctx;
  for (int64_t i = begin; i < end; ++i)
    for (int64_t j = 0; j < r->cols; ++j)
      r->y[i * r->cols + j] =
          r->x[i * r->xRowStride + j * r->xColStride] + r->w[j * r->wStride];
}

/* The result is allocated by the runtime: results[0] points to its
 * descriptor, sized by the shape function below. */
__attribute__((visibility("default"))) void
tangram_test_add_weight(void **args, void **results) {
  const int64_t *x = (const int64_t *)args[0];
  const int64_t *w = (const int64_t *)args[1];
  const int64_t *out = (const int64_t *)results[0];
  int64_t rows = x[3], cols = x[4];
  float *y = (float *)(intptr_t)out[1] + out[2];
  Rows r = {(const float *)(intptr_t)x[1] + x[2],
            (const float *)(intptr_t)w[1] + w[2],
            y,
            cols,
            x[5],
            x[6],
            w[4]};
  if (parallelFor)
    parallelFor(&r, rows, addRows);
  else
    addRows(&r, 0, rows);
}

/* The result dims, [rows, cols], as a malloc'ed rank-1 i64 memref. */
__attribute__((visibility("default"))) void
tangram_test_add_weight_shapes(void **args, int64_t *results) {
  const int64_t *x = (const int64_t *)args[0];
  int64_t *dims = (int64_t *)malloc(2 * sizeof(int64_t));
  dims[0] = x[3];
  dims[1] = x[4];
  results[0] = (int64_t)(intptr_t)dims;
  results[1] = (int64_t)(intptr_t)dims;
  results[2] = 0;
  results[3] = 2;
  results[4] = 1;
}
