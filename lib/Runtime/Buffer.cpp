//===- Buffer.cpp - A tensor in host memory -------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/Buffer.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>

using namespace tangram;

Allocator::~Allocator() = default;

namespace {
class HostAllocator : public Allocator {
public:
  std::shared_ptr<void> allocate(size_t bytes, bool zeroed) override {
    size_t rounded = (std::max<size_t>(bytes, 1) + Buffer::kAlignment - 1) /
                     Buffer::kAlignment * Buffer::kAlignment;
    void *memory = std::aligned_alloc(Buffer::kAlignment, rounded);
    if (!memory)
      return nullptr;
    if (zeroed)
      std::memset(memory, 0, rounded);
    return std::shared_ptr<void>(memory, [](void *p) { std::free(p); });
  }
  bool hostVisible() const override { return true; }
  const char *name() const override { return "host"; }
};
} // namespace

Allocator &tangram::hostAllocator() {
  static HostAllocator host;
  return host;
}

Buffer Buffer::allocate(DType dtype, Shape shape, bool zeroed,
                        Allocator &allocator) {
  uint64_t bytes;
  int64_t n;
  if (!shapeByteSize(shape, dtype, bytes) || !shapeNumElements(shape, n) ||
      bytes > std::numeric_limits<size_t>::max() - kAlignment)
    return Buffer();
  // Never a null handle, even for zero elements: null means invalid.
  std::shared_ptr<void> memory = allocator.allocate(bytes, zeroed);
  if (!memory)
    return Buffer();
  Buffer b;
  b.dtype_ = dtype;
  b.shape_ = std::move(shape);
  b.numElements_ = n;
  b.data_ = memory.get();
  b.readOnly_ = false;
  b.allocator_ = &allocator;
  b.owner_ = std::move(memory);
  return b;
}

Buffer Buffer::wrap(DType dtype, Shape shape, const void *data,
                    std::shared_ptr<const void> owner, bool immutable) {
  int64_t n;
  if (!data || !shapeNumElements(shape, n))
    return Buffer();
  Buffer b;
  b.dtype_ = dtype;
  b.shape_ = std::move(shape);
  b.numElements_ = n;
  b.data_ = const_cast<void *>(data);
  b.readOnly_ = true;
  b.immutable_ = immutable;
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

bool tangram::copyToHost(const Buffer &src, Buffer &dst, const char *reader,
                         std::string &error) {
  if (!src.hostVisible()) {
    error = std::string("the ") + reader + " cannot read " +
            src.allocator()->name() + " memory (that device must copy it out)";
    return false;
  }
  dst = Buffer::allocate(src.dtype(), src.shape(), /*zeroed=*/false,
                         hostAllocator());
  if (!dst) {
    error = "cannot allocate " + std::to_string(src.byteSize()) + " bytes";
    return false;
  }
  if (src.byteSize())
    std::memcpy(dst.mutableData(), src.data(), src.byteSize());
  return true;
}
