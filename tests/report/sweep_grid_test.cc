// A sweep's --vary values and grid.
#include <gtest/gtest.h>

#include "tools/sweep/sweep_grid.h"

namespace locosim::sweep {
namespace {

TEST(SweepAxis, SplitsValuesAtTopLevelCommasOnly) {
  auto a = ParseAxis("inner_optimizer.betas=[0.9,0.95],[0.9,0.99]");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->path, "inner_optimizer.betas");
  EXPECT_EQ(a->values, (std::vector<std::string>{"[0.9,0.95]", "[0.9,0.99]"}));
  auto b = ParseAxis("network.overrides.bandwidth=100Mbps,1Gbps,10Gbps");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->values.size(), 3u);
}

TEST(SweepAxis, MissingPathOrEmptyValueIsRejected) {
  EXPECT_FALSE(ParseAxis("replicas"));
  EXPECT_FALSE(ParseAxis("=1,2"));
  EXPECT_FALSE(ParseAxis("replicas=1,,2"));
  EXPECT_FALSE(ParseAxis("replicas="));
}

TEST(SweepGrid, IsTheCartesianProductWithTheFirstAxisSlowest) {
  const auto grid = Grid({{"replicas", {"16", "64"}}, {"methods[1].group_size", {"2", "4", "8"}}});
  ASSERT_EQ(grid.size(), 6u);
  EXPECT_EQ(grid[0].overrides,
            (std::vector<std::string>{"replicas=16", "methods[1].group_size=2"}));
  EXPECT_EQ(grid[5].overrides,
            (std::vector<std::string>{"replicas=64", "methods[1].group_size=8"}));
  EXPECT_EQ(grid[4].values, (std::vector<std::string>{"64", "4"}));
  EXPECT_EQ(grid[4].folder, "p04-replicas=64-methods_1_.group_size=4");
}

}  // namespace
}  // namespace locosim::sweep
