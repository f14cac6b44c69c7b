#include "sim/core/heap_event_loop.h"

#include <gtest/gtest.h>

#include <vector>

namespace locosim {
namespace {

TEST(HeapEventLoop, RunsEventsInTimeOrder) {
  HeapEventLoop loop;
  std::vector<int> order;
  loop.at(Milliseconds(30), [&] { order.push_back(3); });
  loop.at(Milliseconds(10), [&] { order.push_back(1); });
  loop.at(Milliseconds(20), [&] { order.push_back(2); });
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(loop.now(), Milliseconds(30));
}

TEST(HeapEventLoop, EqualTimesRunInSchedulingOrder) {
  HeapEventLoop loop;
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) loop.at(Seconds(1), [&order, i] { order.push_back(i); });
  loop.run();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(HeapEventLoop, EventsScheduledFromCallbacksRunAfterTheCurrentOne) {
  HeapEventLoop loop;
  std::vector<std::string> order;
  loop.at(Seconds(1), [&] {
    order.push_back("a");
    loop.after(SimTime(), [&] { order.push_back("c"); });
  });
  loop.at(Seconds(1), [&] { order.push_back("b"); });
  loop.run();
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(HeapEventLoop, StopLeavesPendingEventsQueued) {
  HeapEventLoop loop;
  int ran = 0;
  loop.at(Seconds(1), [&] {
    ++ran;
    loop.stop();
  });
  loop.at(Seconds(2), [&] { ++ran; });
  loop.run();
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(loop.pending(), 1u);
  loop.run();
  EXPECT_EQ(ran, 2);
}

TEST(HeapEventLoop, TwoLoopsInOneProcessAreIndependent) {
  HeapEventLoop a, b;
  a.at(Seconds(5), [] {});
  b.at(Seconds(1), [] {});
  a.run();
  b.run();
  EXPECT_EQ(a.now(), Seconds(5));
  EXPECT_EQ(b.now(), Seconds(1));
}

}  // namespace
}  // namespace locosim
