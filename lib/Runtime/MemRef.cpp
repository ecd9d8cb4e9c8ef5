//===- MemRef.cpp - The CPU code object calling convention ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/MemRef.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <set>

using namespace tangram;

Executable::~Executable() = default;

void tangram::buildMemRefDescriptor(const Buffer &buffer, int64_t *words) {
  unsigned rank = buffer.rank();
  auto ptr = reinterpret_cast<int64_t>(buffer.data());
  words[0] = ptr;
  words[1] = ptr;
  words[2] = 0;
  int64_t stride = 1;
  for (unsigned i = rank; i-- > 0;) {
    words[3 + i] = buffer.shape()[i];
    words[3 + rank + i] = stride;
    stride *= buffer.shape()[i];
  }
}

namespace {
/// Copies a strided block, one dim at a time; the innermost contiguous dims
/// are one memcpy.
void copyStrided(const uint8_t *src, uint8_t *&dst, const int64_t *sizes,
                 const int64_t *strides, unsigned rank, size_t elemSize) {
  if (rank == 0) {
    std::memcpy(dst, src, elemSize);
    dst += elemSize;
    return;
  }
  if (rank == 1 && strides[0] == 1) {
    std::memcpy(dst, src, sizes[0] * elemSize);
    dst += sizes[0] * elemSize;
    return;
  }
  for (int64_t i = 0; i < sizes[0]; ++i)
    copyStrided(src + i * strides[0] * static_cast<int64_t>(elemSize), dst,
                sizes + 1, strides + 1, rank - 1, elemSize);
}
} // namespace

bool tangram::copyOutMemRef(const int64_t *words, const ResultSpec &spec,
                            Buffer &out, std::string &error) {
  unsigned rank = spec.rank;
  const int64_t *sizes = words + 3;
  const int64_t *strides = words + 3 + rank;
  Shape shape(sizes, sizes + rank);
  for (unsigned i = 0; i < rank; ++i) {
    if (sizes[i] < 0) {
      error = "result has a negative size " + std::to_string(sizes[i]) +
              " in dim " + std::to_string(i);
      return false;
    }
  }
  out = Buffer::allocate(spec.dtype, shape);
  if (!out) {
    error = "cannot allocate a result of shape " + formatShape(shape) + " " +
            dtypeName(spec.dtype);
    return false;
  }
  if (out.numElements() == 0)
    return true;
  const auto *aligned = reinterpret_cast<const uint8_t *>(words[1]);
  if (!aligned) {
    error =
        "result of shape " + formatShape(shape) + " has a null data pointer";
    return false;
  }
  size_t elemSize = dtypeSize(spec.dtype);
  // Merge trailing contiguous dims so the common case is one memcpy.
  int64_t contiguous = 1;
  unsigned inner = rank;
  while (inner > 0 &&
         (strides[inner - 1] == contiguous || sizes[inner - 1] == 1)) {
    contiguous *= sizes[inner - 1];
    --inner;
  }
  std::vector<int64_t> mergedSizes(sizes, sizes + inner);
  std::vector<int64_t> mergedStrides(strides, strides + inner);
  mergedSizes.push_back(contiguous);
  mergedStrides.push_back(1);
  auto *dst = static_cast<uint8_t *>(out.mutableData());
  copyStrided(aligned + words[2] * static_cast<int64_t>(elemSize), dst,
              mergedSizes.data(), mergedStrides.data(), inner + 1, elemSize);
  return true;
}

/// The allocated pointer MLIR gives memrefs of globals (never freed).
static constexpr int64_t kMlirGlobalSentinel = 0xdeadbeef;

bool tangram::callEntry(EntryFn entry, const std::vector<const Buffer *> &args,
                        const std::vector<ResultSpec> &results,
                        std::vector<Buffer> &outputs, std::string &error) {
  std::vector<std::vector<int64_t>> argWords(args.size());
  std::vector<void *> argPtrs(args.size());
  for (size_t k = 0; k < args.size(); ++k) {
    argWords[k].resize(memrefDescriptorWords(args[k]->rank()));
    buildMemRefDescriptor(*args[k], argWords[k].data());
    argPtrs[k] = argWords[k].data();
  }
  size_t resultWords = 0;
  for (const ResultSpec &r : results)
    resultWords += memrefDescriptorWords(r.rank);
  std::vector<int64_t> words(resultWords + 1, 0);

  entry(argPtrs.data(), words.data());

  // Copy every result out first, then free: two results may share memory.
  outputs.assign(results.size(), Buffer());
  bool ok = true;
  std::set<int64_t> toFree;
  const int64_t *w = words.data();
  for (size_t j = 0; j < results.size(); ++j) {
    std::string message;
    if (ok && !copyOutMemRef(w, results[j], outputs[j], message)) {
      error = "result " + std::to_string(j) + ": " + message;
      ok = false;
    }
    int64_t allocated = w[0];
    bool ownedByArg = false;
    for (const Buffer *a : args) {
      auto begin = reinterpret_cast<uintptr_t>(a->data());
      auto p = static_cast<uintptr_t>(allocated);
      ownedByArg |=
          p >= begin && p < begin + std::max<size_t>(a->byteSize(), 1);
    }
    if (allocated && allocated != kMlirGlobalSentinel && !ownedByArg)
      toFree.insert(allocated);
    w += memrefDescriptorWords(results[j].rank);
  }
  for (int64_t p : toFree)
    std::free(reinterpret_cast<void *>(p));
  if (!ok)
    outputs.clear();
  return ok;
}

void tangram::callDestinationEntry(DestinationFn fn,
                                   const std::vector<const Buffer *> &args,
                                   const std::vector<Buffer> &outputs) {
  std::vector<std::vector<int64_t>> words(args.size() + outputs.size());
  std::vector<void *> argPtrs, resultPtrs;
  for (size_t k = 0; k < args.size(); ++k) {
    words[k].resize(memrefDescriptorWords(args[k]->rank()));
    buildMemRefDescriptor(*args[k], words[k].data());
    argPtrs.push_back(words[k].data());
  }
  for (size_t j = 0; j < outputs.size(); ++j) {
    std::vector<int64_t> &w = words[args.size() + j];
    w.resize(memrefDescriptorWords(outputs[j].rank()));
    buildMemRefDescriptor(outputs[j], w.data());
    resultPtrs.push_back(w.data());
  }
  fn(argPtrs.data(), resultPtrs.data());
}
