//===- ThreadPool.cpp - The CPU device's worker threads -------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/ThreadPool.h"
#include <chrono>

#include <algorithm>
#include <atomic>
#include <memory>

using namespace tangram;

ThreadPool::ThreadPool(unsigned numThreads) {
  if (numThreads == 0)
    numThreads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 1; i < numThreads; ++i)
    workers_.emplace_back([this, i] { workerLoop(i); });
}

namespace {
/// How long an idle thread keeps polling before it sleeps. A model run
/// issues its parallel loops back to back, tens of microseconds apart;
/// waking a sleeping thread costs about as much as such a loop.
constexpr std::chrono::microseconds kSpin{200};

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/// Polls `ready` for up to kSpin; true if it became true.
template <typename Ready> bool spinUntil(Ready ready) {
  auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (unsigned i = 0;; ++i) {
    if (ready())
      return true;
    cpuRelax();
    if ((i & 63) == 63 && std::chrono::steady_clock::now() > deadline)
      return false;
  }
}
} // namespace

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread &t : workers_)
    t.join();
}

void ThreadPool::workerLoop(unsigned self) {
  for (;;) {
    spinUntil([&] {
      return queued_.load(std::memory_order_acquire) > 0 ||
             stopping_.load(std::memory_order_relaxed);
    });
    std::function<void(unsigned)> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ++sleepers_;
      wake_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      --sleepers_;
      if (tasks_.empty())
        return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
      queued_.fetch_sub(1, std::memory_order_relaxed);
    }
    task(self);
  }
}

namespace {
/// One parallelFor. Its chunks are split into one contiguous range per
/// thread (the calling thread is 0, worker i is i): a thread runs its own
/// range first, then takes what is left of the others'. So successive
/// loops over the same index space (a layer's pixels, then the next
/// layer's) give each thread the same part, whose data its cache holds
/// (taking chunks in arrival order instead left each layer reading about
/// half of its input from the other core's cache); a late thread's range is
/// still done by the others. Chunk c is [c * n / numChunks, (c + 1) * n /
/// numChunks): sizes that differ by at most one, so each thread's range
/// holds its share (chunks of ceil(n / numChunks) left the last one short:
/// 36 items as 7 chunks of 5 and one of 1 gave one thread 20 and the other
/// 16, 11% longer than an even split). Shared, because a helper task may
/// start after the loop ended.
struct ParallelLoop {
  ParallelChunkFn fn;
  void *ctx;
  int64_t n;
  int64_t numChunks;
  struct alignas(64) Range {
    std::atomic<int64_t> next{0};
    int64_t end = 0;
  };
  std::unique_ptr<Range[]> ranges;
  unsigned numRanges = 0;
  std::atomic<int64_t> done{0};
  std::mutex mutex;
  std::condition_variable finished;

  void work(unsigned self) {
    int64_t ran = 0;
    for (unsigned k = 0; k < numRanges; ++k) {
      Range &r = ranges[(self + k) % numRanges];
      for (int64_t c; (c = r.next.fetch_add(1)) < r.end; ++ran) {
        fn(ctx, c * n / numChunks, (c + 1) * n / numChunks);
      }
    }
    if (ran && done.fetch_add(ran) + ran == numChunks) {
      std::lock_guard<std::mutex> lock(mutex);
      finished.notify_all();
    }
  }
};
} // namespace

void ThreadPool::parallelFor(int64_t n, ParallelChunkFn fn, void *ctx) {
  if (n <= 0)
    return;
  int64_t threads = numThreads();
  if (threads == 1 || n == 1) {
    fn(ctx, 0, n);
    return;
  }
  // A few chunks per thread balance uneven chunks without much overhead.
  auto loop = std::make_shared<ParallelLoop>();
  loop->fn = fn;
  loop->ctx = ctx;
  loop->n = n;
  loop->numChunks = std::min<int64_t>(n, threads * 4);
  int64_t helpers = std::min<int64_t>(threads - 1, loop->numChunks - 1);
  loop->numRanges = threads;
  loop->ranges = std::make_unique<ParallelLoop::Range[]>(threads);
  for (int64_t t = 0; t < threads; ++t) {
    loop->ranges[t].next = t * loop->numChunks / threads;
    loop->ranges[t].end = (t + 1) * loop->numChunks / threads;
  }
  bool anyAsleep;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int64_t i = 0; i < helpers; ++i)
      tasks_.push_back([loop](unsigned self) { loop->work(self); });
    queued_.fetch_add(helpers, std::memory_order_release);
    anyAsleep = sleepers_ > 0;
  }
  if (anyAsleep) {
    if (helpers == 1)
      wake_.notify_one();
    else
      wake_.notify_all();
  }
  loop->work(0);
  if (spinUntil([&] { return loop->done.load() == loop->numChunks; }))
    return;
  std::unique_lock<std::mutex> lock(loop->mutex);
  loop->finished.wait(lock,
                      [&] { return loop->done.load() == loop->numChunks; });
}

void ThreadPool::parallelFor(
    int64_t n, const std::function<void(int64_t, int64_t)> &body) {
  parallelFor(
      n,
      [](void *ctx, int64_t begin, int64_t end) {
        (*static_cast<const std::function<void(int64_t, int64_t)> *>(ctx))(
            begin, end);
      },
      const_cast<std::function<void(int64_t, int64_t)> *>(&body));
}

static thread_local ThreadPool *currentPool = nullptr;

ScopedCurrentPool::ScopedCurrentPool(ThreadPool *pool)
    : previous_(currentPool) {
  currentPool = pool;
}

ScopedCurrentPool::~ScopedCurrentPool() { currentPool = previous_; }

ThreadPool *tangram::currentThreadPool() { return currentPool; }

extern "C" void tangram_parallel_for(void *ctx, int64_t n,
                                     void (*fn)(void *, int64_t, int64_t)) {
  if (ThreadPool *pool = currentPool)
    pool->parallelFor(n, fn, ctx);
  else if (n > 0)
    fn(ctx, 0, n);
}
