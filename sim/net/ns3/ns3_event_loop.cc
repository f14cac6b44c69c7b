#include "sim/net/ns3/ns3_event_loop.h"

#include <atomic>
#include <cassert>
#include <stdexcept>
#include <utility>

#include "ns3/nstime.h"
#include "ns3/simulator.h"

namespace locosim {
namespace {

// ns3::Simulator is process-global; this flag is the one piece of global state on our side,
// and exists only to turn a second concurrent simulation into a clear error.
std::atomic<bool> simulator_in_use{false};

}  // namespace

Ns3EventLoop::Ns3EventLoop() {
  if (simulator_in_use.exchange(true)) {
    throw std::logic_error(
        "ns-3 backend: only one ns-3 simulation may exist at a time in a process "
        "(ns3::Simulator is global); destroy the previous one before making another");
  }
  // A previous simulation in this process (ours or a bare ns-3 program) may have left state.
  ns3::Simulator::Destroy();
}

Ns3EventLoop::~Ns3EventLoop() {
  ns3::Simulator::Destroy();
  simulator_in_use = false;
}

SimTime Ns3EventLoop::now() const { return Nanoseconds(ns3::Simulator::Now().GetNanoSeconds()); }

void Ns3EventLoop::at(SimTime when, Callback fn) {
  const SimTime delay = when - now();
  assert(delay >= SimTime());
  ns3::Simulator::Schedule(ns3::NanoSeconds(delay.nanoseconds()), [fn = std::move(fn)] { fn(); });
}

void Ns3EventLoop::run() { ns3::Simulator::Run(); }

void Ns3EventLoop::stop() { ns3::Simulator::Stop(); }

}  // namespace locosim
