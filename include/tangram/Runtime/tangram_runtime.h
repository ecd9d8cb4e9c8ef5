/*===- tangram_runtime.h - C API of the Tangram runtime -----------*- C -*-===*\
|* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception                    *|
|*===----------------------------------------------------------------------===*|
|*                                                                            *|
|* For embedding: open a .tgb bundle, run it on tensors, free the results.    *|
|* Every function returns a status; on failure tgGetError() gives one line    *|
|* describing the last error of the calling thread. Nothing aborts.           *|
|*                                                                            *|
|*   tgSession *s;                                                            *|
|*   if (tgOpenBundle("m.tgb", NULL, &s) != TG_OK)                            *|
|*     fprintf(stderr, "error: %s\n", tgGetError());                          *|
|*   tgTensor in = {TG_F32, 2, shape, data, sizeof data};                     *|
|*   tgTensor *out; int32_t numOut;                                           *|
|*   if (tgRun(s, &in, 1, &out, &numOut) == TG_OK) {                          *|
|*     ... out[0].data ...                                                    *|
|*     tgFreeTensors(out, numOut);                                            *|
|*   }                                                                        *|
|*   tgCloseBundle(s);                                                        *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/
#ifndef TANGRAM_RUNTIME_TANGRAM_RUNTIME_H
#define TANGRAM_RUNTIME_TANGRAM_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tgStatus {
  TG_OK = 0,
  /** A null pointer, an index out of range, a tensor that does not fit. */
  TG_INVALID_ARGUMENT = 1,
  /** The bundle cannot be opened or is invalid. */
  TG_BUNDLE_ERROR = 2,
  /** A device, code object or run failed. */
  TG_RUNTIME_ERROR = 3,
} tgStatus;

/** Element types, in the order of tangram::DType. */
typedef enum tgDType {
  TG_F32 = 0,
  TG_F16 = 1,
  TG_BF16 = 2,
  TG_F64 = 3,
  TG_I8 = 4,
  TG_I16 = 5,
  TG_I32 = 6,
  TG_I64 = 7,
  TG_U8 = 8,
  TG_U16 = 9,
  TG_U32 = 10,
  TG_U64 = 11,
  /** bool, one byte per element */
  TG_I1 = 12,
} tgDType;

/** A dense, row-major tensor in host memory. */
typedef struct tgTensor {
  tgDType dtype;
  int32_t rank;
  const int64_t *shape;
  void *data;
  /** Bytes at data; must equal the elements times the dtype size. */
  uint64_t byteSize;
} tgTensor;

typedef struct tgOptions {
  /** CPU threads, the calling thread included; 0 = one per hardware thread */
  int32_t threads;
  /** NULL or "" for any, else e.g. "cpu" */
  const char *device;
  /** Nonzero skips the checksums of the code and weights (very large trusted
      bundles); the header and manifest are always checked. */
  int32_t no_verify;
} tgOptions;

typedef struct tgSession tgSession;

/** Opens and prepares a bundle; options may be NULL. */
tgStatus tgOpenBundle(const char *path, const tgOptions *options,
                      tgSession **session);
void tgCloseBundle(tgSession *session);

int32_t tgNumInputs(const tgSession *session);
int32_t tgNumOutputs(const tgSession *session);

/** Describes input or output `index`: name, dtype, rank and shape (-1 for a
 *  dynamic dim). The pointers stay valid while the session is open. Any of
 *  the out pointers may be NULL. */
tgStatus tgGetInputInfo(const tgSession *session, int32_t index,
                        const char **name, tgDType *dtype, int32_t *rank,
                        const int64_t **shape);
tgStatus tgGetOutputInfo(const tgSession *session, int32_t index,
                         const char **name, tgDType *dtype, int32_t *rank,
                         const int64_t **shape);

/** Runs the bundle. Inputs are only read. On success *outputs points to
 *  *numOutputs tensors owned by the caller: free them with tgFreeTensors. */
tgStatus tgRun(tgSession *session, const tgTensor *inputs, int32_t numInputs,
               tgTensor **outputs, int32_t *numOutputs);

/** Frees tensors returned by tgRun (their shapes and data too). */
void tgFreeTensors(tgTensor *tensors, int32_t count);

/** The last error of this thread, or "" when there was none. */
const char *tgGetError(void);

#ifdef __cplusplus
}
#endif

#endif /* TANGRAM_RUNTIME_TANGRAM_RUNTIME_H */
