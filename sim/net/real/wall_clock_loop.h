// The EventLoop of the real backend: events run on the wall clock, on one thread, through a
// Boost.Asio io_context it owns and the real sockets share (so it outlives them). now() is the time
// since the loop was made. run() returns when no timer is pending and nothing holds the loop (the
// socket network holds it while transfers are in flight), or at the deadline, whichever is first:
// every real run is bounded in time.
#pragma once

#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sim/core/event_loop.h"

namespace locosim::real {

class WallClockLoop final : public EventLoop {
 public:
  explicit WallClockLoop(std::chrono::seconds deadline);

  SimTime now() const override;
  void at(SimTime when, Callback fn) override;
  void run() override;
  void stop() override;

  // Work outside timers (a transfer in flight) keeps run() going until released.
  void Hold() { ++holds_; }
  void Release();

  bool hit_deadline() const { return hit_deadline_; }
  boost::asio::io_context& io() { return io_; }

 private:
  void MaybeFinish();

  boost::asio::io_context io_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::seconds deadline_;
  boost::asio::steady_timer deadline_timer_;
  long pending_timers_ = 0;
  long holds_ = 0;
  bool hit_deadline_ = false;
};

}  // namespace locosim::real
