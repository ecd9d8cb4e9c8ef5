//===- TestMain.cpp - The unit test driver --------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Runs the GoogleTest tests, or with `--write-sample-bundle PATH [MODE]`
// writes the sample bundle (SampleBundle.h) for the tangram-run lit tests.
//
//===----------------------------------------------------------------------===//
#include "SampleBundle.h"

#include <cstdio>
#include <cstring>
#include <gtest/gtest.h>

int main(int argc, char **argv) {
  if (argc >= 3 && std::strcmp(argv[1], "--write-sample-bundle") == 0) {
    std::string error;
    if (!tangram::test::writeSampleBundle(argv[2], argc >= 4 ? argv[3] : "elf",
                                          error)) {
      std::fprintf(stderr, "error: %s\n", error.c_str());
      return 1;
    }
    return 0;
  }
  tangram::test::registerSampleEntries();
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
