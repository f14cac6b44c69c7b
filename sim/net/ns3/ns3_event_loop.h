// The EventLoop over ns3::Simulator, so that engine, methods and collectives run unchanged on
// the ns-3 backend: one clock, shared with every packet event.
//
// ns-3 keeps its simulator, node list, routing and address state in process-wide globals, so
// only one ns-3 simulation may exist at a time in a process. An Ns3EventLoop holds that right
// for its lifetime: constructing a second one while the first lives throws std::logic_error,
// and the destructor calls ns3::Simulator::Destroy(), so a process (a test binary) can make
// several in sequence. No ns-3 header is included here.
#pragma once

#include "sim/core/event_loop.h"

namespace locosim {

class Ns3EventLoop final : public EventLoop {
 public:
  // Throws std::logic_error if another Ns3EventLoop exists in this process.
  Ns3EventLoop();
  // Destroys the ns-3 simulation (Simulator::Destroy). REQUIRES: every ns-3 object made for
  // this simulation (the network) has been released first.
  ~Ns3EventLoop() override;
  Ns3EventLoop(const Ns3EventLoop&) = delete;
  Ns3EventLoop& operator=(const Ns3EventLoop&) = delete;

  SimTime now() const override;
  // FIFO at equal times, as ns-3's scheduler orders events by (time, insertion number).
  void at(SimTime when, Callback fn) override;
  // Runs ns3::Simulator until no event is left or stop() is called.
  void run() override;
  void stop() override;
};

}  // namespace locosim
