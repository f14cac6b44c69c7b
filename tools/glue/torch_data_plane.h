// The real data plane: trainers/ (LibTorch) behind the engine's DataPlane interface. This is
// the one place where the control plane's scenario meets torch; sim/ never includes it.
#pragma once

#include <memory>
#include <string>

#include "locosim/distributed/rank_group.h"
#include "sim/core/config_error.h"
#include "sim/dataplane/data_plane.h"
#include "sim/scenario/scenario.h"

namespace locosim {

// A fresh set of scenario.replicas replicas, all at the same seeded initial weights. Bad
// model or data settings (a corpus that cannot be read, a CUDA device that is not there)
// come back as a ConfigError naming the scenario file and field.
// With `ranks`, this process holds only its rank's slice of the replicas, and must make every
// call that the other ranks make (locosim/replicas/replica_set.h); results are the same on
// every rank.
Result<std::unique_ptr<DataPlane>> MakeTorchDataPlane(
    const Scenario& scenario, std::shared_ptr<trainers::RankGroup> ranks = nullptr);

// Worker threads per process for the scenario's `threads`: 0 means one per core, shared
// between the ranks that torchrun or tools/launch started on this machine (LOCAL_WORLD_SIZE).
int ThreadsPerProcess(int scenario_threads);

// Whether a LibTorch error message is an allocation failure (CPU or CUDA): LibTorch throws
// c10::Error, not std::bad_alloc, when a tensor does not fit.
bool LooksLikeOutOfMemory(const std::string& what);

// "libtorch 1.13.1 (cpu)" and the like, for the host section of results.
std::string TorchVersion();

}  // namespace locosim
