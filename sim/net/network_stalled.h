// What a packet-level backend reports when its watchdog finds that nothing moves: the
// transfers still pending and how far each got. Thrown out of EventLoop::run() by the backend's
// loop (the ns-3 loop, see sim/net/ns3/ns3_event_loop.h) instead of hanging, and caught by
// the CLI, which prints what() and exits with status 1.
#pragma once

#include <stdexcept>
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

class NetworkStalled : public std::runtime_error {
 public:
  NetworkStalled(const std::string& message, std::vector<StuckTransfer> stuck)
      : std::runtime_error(message), stuck_(std::move(stuck)) {}
  const std::vector<StuckTransfer>& stuck() const { return stuck_; }

 private:
  std::vector<StuckTransfer> stuck_;
};

}  // namespace locosim
