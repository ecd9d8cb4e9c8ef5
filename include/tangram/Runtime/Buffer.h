//===- Buffer.h - A tensor in some device's memory --------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A dtype, a static shape and a memory handle. A Buffer either owns memory
// from an Allocator (a device's: host memory for the CPU, device memory for
// a GPU, where the handle is not a host pointer), or views host memory
// someone else keeps alive (wrap), such as a weight inside a bundle's
// read-only mapping; copies share the memory.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_BUFFER_H
#define TANGRAM_RUNTIME_BUFFER_H

#include "tangram/Bundle/DType.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace tangram {

/// Hands out one device's memory. The CPU's is host memory; a GPU device's
/// allocator returns device handles the host cannot dereference.
class Allocator {
public:
  virtual ~Allocator();
  /// `bytes` (at least 1) of memory aligned to Buffer::kAlignment, zeroed
  /// when asked; null when it runs out. The deleter frees it.
  virtual std::shared_ptr<void> allocate(size_t bytes, bool zeroed) = 0;
  /// Whether the host reads and writes the memory directly.
  virtual bool hostVisible() const = 0;
  /// For messages ("host", "cuda:0").
  virtual const char *name() const = 0;
};

/// Host memory: aligned_alloc/free.
Allocator &hostAllocator();

class Buffer {
public:
  /// Owned buffers and views are aligned to this (for vector loads).
  static constexpr size_t kAlignment = 64;

  /// An empty, invalid buffer (`!buffer`).
  Buffer() = default;

  /// Owned memory for `shape` (static) from `allocator`, zero-filled unless
  /// `zeroed` is false (for results a launch overwrites in full). Returns an
  /// invalid buffer when a dim is negative, the size overflows, or memory
  /// runs out.
  static Buffer allocate(DType dtype, Shape shape, bool zeroed,
                         Allocator &allocator);
  /// Zero-filled host memory.
  static Buffer allocate(DType dtype, Shape shape) {
    return allocate(dtype, std::move(shape), true, hostAllocator());
  }

  /// A read-only view of `data`; `owner` (may be null) is kept alive with
  /// the view. `data` must hold the bytes of `shape`. `immutable`: the
  /// bytes never change while a view of them lives (a bundle's weights),
  /// so a device may keep its own copy of them between launches.
  static Buffer wrap(DType dtype, Shape shape, const void *data,
                     std::shared_ptr<const void> owner = nullptr,
                     bool immutable = false);

  /// The same memory seen as `dtype`, which must have the same element size
  /// (e.g. u16 bits as bf16); an invalid buffer otherwise.
  Buffer reinterpret(DType dtype) const;

  explicit operator bool() const { return data_ != nullptr; }

  DType dtype() const { return dtype_; }
  const Shape &shape() const { return shape_; }
  unsigned rank() const { return shape_.size(); }
  int64_t numElements() const { return numElements_; }
  size_t byteSize() const { return numElements_ * dtypeSize(dtype_); }

  /// The memory handle: a host pointer when hostVisible().
  const void *data() const { return data_; }
  /// Null for read-only views.
  void *mutableData() const { return readOnly_ ? nullptr : data_; }
  bool isReadOnly() const { return readOnly_; }
  bool isImmutable() const { return immutable_; }
  /// The allocator the memory came from; null for views of host memory.
  const Allocator *allocator() const { return allocator_; }
  bool hostVisible() const { return !allocator_ || allocator_->hostVisible(); }

private:
  DType dtype_ = DType::F32;
  Shape shape_;
  int64_t numElements_ = 0;
  void *data_ = nullptr;
  bool readOnly_ = true;
  bool immutable_ = false;
  const Allocator *allocator_ = nullptr;
  std::shared_ptr<const void> owner_;
};

/// `src` copied into a new buffer of host memory, for a device (`reader`,
/// "cpu") whose launches read host memory; fails with a message when `src`
/// is not host visible or the allocation fails.
bool copyToHost(const Buffer &src, Buffer &dst, const char *reader,
                std::string &error);

} // namespace tangram

#endif // TANGRAM_RUNTIME_BUFFER_H
