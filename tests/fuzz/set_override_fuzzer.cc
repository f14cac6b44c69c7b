// `--set path=value` (sim/scenario/scenario_overrides.h), applied to the quickstart scenario
// as `run --set` does, then parsed. Each line of the input is one assignment (at most 8).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/config/json_reader.h"
#include "sim/scenario/scenario_overrides.h"
#include "sim/scenario/scenario_reader.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

const nlohmann::json& Quickstart() {
  static const nlohmann::json doc =
      locosim::ReadJsonFile(LOCOSIM_SOURCE_DIR "/scenarios/quickstart.json");
  return doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace locosim;
  nlohmann::json doc = Quickstart();
  std::istringstream lines(fuzz::AsText(data, size));
  std::string assignment;
  try {
    for (int i = 0; i < 8 && std::getline(lines, assignment); ++i) ApplyOverride(doc, assignment);
    (void)ScenarioFromJson(doc, LOCOSIM_SOURCE_DIR "/scenarios/quickstart.json");
  } catch (const ConfigException&) {
  }
  return 0;
}
