// --set path=value (sim/scenario/scenario_overrides.h): what it creates, and what it refuses
// before allocating anything.
#include "sim/scenario/scenario_overrides.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace locosim {
namespace {

nlohmann::json TwoMethods() {
  return nlohmann::json::parse(R"({"methods": [{"kind": "diloco"}, {"kind": "noloco"}]})");
}

std::string ErrorOf(nlohmann::json& doc, const std::string& assignment) {
  try {
    ApplyOverride(doc, assignment);
  } catch (const ConfigException& e) {
    return e.error.expected;
  }
  return "";
}

TEST(ScenarioOverrides, MissingObjectsOnThePathAreCreated) {
  nlohmann::json doc = TwoMethods();
  ApplyOverride(doc, "network.overrides.bandwidth=100Mbps");
  EXPECT_EQ(doc["network"]["overrides"]["bandwidth"], "100Mbps");
  ApplyOverride(doc, "methods[1].alpha=0.25");
  EXPECT_EQ(doc["methods"][1]["alpha"], 0.25);
}

TEST(ScenarioOverrides, AnIndexBeyondAnExistingArrayIsRefused) {
  nlohmann::json doc = TwoMethods();
  EXPECT_EQ(ErrorOf(doc, "methods[2].outer_lr=1"), "a path whose arrays exist in the scenario");
  EXPECT_EQ(ErrorOf(doc, "methods[2]=1"), "an index below 2");
  EXPECT_EQ(doc, TwoMethods()) << "a refused override must leave the document as it was";
}

TEST(ScenarioOverrides, AnIndexIntoAnArrayThatDoesNotExistIsRefusedNotAllocated) {
  // A fuzz finding: this path once created an array of 2,444,424,444 nulls (tens of GB).
  nlohmann::json doc = TwoMethods();
  EXPECT_EQ(ErrorOf(doc, "m.x.y[2444424444].=sd"), "a path whose arrays exist in the scenario");
  EXPECT_EQ(ErrorOf(doc, "network.links[0]=1"), "a path whose arrays exist in the scenario");
  EXPECT_EQ(doc, TwoMethods());
}

}  // namespace
}  // namespace locosim
