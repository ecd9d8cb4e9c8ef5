// The target that owns the precompiled header (cmake/TangramPCH.cmake).
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
