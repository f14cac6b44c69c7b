#include "sim/net/routing.h"

#include <gtest/gtest.h>

#include "sim/topogen/generators.h"

namespace locosim {
namespace {

Topology Triangle(SimTime ab, SimTime bc, SimTime ac) {
  Topology t;
  t.nodes = {{"a", ""}, {"b", ""}, {"c", ""}};
  t.links = {{"ab", 0, 1, Gbps(1), ab, 0, {}},
             {"bc", 1, 2, Mbps(100), bc, 0, {}},
             {"ac", 0, 2, Gbps(10), ac, 0, {}}};
  t.replicas = {0, 1, 2};
  return t;
}

TEST(Routing, TakesThePathOfLeastLatency) {
  const Topology t = Triangle(Milliseconds(1), Milliseconds(1), Milliseconds(5));
  Routing routing(t);
  const Path& p = routing.path(0, 2);
  ASSERT_EQ(p.channels.size(), 2u);
  EXPECT_EQ(p.latency, Milliseconds(2));
  EXPECT_DOUBLE_EQ(p.bottleneck.bps(), 1e8);  // the 100 Mbps link b-c
}

TEST(Routing, TiesGoToFewerHops) {
  const Topology t = Triangle(Milliseconds(1), Milliseconds(1), Milliseconds(2));
  Routing routing(t);
  EXPECT_EQ(routing.path(0, 2).channels.size(), 1u);
}

TEST(Routing, ChannelsFollowTheDirectionOfTravel) {
  const Topology t = Triangle(Milliseconds(1), Milliseconds(1), Milliseconds(5));
  Routing routing(t);
  for (auto [src, dst] : {std::pair{0, 2}, std::pair{2, 0}}) {
    NodeIndex at = src;
    for (Channel c : routing.path(src, dst).channels) {
      EXPECT_EQ(t.channel_source(c), at);
      at = t.channel_target(c);
    }
    EXPECT_EQ(at, dst);
  }
}

TEST(Routing, StarPathsCrossTheCore) {
  const Topology star = MakeStar({8, Gbps(1), Milliseconds(10)});
  Routing routing(star);
  const Path& p = routing.path(star.replicas[1], star.replicas[5]);
  EXPECT_EQ(p.channels.size(), 2u);
  EXPECT_EQ(p.latency, Milliseconds(20));
}

TEST(Routing, DisconnectedNodesAreUnreachable) {
  Topology t;
  t.nodes = {{"a", ""}, {"b", ""}, {"c", ""}};
  t.links = {{"ab", 0, 1, Gbps(1), Milliseconds(1), 0, {}}};
  Routing routing(t);
  EXPECT_TRUE(routing.Reachable(0, 1));
  EXPECT_FALSE(routing.Reachable(0, 2));
}

}  // namespace
}  // namespace locosim
