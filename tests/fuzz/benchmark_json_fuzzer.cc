// Google Benchmark JSON as `locosim regress` reads it (tools/regress/benchmark_results.h).
// Besides not crashing: results compared with themselves show no regression.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_target.h"
#include "tools/regress/benchmark_results.h"
#include "tools/regress/compare.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace locosim;
  try {
    const auto results = regress::ParseBenchmarkJson(fuzz::AsText(data, size), "fuzz.json");
    if (!results) return 0;
    const regress::Comparison same = regress::Compare(*results, *results, regress::Tolerances{});
    FUZZ_CHECK(same.ok());
    FUZZ_CHECK(same.improvements.empty());
  } catch (const ConfigException&) {
  }
  return 0;
}
