#include "sim/core/units.h"

#include <gtest/gtest.h>

#include "sim/config/quantity.h"

namespace locosim {
namespace {

TEST(Units, TransmissionTimeIsBitsOverRate) {
  // 62.5e6 bytes at 1 Gbps: 0.5 s exactly.
  EXPECT_EQ(TransmissionTime(Bytes(62'500'000), Gbps(1)), Milliseconds(500));
}

TEST(Quantity, ParsesRatesDurationsAndSizes) {
  EXPECT_DOUBLE_EQ(ParseRate("10Gbps")->bps(), 1e10);
  EXPECT_DOUBLE_EQ(ParseRate("100Mbps")->bps(), 1e8);
  EXPECT_DOUBLE_EQ(ParseRate("1.5 Gbps")->bps(), 1.5e9);
  EXPECT_EQ(*ParseDuration("20ms"), Milliseconds(20));
  EXPECT_EQ(*ParseDuration("150us"), Microseconds(150));
  EXPECT_EQ(*ParseDuration("0s"), SimTime());
  EXPECT_EQ(ParseBytes("64MiB")->count(), 64 * 1048576);
  EXPECT_EQ(ParseBytes("1e9B")->count(), 1'000'000'000);
}

TEST(Quantity, RejectsMissingOrWrongUnitsAndNonPositiveRates) {
  EXPECT_FALSE(ParseRate("10"));
  EXPECT_FALSE(ParseRate("10GBps"));
  EXPECT_FALSE(ParseRate("0Gbps"));
  EXPECT_FALSE(ParseRate("-1Gbps"));
  EXPECT_FALSE(ParseRate("nanGbps"));
  EXPECT_FALSE(ParseDuration("20"));
  EXPECT_FALSE(ParseDuration("-5ms"));
  EXPECT_FALSE(ParseDuration("5 lightyears"));
  EXPECT_FALSE(ParseBytes("12"));
}

TEST(Quantity, FormatRoundTrips) {
  for (const char* rate : {"1Gbps", "100Mbps", "1500Mbps", "64Kbps", "12bps"}) {
    EXPECT_EQ(FormatRate(*ParseRate(rate)), rate);
  }
  EXPECT_EQ(FormatRate(*ParseRate("1.5Gbps")), "1500Mbps");
  for (const char* d : {"10ms", "150us", "7ns"}) EXPECT_EQ(FormatDuration(*ParseDuration(d)), d);
}

}  // namespace
}  // namespace locosim
