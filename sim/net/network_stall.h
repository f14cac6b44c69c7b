// What a packet-level backend reports when its watchdog finds that nothing moves: the
// transfers still pending and how far each got. The backend stops its loop and keeps the
// stall as a value (Network::stall()); whoever ran the loop checks it, so no exception
// crosses a module boundary.
#pragma once

#include <string>
#include <vector>

#include "sim/core/units.h"
#include "sim/net/topology.h"

namespace locosim {

struct StuckTransfer {
  NodeIndex src = 0;
  NodeIndex dst = 0;
  Bytes received;  // by the application at dst so far
  Bytes expected;  // the transfer's size
};

struct NetworkStall {
  std::string message;  // one paragraph naming each stuck transfer, for the user
  std::vector<StuckTransfer> stuck;
};

}  // namespace locosim
