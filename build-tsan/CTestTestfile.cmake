# CMake generated Testfile for 
# Source directory: /work/main
# Build directory: /work/main/build-tsan
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("dialects")
subdirs("include")
subdirs("lib")
subdirs("tools")
subdirs("docs")
subdirs("test")
