// The real data plane: trainers/ (LibTorch) behind the engine's DataPlane interface. This is
// the one place where the control plane's scenario meets torch; sim/ never includes it.
#pragma once

#include <memory>
#include <string>

#include "sim/core/config_error.h"
#include "sim/dataplane/data_plane.h"
#include "sim/scenario/scenario.h"

namespace locosim {

// A fresh set of scenario.replicas replicas, all at the same seeded initial weights. Bad
// model or data settings (a corpus that cannot be read, a CUDA device that is not there)
// come back as a ConfigError naming the scenario file and field.
Result<std::unique_ptr<DataPlane>> MakeTorchDataPlane(const Scenario& scenario);

// Whether a LibTorch error message is an allocation failure (CPU or CUDA): LibTorch throws
// c10::Error, not std::bad_alloc, when a tensor does not fit.
bool LooksLikeOutOfMemory(const std::string& what);

// "libtorch 1.13.1 (cpu)" and the like, for the host section of results.
std::string TorchVersion();

}  // namespace locosim
