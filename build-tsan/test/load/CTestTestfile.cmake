# CMake generated Testfile for 
# Source directory: /work/main/test/load
# Build directory: /work/main/build-tsan/test/load
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
