//===- CAPI.cpp - C API of the Tangram runtime ----------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/Session.h"
#include "tangram/Runtime/tangram_runtime.h"

#include <cstdlib>
#include <cstring>

using namespace tangram;

static_assert(static_cast<int>(DType::I1) == TG_I1 &&
                  static_cast<int>(DType::F32) == TG_F32 &&
                  static_cast<int>(DType::U64) == TG_U64,
              "tgDType must follow tangram::DType");

struct tgSession {
  std::unique_ptr<Session> session;
};

static thread_local std::string lastError;

static tgStatus fail(tgStatus status, std::string message) {
  lastError = std::move(message);
  return status;
}

extern "C" {

const char *tgGetError(void) { return lastError.c_str(); }

tgStatus tgOpenBundle(const char *path, const tgOptions *options,
                      tgSession **session) {
  if (!path || !session)
    return fail(TG_INVALID_ARGUMENT, "tgOpenBundle: null argument");
  *session = nullptr;
  SessionOptions opts;
  if (options) {
    if (options->threads < 0)
      return fail(TG_INVALID_ARGUMENT, "tgOpenBundle: negative thread count");
    opts.threads = static_cast<unsigned>(options->threads);
    if (options->device)
      opts.device = options->device;
  }
  std::string error;
  std::shared_ptr<const Bundle> bundle =
      Bundle::open(path, error, !options || !options->no_verify);
  if (!bundle)
    return fail(TG_BUNDLE_ERROR, error);
  std::unique_ptr<Session> s = Session::create(bundle, opts, error);
  if (!s)
    return fail(TG_RUNTIME_ERROR, error);
  *session = new tgSession{std::move(s)};
  lastError.clear();
  return TG_OK;
}

void tgCloseBundle(tgSession *session) { delete session; }

int32_t tgNumInputs(const tgSession *session) {
  return session ? session->session->manifest().inputs.size() : 0;
}

int32_t tgNumOutputs(const tgSession *session) {
  return session ? session->session->manifest().outputs.size() : 0;
}

static tgStatus describe(const std::vector<TensorDesc> &tensors,
                         const char *what, int32_t index, const char **name,
                         tgDType *dtype, int32_t *rank, const int64_t **shape) {
  if (index < 0 || static_cast<size_t>(index) >= tensors.size())
    return fail(TG_INVALID_ARGUMENT, std::string(what) + " index " +
                                         std::to_string(index) +
                                         " out of range");
  const TensorDesc &t = tensors[index];
  if (name)
    *name = t.name.c_str();
  if (dtype)
    *dtype = static_cast<tgDType>(t.dtype);
  if (rank)
    *rank = t.shape.size();
  if (shape)
    *shape = t.shape.data();
  return TG_OK;
}

tgStatus tgGetInputInfo(const tgSession *session, int32_t index,
                        const char **name, tgDType *dtype, int32_t *rank,
                        const int64_t **shape) {
  if (!session)
    return fail(TG_INVALID_ARGUMENT, "tgGetInputInfo: null session");
  return describe(session->session->manifest().inputs, "input", index, name,
                  dtype, rank, shape);
}

tgStatus tgGetOutputInfo(const tgSession *session, int32_t index,
                         const char **name, tgDType *dtype, int32_t *rank,
                         const int64_t **shape) {
  if (!session)
    return fail(TG_INVALID_ARGUMENT, "tgGetOutputInfo: null session");
  return describe(session->session->manifest().outputs, "output", index, name,
                  dtype, rank, shape);
}

tgStatus tgRun(tgSession *session, const tgTensor *inputs, int32_t numInputs,
               tgTensor **outputs, int32_t *numOutputs) {
  if (!session || !outputs || !numOutputs || numInputs < 0 ||
      (numInputs && !inputs))
    return fail(TG_INVALID_ARGUMENT, "tgRun: null or negative argument");
  *outputs = nullptr;
  *numOutputs = 0;
  const Manifest &m = session->session->manifest();
  std::vector<Buffer> in;
  for (int32_t i = 0; i < numInputs; ++i) {
    const tgTensor &t = inputs[i];
    std::string name = static_cast<size_t>(i) < m.inputs.size()
                           ? "input '" + m.inputs[i].name + "'"
                           : "input " + std::to_string(i);
    if (static_cast<unsigned>(t.dtype) > TG_I1 || t.rank < 0 ||
        (t.rank && !t.shape))
      return fail(TG_INVALID_ARGUMENT, name + ": invalid dtype or shape");
    Shape shape(t.shape, t.shape + t.rank);
    uint64_t bytes;
    DType dtype = static_cast<DType>(t.dtype);
    if (!shapeByteSize(shape, dtype, bytes) || bytes != t.byteSize)
      return fail(TG_INVALID_ARGUMENT,
                  name + ": " + std::to_string(t.byteSize) +
                      " bytes given for shape " + formatShape(shape) + " (" +
                      dtypeName(dtype) + ")");
    if (!t.data && bytes)
      return fail(TG_INVALID_ARGUMENT, name + ": null data");
    static const int64_t empty = 0;
    in.push_back(Buffer::wrap(dtype, shape, t.data ? t.data : &empty));
  }
  std::vector<Buffer> out;
  std::string error;
  if (!session->session->run(in, out, error))
    return fail(TG_RUNTIME_ERROR, error);

  auto *tensors =
      static_cast<tgTensor *>(std::calloc(out.size() + 1, sizeof(tgTensor)));
  if (!tensors)
    return fail(TG_RUNTIME_ERROR, "tgRun: out of memory");
  for (size_t j = 0; j < out.size(); ++j) {
    const Buffer &b = out[j];
    auto *shape =
        static_cast<int64_t *>(std::malloc(sizeof(int64_t) * (b.rank() + 1)));
    void *data = std::malloc(b.byteSize() + 1);
    if (!shape || !data) {
      std::free(shape);
      std::free(data);
      tgFreeTensors(tensors, j);
      return fail(TG_RUNTIME_ERROR, "tgRun: out of memory");
    }
    std::copy(b.shape().begin(), b.shape().end(), shape);
    std::memcpy(data, b.data(), b.byteSize());
    tensors[j] = {static_cast<tgDType>(b.dtype()),
                  static_cast<int32_t>(b.rank()), shape, data, b.byteSize()};
  }
  *outputs = tensors;
  *numOutputs = out.size();
  lastError.clear();
  return TG_OK;
}

void tgFreeTensors(tgTensor *tensors, int32_t count) {
  if (!tensors)
    return;
  for (int32_t j = 0; j < count; ++j) {
    std::free(const_cast<int64_t *>(tensors[j].shape));
    std::free(tensors[j].data);
  }
  std::free(tensors);
}

} // extern "C"
