//===- ThreadPoolTest.cpp - Tests of the CPU device's thread pool ---------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/ThreadPool.h"

#include <algorithm>
#include <atomic>
#include <gtest/gtest.h>
#include <memory>
#include <map>
#include <set>
#include <thread>
#include <vector>

using namespace tangram;

namespace {

/// Counts how often each index of [0, n) is visited.
struct Coverage {
  explicit Coverage(int64_t n) : n(n), hits(new std::atomic<int>[n + 1]) {
    for (int64_t i = 0; i <= n; ++i)
      hits[i] = 0;
  }
  static void chunk(void *ctx, int64_t begin, int64_t end) {
    auto *self = static_cast<Coverage *>(ctx);
    if (begin < 0 || end > self->n || begin >= end)
      self->badChunks++;
    for (int64_t i = begin; i < end && i >= 0 && i <= self->n; ++i)
      self->hits[i]++;
    std::lock_guard<std::mutex> lock(self->mutex);
    self->threads.insert(std::this_thread::get_id());
  }
  void expectEachOnce() {
    for (int64_t i = 0; i < n; ++i)
      ASSERT_EQ(hits[i].load(), 1) << "index " << i << " of " << n;
    EXPECT_EQ(badChunks.load(), 0);
  }
  int64_t n;
  std::unique_ptr<std::atomic<int>[]> hits;
  std::atomic<int> badChunks{0};
  std::mutex mutex;
  std::set<std::thread::id> threads;
};

TEST(ThreadPoolTest, ParallelForCoversEveryIndexOnce) {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.numThreads(), threads);
    for (int64_t n : {0, 1, 2, 3, 7, 31, 100, 10007}) {
      Coverage c(n);
      pool.parallelFor(n, &Coverage::chunk, &c);
      c.expectEachOnce();
    }
  }
}

TEST(ThreadPoolTest, DefaultSizeAndNegativeCount) {
  ThreadPool pool;
  EXPECT_GE(pool.numThreads(), 1u);
  Coverage c(4);
  pool.parallelFor(-5, &Coverage::chunk, &c);
  EXPECT_EQ(c.hits[0].load(), 0);
}

TEST(ThreadPoolTest, UsesWorkers) {
  ThreadPool pool(4);
  // Slow chunks so that the workers take some of them.
  std::set<std::thread::id> seen;
  std::mutex mutex;
  pool.parallelFor(64, [&](int64_t, int64_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard<std::mutex> lock(mutex);
    seen.insert(std::this_thread::get_id());
  });
  EXPECT_GT(seen.size(), 1u);
}

// Each thread starts with its own contiguous part of the chunks (the caller
// the first, the worker the second half), so successive loops over the
// same indices give a thread the same part; what a late thread leaves is
// taken by the others.
TEST(ThreadPoolTest, EachThreadStartsWithItsOwnRange) {
  ThreadPool pool(2);
  for (int round = 0; round < 20; ++round) {
    std::map<std::thread::id, int64_t> first;
    std::mutex mutex;
    pool.parallelFor(64, [&](int64_t begin, int64_t) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      std::lock_guard<std::mutex> lock(mutex);
      first.try_emplace(std::this_thread::get_id(), begin);
    });
    ASSERT_EQ(first.at(std::this_thread::get_id()), 0) << "round " << round;
    for (auto [thread, begin] : first)
      if (thread != std::this_thread::get_id())
        EXPECT_GE(begin, 32) << "round " << round;
  }
}

// Chunks differ in size by at most one index, so that each thread's range
// holds its share of the work: 36 indices on 2 threads were 7 chunks of 5
// and one of 1, so one thread's range held 20 and the other's 16.
TEST(ThreadPoolTest, ChunksAreEven) {
  for (unsigned threads : {2u, 3u}) {
    ThreadPool pool(threads);
    for (int64_t n : {5, 9, 36, 52, 1001}) {
      std::vector<int64_t> sizes;
      std::mutex mutex;
      pool.parallelFor(n, [&](int64_t begin, int64_t end) {
        std::lock_guard<std::mutex> lock(mutex);
        sizes.push_back(end - begin);
      });
      auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
      EXPECT_LE(*hi - *lo, 1) << n << " indices on " << threads << " threads";
    }
  }
}

TEST(ThreadPoolTest, NestedAndConcurrentLoopsFinish) {
  ThreadPool pool(3);
  std::atomic<int64_t> total{0};
  auto outer = [&] {
    pool.parallelFor(8, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        pool.parallelFor(100, [&](int64_t b, int64_t e) { total += e - b; });
    });
  };
  std::thread other(outer);
  outer();
  other.join();
  EXPECT_EQ(total.load(), 2 * 8 * 100);
}

TEST(ThreadPoolTest, CAbiUsesTheCurrentPool) {
  // Without a current pool the loop runs inline on this thread.
  EXPECT_EQ(currentThreadPool(), nullptr);
  Coverage inlineRun(50);
  tangram_parallel_for(&inlineRun, 50, &Coverage::chunk);
  inlineRun.expectEachOnce();
  EXPECT_EQ(inlineRun.threads.size(), 1u);

  ThreadPool pool(4);
  {
    ScopedCurrentPool scope(&pool);
    EXPECT_EQ(currentThreadPool(), &pool);
    Coverage c(1000);
    tangram_parallel_for(&c, 1000, &Coverage::chunk);
    c.expectEachOnce();
  }
  EXPECT_EQ(currentThreadPool(), nullptr);
}

} // namespace
