# Precompiled MLIR headers: one PCH (cmake/TangramPCH.h), built by a target
# of its own and reused by every compiler library, so that no library waits
# for another's objects. The libraries' sources compile 3-6x faster: most
# of their time was parsing MLIR's headers (README.md, docs/Reliability.md).
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
option(TANGRAM_PCH "Precompile the common MLIR headers" ON)

if(TANGRAM_PCH)
  add_library(TangramPCH OBJECT ${PROJECT_SOURCE_DIR}/cmake/TangramPCH.cpp)
  # The flags add_mlir_library gives its sources (exceptions and RTTI as
  # LLVM was built): a PCH is only valid with the flags it was made with.
  llvm_update_compile_flags(TangramPCH)
  target_precompile_headers(TangramPCH PRIVATE ${PROJECT_SOURCE_DIR}/cmake/TangramPCH.h)
  # ccache caches the sources that use a PCH only when the PCH has no
  # timestamp and it is told to trust the PCH's macros (its hash of the PCH
  # file stands for them).
  target_compile_options(TangramPCH PRIVATE "SHELL:-Xclang -fno-pch-timestamp")
  if(CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache")
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
        CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
        ${CMAKE_CXX_COMPILER_LAUNCHER})
  endif()
endif()

# Compiles the sources of add_mlir_library(NAME ...) with the shared PCH.
function(tangram_use_pch name)
  if(TANGRAM_PCH)
    target_precompile_headers(obj.${name} REUSE_FROM TangramPCH)
  endif()
endfunction()
