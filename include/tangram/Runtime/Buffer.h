//===- Buffer.h - A tensor in host memory -----------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A dtype, a static shape and bytes. A Buffer either owns 64-byte aligned
// memory (allocate) or views memory someone else keeps alive (wrap), such as
// a weight inside a bundle's read-only mapping; copies share the memory.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_BUFFER_H
#define TANGRAM_RUNTIME_BUFFER_H

#include "tangram/Bundle/DType.h"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace tangram {

class Buffer {
public:
  /// Owned buffers and views are aligned to this (for vector loads).
  static constexpr size_t kAlignment = 64;

  /// An empty, invalid buffer (`!buffer`).
  Buffer() = default;

  /// Owned memory for `shape` (static), zero-filled unless `zeroed` is
  /// false (for results a launch overwrites in full). Returns an invalid
  /// buffer when a dim is negative, the size overflows, or memory runs out.
  static Buffer allocate(DType dtype, Shape shape, bool zeroed = true);

  /// A read-only view of `data`; `owner` (may be null) is kept alive with
  /// the view. `data` must hold the bytes of `shape`.
  static Buffer wrap(DType dtype, Shape shape, const void *data,
                     std::shared_ptr<const void> owner = nullptr);

  /// The same memory seen as `dtype`, which must have the same element size
  /// (e.g. u16 bits as bf16); an invalid buffer otherwise.
  Buffer reinterpret(DType dtype) const;

  explicit operator bool() const { return data_ != nullptr; }

  DType dtype() const { return dtype_; }
  const Shape &shape() const { return shape_; }
  unsigned rank() const { return shape_.size(); }
  int64_t numElements() const { return numElements_; }
  size_t byteSize() const { return numElements_ * dtypeSize(dtype_); }

  const void *data() const { return data_; }
  /// Null for read-only views.
  void *mutableData() const { return readOnly_ ? nullptr : data_; }
  bool isReadOnly() const { return readOnly_; }

private:
  DType dtype_ = DType::F32;
  Shape shape_;
  int64_t numElements_ = 0;
  void *data_ = nullptr;
  bool readOnly_ = true;
  std::shared_ptr<const void> owner_;
};

} // namespace tangram

#endif // TANGRAM_RUNTIME_BUFFER_H
