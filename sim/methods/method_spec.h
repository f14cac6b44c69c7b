// A method as the scenario declares it: the fields every method has (name, kind, H) and its
// kind's own settings, read by the kind's own parser (sim/methods/<kind>/). Plain data: the
// settings are immutable once read, so specs copy cheaply.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "locosim/outer/compression_config.h"
#include "sim/core/units.h"
#include "sim/methods/method.h"

namespace locosim {

// What a method needs from the scenario to run.
struct MethodContext {
  int replicas = 0;
  std::uint64_t seed = 0;  // the scenario's: NoLoCo's groups are drawn from it
  int inner_steps = 0;     // H, resolved
  Bytes payload;           // bytes of one model-sized message, as trained (uncompressed)
  double payload_bytes_per_element = 4;  // of `payload`: 4 for fp32
  // The trained model's parameter shapes, for sizing a compressed message; empty when no
  // model is trained (sim/methods/compression_field.h).
  std::vector<std::vector<std::int64_t>> parameter_shapes;
  std::vector<int> parameter_layers;  // per tensor, its layer in depth; empty as above
  int total_steps = 0;                // the step budget per replica
};

// One method kind's settings.
class MethodSettings {
 public:
  virtual ~MethodSettings() = default;
  // Appends the settings, defaults included, to the method's resolved JSON.
  virtual void Echo(nlohmann::ordered_json& method) const = 0;
  // False when the data plane's step happens at the sync (DDP): such a method cannot have
  // its compute measured per replica.
  virtual bool trains_between_syncs() const { return true; }
  // How the method encodes what it sends (none unless the kind has a "compression" field).
  virtual trainers::CompressionConfig compression() const { return {}; }
  virtual std::unique_ptr<Method> Make(const MethodContext& context) const = 0;
};

struct MethodSpec {
  std::string name;                // label in results; default = kind
  std::string kind;                // one of MethodKindNames() (sim/methods/method_registry.h)
  std::optional<int> inner_steps;  // H for this method (default: the scenario's)
  std::optional<int> streams;      // TCP connections per transfer (default: network.tcp's)
  std::shared_ptr<const MethodSettings> settings;  // never null once read
};

// The kind's settings as their own type, or null if `spec` is of another kind.
template <typename Settings>
const Settings* SettingsOf(const MethodSpec& spec) {
  return dynamic_cast<const Settings*>(spec.settings.get());
}

}  // namespace locosim
