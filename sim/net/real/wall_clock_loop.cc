#include "sim/net/real/wall_clock_loop.h"

#include <memory>

#include <boost/asio/post.hpp>

namespace locosim::real {

WallClockLoop::WallClockLoop(std::chrono::seconds deadline)
    : start_(std::chrono::steady_clock::now()), deadline_(deadline), deadline_timer_(io_) {}

SimTime WallClockLoop::now() const {
  return SimTime::FromNanoseconds(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::steady_clock::now() - start_)
                                      .count());
}

void WallClockLoop::at(SimTime when, Callback fn) {
  ++pending_timers_;
  auto timer = std::make_shared<boost::asio::steady_timer>(
      io_, start_ + std::chrono::nanoseconds(when.nanoseconds()));
  timer->async_wait([this, timer, fn = std::move(fn)](const boost::system::error_code& ec) {
    --pending_timers_;
    if (!ec) fn();
    MaybeFinish();
  });
}

void WallClockLoop::Release() {
  --holds_;
  // Finish from the loop, after the handler that released has returned.
  boost::asio::post(io_, [this] { MaybeFinish(); });
}

void WallClockLoop::MaybeFinish() {
  if (pending_timers_ == 0 && holds_ == 0) io_.stop();
}

void WallClockLoop::run() {
  deadline_timer_.expires_after(deadline_);
  deadline_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    hit_deadline_ = true;
    io_.stop();
  });
  boost::asio::post(io_, [this] { MaybeFinish(); });
  io_.restart();
  io_.run();
  deadline_timer_.cancel();
}

void WallClockLoop::stop() { io_.stop(); }

}  // namespace locosim::real
