// Method kinds by name. Adding a method means adding its folder (sim/methods/<kind>/, with
// its settings, their parser and the Method) and one line in method_registry.cc.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/json_reader.h"
#include "sim/methods/method_spec.h"

namespace locosim {

struct MethodKind {
  std::string name;
  std::vector<std::string_view> keys;  // its own fields, besides name, kind and inner_steps
  // Reads the kind's fields from a method object whose keys are known to be its own. May
  // settle `spec.inner_steps` (DDP syncs every step). Fails through the reader.
  std::function<std::shared_ptr<const MethodSettings>(const JsonReader& r, MethodSpec& spec,
                                                      int replicas)>
      read;
};

const std::vector<MethodKind>& MethodKinds();
std::vector<std::string> MethodKindNames();

// One entry of a scenario's "methods": the common fields, then the kind's own. A key of
// another kind is an error naming this kind; an unknown key gets a "did you mean".
MethodSpec ReadMethodSpec(const JsonReader& r, int replicas);

// The method's resolved JSON: name, kind, H, streams, then every setting of its kind.
nlohmann::ordered_json EchoMethodSpec(const MethodSpec& spec, int inner_steps, int streams);

// `kind` with every default, as if read from {"kind": kind}: for code and tests that build
// scenarios without a file. REQUIRES: kind is one of MethodKindNames().
MethodSpec DefaultMethodSpec(const std::string& kind, int replicas);

}  // namespace locosim
