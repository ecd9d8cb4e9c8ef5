//===- MemRef.h - The CPU code object calling convention --------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A CPU code object's entry is `void entry(void **args, int64_t *results)`
// over MLIR memref descriptors (docs/BundleFormat.md): a rank-r descriptor
// is 3 + 2r int64 words [allocated, aligned, offset, sizes..., strides...].
// These helpers build argument descriptors and take result descriptors
// over, so any in-process function with that signature can be run the way a
// loaded code object is.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_MEMREF_H
#define TANGRAM_RUNTIME_MEMREF_H

#include "tangram/Runtime/Executable.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tangram {

/// A CPU export that allocates its results (shape functions, and the
/// in-process test entries): `results` receives their descriptors.
using EntryFn = void (*)(void **args, int64_t *results);
/// A CPU export that writes into caller-allocated results: `results[j]`
/// points to the descriptor of the j-th result buffer.
using DestinationFn = void (*)(void **args, void **results);

/// int64 words in a rank-`rank` memref descriptor.
inline size_t memrefDescriptorWords(unsigned rank) { return 3 + 2 * rank; }

/// Writes the descriptor of `buffer` (contiguous, row major) into `words`,
/// which must hold memrefDescriptorWords(buffer.rank()) words.
void buildMemRefDescriptor(const Buffer &buffer, int64_t *words);

/// Copies the data a result descriptor describes (honouring its offset and
/// strides) into a new owned buffer of `spec.dtype`. Does not free anything.
bool copyOutMemRef(const int64_t *words, const ResultSpec &spec, Buffer &out,
                   std::string &error);

/// Calls `entry` on descriptors of `args`, copies every result out and
/// frees the memory the results were allocated in (once each, and never
/// memory that belongs to an argument or an MLIR global).
bool callEntry(EntryFn entry, const std::vector<const Buffer *> &args,
               const std::vector<ResultSpec> &results,
               std::vector<Buffer> &outputs, std::string &error);

/// Calls `fn` on descriptors of `args` and of `outputs`, which the caller
/// allocated with the result shapes.
void callDestinationEntry(DestinationFn fn,
                          const std::vector<const Buffer *> &args,
                          const std::vector<Buffer> &outputs);

} // namespace tangram

#endif // TANGRAM_RUNTIME_MEMREF_H
