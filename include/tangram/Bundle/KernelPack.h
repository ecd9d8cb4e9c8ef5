//===- KernelPack.h - several SPIR-V kernels in one code object -*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The "spirv-kernels" code object format (docs/BundleFormat.md): one SPIR-V
// module per kernel, each named by its entry point, little endian:
//   u32 count; count x { u32 nameBytes; name (padded to 4); u32 words;
//                        words x u32 }
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_BUNDLE_KERNELPACK_H
#define TANGRAM_BUNDLE_KERNELPACK_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tangram {

struct PackedKernel {
  std::string name;
  std::vector<uint32_t> words;
};

std::vector<uint8_t> packKernels(const std::vector<PackedKernel> &kernels);

/// Reads a pack; a truncated or inconsistent one is an error naming the
/// offending kernel.
bool unpackKernels(const uint8_t *data, size_t size,
                   std::vector<PackedKernel> &kernels, std::string &error);

} // namespace tangram

#endif // TANGRAM_BUNDLE_KERNELPACK_H
