//===- Buffer.cpp - A tensor in host memory -------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/Buffer.h"

#include <cstdlib>
#include <cstring>
#include <limits>

using namespace tangram;

Buffer Buffer::allocate(DType dtype, Shape shape, bool zeroed) {
  uint64_t bytes;
  int64_t n;
  if (!shapeByteSize(shape, dtype, bytes) || !shapeNumElements(shape, n) ||
      bytes > std::numeric_limits<size_t>::max() - kAlignment)
    return Buffer();
  // Never a null pointer, even for zero elements: null means invalid.
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0)
    rounded = kAlignment;
  void *memory = std::aligned_alloc(kAlignment, rounded);
  if (!memory)
    return Buffer();
  if (zeroed)
    std::memset(memory, 0, rounded);
  Buffer b;
  b.dtype_ = dtype;
  b.shape_ = std::move(shape);
  b.numElements_ = n;
  b.data_ = memory;
  b.readOnly_ = false;
  b.owner_ = std::shared_ptr<const void>(
      memory, [](const void *p) { std::free(const_cast<void *>(p)); });
  return b;
}

Buffer Buffer::wrap(DType dtype, Shape shape, const void *data,
                    std::shared_ptr<const void> owner) {
  int64_t n;
  if (!data || !shapeNumElements(shape, n))
    return Buffer();
  Buffer b;
  b.dtype_ = dtype;
  b.shape_ = std::move(shape);
  b.numElements_ = n;
  b.data_ = const_cast<void *>(data);
  b.readOnly_ = true;
  b.owner_ = std::move(owner);
  return b;
}

Buffer Buffer::reinterpret(DType dtype) const {
  if (!data_ || dtypeSize(dtype) != dtypeSize(dtype_))
    return Buffer();
  Buffer b = *this;
  b.dtype_ = dtype;
  return b;
}
