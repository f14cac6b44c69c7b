#include "sim/net/ns3/ns3_event_loop.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace locosim {
namespace {

TEST(Ns3EventLoop, EventsAtEqualTimesRunInTheOrderTheyWereScheduled) {
  Ns3EventLoop loop;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) loop.at(Milliseconds(3), [&order, i] { order.push_back(i); });
  loop.at(Milliseconds(1), [&order] { order.push_back(-1); });
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{-1, 0, 1, 2, 3, 4}));
  EXPECT_EQ(loop.now(), Milliseconds(3));
}

TEST(Ns3EventLoop, AfterIsRelativeToTheCurrentEvent) {
  Ns3EventLoop loop;
  SimTime fired;
  loop.at(Milliseconds(10), [&] { loop.after(Microseconds(5), [&] { fired = loop.now(); }); });
  loop.run();
  EXPECT_EQ(fired, Milliseconds(10) + Microseconds(5));
}

TEST(Ns3EventLoop, StopEndsRunAfterTheCurrentEventAndRunResumes) {
  Ns3EventLoop loop;
  std::vector<int> seen;
  loop.at(Milliseconds(1), [&] {
    seen.push_back(1);
    loop.stop();
  });
  loop.at(Milliseconds(2), [&] { seen.push_back(2); });
  loop.run();
  EXPECT_EQ(seen, std::vector<int>{1});
  loop.run();
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
}

TEST(Ns3EventLoop, OnlyOneSimulationMayExistAtATime) {
  Ns3EventLoop first;
  EXPECT_THROW(Ns3EventLoop second, std::logic_error);
}

TEST(Ns3EventLoop, SimulationsInSequenceEachStartAtTimeZero) {
  for (int i = 0; i < 3; ++i) {
    Ns3EventLoop loop;
    EXPECT_EQ(loop.now(), SimTime());
    loop.at(Seconds(1), [] {});
    loop.run();
    EXPECT_EQ(loop.now(), Seconds(1));
  }
}

}  // namespace
}  // namespace locosim
