// Small results folders for report tests, written by the real engine and results writer in
// a fraction of a second: the fake data plane (tests/sim/fake_data_plane.h) stands in for
// training, or the timing-only one trains nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/units.h"

namespace locosim::testing {

struct FakeRunOptions {
  BitsPerSecond bandwidth = Gbps(1);  // of every link of an 8-replica star
  bool timing_only = false;           // no losses at all
  int replicas = 8;
  std::vector<std::string> methods = {"diloco", "noloco", "ddp"};
  std::uint64_t seed = 3;  // compute jitter and stragglers differ by seed
};

// Writes a results folder at `dir` (which must not exist) with the given methods.
// Fails the calling test if it cannot.
void WriteFakeRun(const std::string& dir, const FakeRunOptions& options = {});

// The folder TempDir()/name, written on first use in this test process.
const std::string& FakeRunDir(const std::string& name, const FakeRunOptions& options = {});

}  // namespace locosim::testing
