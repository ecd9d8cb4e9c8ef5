//===- LoadTest.cpp - Many threads running one loaded bundle --------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// tangram-load-test B.tgb --data-dir DIR [--threads T] [--runs R]
//                   [--cpu-threads N]
//
// The runtime's concurrency contract (docs/Runtime.md, "Threads"): one
// loaded Bundle may back many sessions, and one Session may be run from many
// threads at once. This checks both, and that outputs are bit-identical run
// to run:
//   1. a reference run on one thread, then a second run that must equal it
//      bit for bit;
//   2. T threads running one shared session R times each;
//   3. T threads, each with its own session over the same Bundle, R times.
// Every output of every run must equal the reference bit for bit. Built
// with ThreadSanitizer (the tsan preset), a data race is a report and a
// non-zero exit; with AddressSanitizer, so is a leak. Prints one line per
// phase; on failure one `error:` line and exit 1.
//
//===----------------------------------------------------------------------===//
#include "TensorFiles.h"
#include "tangram/Runtime/Session.h"

#include <atomic>
#include <mutex>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace tangram;

namespace {

[[noreturn]] void fatal(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  std::exit(1);
}

long parseCount(const std::string &flag, const char *text) {
  char *end = nullptr;
  long v = std::strtol(text, &end, 10);
  if (!*text || *end || v < 1 || v > 1000000)
    fatal(flag + ": expected a count from 1 to 1000000, got '" + text + "'");
  return v;
}

bool sameBits(const std::vector<Buffer> &a, const std::vector<Buffer> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].dtype() != b[i].dtype() || a[i].shape() != b[i].shape() ||
        std::memcmp(a[i].data(), b[i].data(), a[i].byteSize()) != 0)
      return false;
  return true;
}

/// Runs `runs` times on each of `threads` threads; `sessionFor(t)` gives the
/// session thread t uses. Returns the runs whose outputs differ from
/// `reference` (or failed).
template <typename SessionFor>
long hammer(unsigned threads, long runs, const std::vector<Buffer> &inputs,
            const std::vector<Buffer> &reference, SessionFor sessionFor,
            std::string &firstError) {
  std::atomic<long> bad{0};
  std::mutex errorMutex;
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      Session &session = sessionFor(t);
      for (long r = 0; r < runs; ++r) {
        std::vector<Buffer> outputs;
        std::string error;
        bool ok = session.run(inputs, outputs, error);
        if (ok && sameBits(outputs, reference))
          continue;
        bad.fetch_add(1);
        std::lock_guard<std::mutex> lock(errorMutex);
        if (firstError.empty())
          firstError = ok ? "thread " + std::to_string(t) + ", run " +
                                std::to_string(r) +
                                ": outputs differ from the reference"
                          : error;
      }
    });
  for (std::thread &t : pool)
    t.join();
  return bad.load();
}

} // namespace

int main(int argc, char **argv) {
  std::string bundlePath, dataDir;
  unsigned threads = 8, cpuThreads = 1;
  long runs = 500;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char * {
      if (i + 1 >= argc)
        fatal(arg + ": missing value");
      return argv[++i];
    };
    if (arg == "--data-dir")
      dataDir = value();
    else if (arg == "--threads")
      threads = static_cast<unsigned>(parseCount(arg, value()));
    else if (arg == "--runs")
      runs = parseCount(arg, value());
    else if (arg == "--cpu-threads")
      cpuThreads = static_cast<unsigned>(parseCount(arg, value()));
    else if (arg.rfind("--", 0) == 0)
      fatal("unknown option '" + arg + "'");
    else
      bundlePath = arg;
  }
  if (bundlePath.empty() || dataDir.empty())
    fatal("usage: tangram-load-test B.tgb --data-dir DIR [--threads T] "
          "[--runs R] [--cpu-threads N]");

  std::string error;
  std::shared_ptr<const Bundle> bundle = Bundle::open(bundlePath, error);
  if (!bundle)
    fatal(error);
  std::vector<Buffer> inputs;
  for (size_t i = 0; i < bundle->manifest().inputs.size(); ++i) {
    Buffer b;
    std::string name;
    if (!readTensorProto(dataDir + "/input_" + std::to_string(i) + ".pb", b,
                         name, error))
      fatal(error);
    inputs.push_back(std::move(b));
  }
  SessionOptions options;
  options.threads = cpuThreads;
  std::unique_ptr<Session> shared = Session::create(bundle, options, error);
  if (!shared)
    fatal(error);

  // 1. Run to run on one thread.
  std::vector<Buffer> reference, again;
  if (!shared->run(inputs, reference, error) ||
      !shared->run(inputs, again, error))
    fatal(bundlePath + ": " + error);
  if (!sameBits(reference, again))
    fatal("two single-threaded runs differ");
  std::printf("single thread: 2 runs bit-identical\n");

  // 2. One session, many threads.
  std::string firstError;
  long bad = hammer(
      threads, runs, inputs, reference,
      [&](unsigned) -> Session & { return *shared; }, firstError);
  if (bad)
    fatal("shared session: " + std::to_string(bad) + " of " +
          std::to_string(threads * runs) + " runs wrong; first: " + firstError);
  std::printf("shared session: %u threads x %ld runs bit-identical\n", threads,
              runs);

  // 3. One session per thread over the same loaded bundle.
  std::vector<std::unique_ptr<Session>> own;
  for (unsigned t = 0; t < threads; ++t) {
    own.push_back(Session::create(bundle, options, error));
    if (!own.back())
      fatal(error);
  }
  bad = hammer(
      threads, runs, inputs, reference,
      [&](unsigned t) -> Session & { return *own[t]; }, firstError);
  if (bad)
    fatal("own sessions: " + std::to_string(bad) + " of " +
          std::to_string(threads * runs) + " runs wrong; first: " + firstError);
  std::printf("own sessions: %u threads x %ld runs bit-identical\n", threads,
              runs);
  return 0;
}
