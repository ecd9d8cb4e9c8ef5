//===- KernelPack.h - several GPU kernels in one code object ---*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The GPU code object formats (docs/BundleFormat.md): one module per
// kernel, each named by its entry point, little endian:
//   u32 count; count x { u32 nameBytes; name (padded to 4); u32 words;
//                        words x u32 }
// "spirv-kernels": SPIR-V words; "ptx-kernels": PTX text, NUL terminated
// and padded with NULs; "hsaco-kernels": an AMDGPU ELF, padded with NULs.
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

/// What each kernel of a pack holds.
enum class KernelCode { SPIRV, PTX, ELF };
/// Reads a pack of `code`; a truncated or inconsistent one, or a kernel
/// that is not `code`, is an error naming the offending kernel.
bool unpackKernels(const uint8_t *data, size_t size,
                   std::vector<PackedKernel> &kernels, std::string &error,
                   KernelCode code = KernelCode::SPIRV);

} // namespace tangram

#endif // TANGRAM_BUNDLE_KERNELPACK_H
