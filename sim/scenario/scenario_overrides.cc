#include "sim/scenario/scenario_overrides.h"

#include <optional>
#include <stdexcept>

namespace locosim {
namespace {

bool IsIndex(const std::string& token) {
  return !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
}

// "methods[0].outer_lr" -> JSON pointer "/methods/0/outer_lr".
std::optional<nlohmann::json::json_pointer> PointerOf(const std::string& path) {
  std::string pointer;
  std::string token;
  auto flush = [&] {
    if (token.empty()) return false;
    pointer += "/" + token;
    token.clear();
    return true;
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '.') {
      if (!flush()) return std::nullopt;
    } else if (c == '[') {
      if (!token.empty() && !flush()) return std::nullopt;
      const auto close = path.find(']', i);
      if (close == std::string::npos || close == i + 1) return std::nullopt;
      const std::string index = path.substr(i + 1, close - i - 1);
      if (index.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
      pointer += "/" + index;
      i = close;
      if (i + 1 < path.size() && path[i + 1] == '.') ++i;
    } else {
      token += c;
    }
  }
  if (!token.empty()) flush();
  if (pointer.empty()) return std::nullopt;
  return nlohmann::json::json_pointer(pointer);
}

void ApplyOverrideOrThrow(nlohmann::json& doc, const std::string& assignment) {
  const auto eq = assignment.find('=');
  auto fail = [&](const std::string& expected) {
    throw ConfigException{ConfigError{"--set", assignment, expected}};
  };
  if (eq == std::string::npos || eq == 0) fail("path=value, e.g. network.backend=ns3");
  const std::string path = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  const auto pointer = PointerOf(path);
  if (!pointer) fail("a path such as network.backend or methods[0].outer_lr");
  // Missing objects on the way are created (network.overrides.bandwidth on a scenario that
  // has no overrides yet); the strict parse that follows rejects any key that is not a field.
  auto existing = pointer->parent_pointer();
  while (!existing.empty() && !doc.contains(existing)) {
    if (IsIndex(existing.back())) fail("a path whose arrays exist in the scenario");
    existing = existing.parent_pointer();
  }
  const nlohmann::json& ancestor = doc.at(existing);
  if (existing != pointer->parent_pointer() ? !ancestor.is_object() : !ancestor.is_structured()) {
    fail("a path into the objects and arrays of the scenario");
  }
  if (ancestor.is_array()) {
    const std::string& last = pointer->back();
    if (!IsIndex(last)) fail("an array index after " + existing.to_string());
    if (std::stoul(last) >= ancestor.size())
      fail("an index below " + std::to_string(ancestor.size()));
  }
  // Every array index on the path must be one the scenario has: assigning through a missing
  // one would create an array of that many nulls (methods[4000000000] asks for 64 GB).
  for (auto prefix = *pointer; !prefix.empty(); prefix = prefix.parent_pointer()) {
    if (IsIndex(prefix.back()) && !doc.contains(prefix))
      fail("a path whose arrays exist in the scenario");
  }
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) value = text;  // bare words are strings: backend=ns3
  doc[*pointer] = std::move(value);
}

}  // namespace

void ApplyOverride(nlohmann::json& doc, const std::string& assignment) {
  try {
    ApplyOverrideOrThrow(doc, assignment);
  } catch (const nlohmann::json::exception&) {
    // A path JSON pointers refuse ("a~b", "methods[01]"): bad input like any other.
    throw ConfigException{
        ConfigError{"--set", assignment, "a path such as network.backend or methods[0].outer_lr"}};
  } catch (const std::logic_error&) {  // an index beyond any integer
    throw ConfigException{ConfigError{"--set", assignment, "an array index the scenario has"}};
  }
}

}  // namespace locosim
