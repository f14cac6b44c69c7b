// A clock and a network on it, made together because the ns-3 backend brings its own clock.
// Made by name in sim/backends/network_factory.h.
#pragma once

#include <memory>

#include "sim/core/event_loop.h"
#include "sim/net/network.h"

namespace locosim {

// Holds a reference to the topology it was made for, which must outlive it.
struct Simulation {
  std::unique_ptr<EventLoop> loop;
  std::unique_ptr<Network> network;
};

}  // namespace locosim
