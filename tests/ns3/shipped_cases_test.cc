// The cases `locosim crosscheck` ships with load, and name cases the brief requires.
#include <gtest/gtest.h>

#include "sim/config/crosscheck_cases.h"

namespace locosim {
namespace {

TEST(ShippedCrosscheckCases, LoadAndIncludeALossyAndA64ReplicaCase) {
  auto cases = LoadCrosscheckCases(std::string(LOCOSIM_SOURCE_DIR) + "/scenarios/crosscheck.json");
  ASSERT_TRUE(cases) << cases.error().message();
  EXPECT_GE(cases->size(), 5u);
  bool lossy = false, large = false;
  for (const CrosscheckCase& c : *cases) {
    lossy = lossy || c.lossy;
    large = large || c.replicas >= 64;
  }
  EXPECT_TRUE(lossy);
  EXPECT_TRUE(large);
}

}  // namespace
}  // namespace locosim
