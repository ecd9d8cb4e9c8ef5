//===- ThreadPool.h - The CPU device's worker threads -----------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A fixed set of std::thread workers and one primitive, parallelFor, which is
// what generated code needs: split [0, n) into chunks, run them on the
// workers and the calling thread, and return when all are done. The calling
// thread takes chunks too, so a parallelFor finishes even when every worker
// is busy (no deadlock on nested calls).
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_THREADPOOL_H
#define TANGRAM_RUNTIME_THREADPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tangram {

/// A chunk of a parallel loop: runs iterations [begin, end).
using ParallelChunkFn = void (*)(void *ctx, int64_t begin, int64_t end);

class ThreadPool {
public:
  /// `numThreads` counts the calling thread: 1 runs everything inline;
  /// 0 means std::thread::hardware_concurrency().
  explicit ThreadPool(unsigned numThreads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  unsigned numThreads() const { return workers_.size() + 1; }

  /// Calls fn(ctx, begin, end) over disjoint chunks covering [0, n) exactly
  /// once, and returns when all chunks are done. n <= 0 does nothing.
  void parallelFor(int64_t n, ParallelChunkFn fn, void *ctx);

  /// The same with a callable.
  void parallelFor(int64_t n,
                   const std::function<void(int64_t, int64_t)> &body);

private:
  /// Worker `self` (1 .. numThreads - 1) takes tasks until the pool stops.
  void workerLoop(unsigned self);

  std::vector<std::thread> workers_;
  /// Tasks, each given the number of the worker that runs it.
  std::deque<std::function<void(unsigned)>> tasks_;
  std::mutex mutex_;
  std::condition_variable wake_;
  /// Set (under `mutex_`) when the pool shuts down; spinning workers read
  /// it without the lock.
  std::atomic<bool> stopping_{false};
  /// Tasks pushed and not yet taken, read by spinning workers without the
  /// lock; workers asleep on `wake_` (guarded by `mutex_`).
  std::atomic<int64_t> queued_{0};
  int sleepers_ = 0;
};

/// While alive, makes `pool` the one `tangram_parallel_for` uses on this
/// thread. CPU executables set it around each entry call; on other threads
/// (such as the pool's workers) `tangram_parallel_for` runs inline.
class ScopedCurrentPool {
public:
  explicit ScopedCurrentPool(ThreadPool *pool);
  ~ScopedCurrentPool();

private:
  ThreadPool *previous_;
};

/// The current pool of this thread, or null.
ThreadPool *currentThreadPool();

} // namespace tangram

extern "C" {
/// The parallel-for handed to generated code (see docs/BundleFormat.md):
/// runs fn over [0, n) on the current pool, or inline when there is none.
void tangram_parallel_for(void *ctx, int64_t n,
                          void (*fn)(void *ctx, int64_t begin, int64_t end));
}

#endif // TANGRAM_RUNTIME_THREADPOOL_H
