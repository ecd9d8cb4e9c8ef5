//===- QueueTest.cpp - Timeline semaphores and device queues --------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/Queue.h"

#include <atomic>
#include <chrono>
#include <gtest/gtest.h>

using namespace tangram;

TEST(QueueTest, CommandsRunInOrderAndSignal) {
  Queue q("q");
  Semaphore s;
  std::vector<int> order;
  for (int i = 1; i <= 3; ++i)
    q.submit({}, {&s, static_cast<uint64_t>(i)}, [&order, i](std::string &) {
      order.push_back(i);
      return true;
    });
  std::string error;
  ASSERT_TRUE(s.wait(3, error)) << error;
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(QueueTest, WaitsAcrossQueuesWithoutBlockingTheHost) {
  // q0's command waits for q1's, which is submitted after it: the host
  // submits both without blocking and q1 runs while q0 waits.
  Queue q0("q0"), q1("q1");
  Semaphore s0, s1;
  std::atomic<bool> ranFirst{false};
  q0.submit({{&s1, 1}}, {&s0, 1}, [&](std::string &e) {
    if (!ranFirst)
      e = "ran before what it waits for";
    return ranFirst.load();
  });
  q1.submit({}, {&s1, 1}, [&](std::string &) {
    ranFirst = true;
    return true;
  });
  std::string error;
  EXPECT_TRUE(s0.wait(1, error)) << error;
}

TEST(QueueTest, FailurePropagatesToWaiters) {
  Queue q0("q0"), q1("q1");
  Semaphore s0, s1;
  bool ran = false;
  q0.submit({}, {&s0, 1}, [](std::string &e) {
    e = "step 0 failed";
    return false;
  });
  q1.submit({{&s0, 1}}, {&s1, 1}, [&](std::string &) { return ran = true; });
  std::string error;
  EXPECT_FALSE(s1.wait(1, error));
  EXPECT_EQ(error, "step 0 failed");
  EXPECT_FALSE(ran);
  // A failed semaphore stays failed, keeping the first message.
  s0.fail("later");
  EXPECT_FALSE(s0.wait(0, error));
  EXPECT_EQ(error, "step 0 failed");
}

TEST(QueueTest, SignalNeverLowers) {
  Semaphore s;
  s.signal(5);
  s.signal(2);
  EXPECT_EQ(s.value(), 5u);
  std::string error;
  EXPECT_TRUE(s.wait(4, error));
}
