// The one clock. Every component that needs time receives an EventLoop& and asks it; nothing
// in the simulation reads the wall clock. Two implementations: HeapEventLoop (analytic and
// flow backends) and a wrapper over ns3::Simulator (ns-3 backend), so engine, methods and
// collectives are the same code on every backend.
#pragma once

#include <functional>

#include "sim/core/units.h"

namespace locosim {

class EventLoop {
 public:
  using Callback = std::function<void()>;

  virtual ~EventLoop() = default;

  // The current virtual time: the time of the event being processed, or of the last one.
  virtual SimTime now() const = 0;

  // Runs `fn` at virtual time `when`. REQUIRES: when >= now(). Events at equal times run in
  // the order they were scheduled (FIFO), which keeps every run deterministic.
  virtual void at(SimTime when, Callback fn) = 0;

  // Processes events in time order until none is left or stop() is called. A packet-level
  // backend stops it when its watchdog finds that nothing moves (Network::stall() says so).
  virtual void run() = 0;

  // Makes run() return after the current event; pending events stay queued.
  virtual void stop() = 0;

  void after(SimTime delay, Callback fn) { at(now() + delay, std::move(fn)); }
};

}  // namespace locosim
