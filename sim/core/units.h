// Physical quantities as types, so that seconds, bytes and bit rates never cross an
// interface as bare numbers. Virtual time is integer nanoseconds: exact, totally ordered
// and identical on every machine, which is what makes runs reproducible bit for bit.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>

namespace locosim {

// A point in (or span of) virtual time, in integer nanoseconds. 2^63 ns is 292 years.
class SimTime {
 public:
  constexpr SimTime() = default;
  static constexpr SimTime FromNanoseconds(std::int64_t ns) { return SimTime(ns); }
  // Rounds to the nearest nanosecond.
  static SimTime FromSeconds(double seconds) {
    return SimTime(static_cast<std::int64_t>(std::llround(seconds * 1e9)));
  }
  static constexpr SimTime Max() { return SimTime(INT64_MAX); }

  constexpr std::int64_t nanoseconds() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }

  constexpr SimTime operator+(SimTime o) const { return SimTime(ns_ + o.ns_); }
  constexpr SimTime operator-(SimTime o) const { return SimTime(ns_ - o.ns_); }
  constexpr SimTime& operator+=(SimTime o) {
    ns_ += o.ns_;
    return *this;
  }
  constexpr SimTime& operator-=(SimTime o) {
    ns_ -= o.ns_;
    return *this;
  }
  constexpr auto operator<=>(const SimTime&) const = default;

 private:
  constexpr explicit SimTime(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

inline SimTime Seconds(double s) { return SimTime::FromSeconds(s); }
inline SimTime Milliseconds(double ms) { return SimTime::FromSeconds(ms * 1e-3); }
inline SimTime Microseconds(double us) { return SimTime::FromSeconds(us * 1e-6); }
constexpr SimTime Nanoseconds(std::int64_t ns) { return SimTime::FromNanoseconds(ns); }

// A count of bytes: message sizes, link counters, queue sizes.
class Bytes {
 public:
  constexpr Bytes() = default;
  constexpr explicit Bytes(std::int64_t count) : count_(count) {}
  constexpr std::int64_t count() const { return count_; }
  constexpr double bits() const { return 8.0 * static_cast<double>(count_); }

  constexpr Bytes operator+(Bytes o) const { return Bytes(count_ + o.count_); }
  constexpr Bytes operator-(Bytes o) const { return Bytes(count_ - o.count_); }
  constexpr Bytes& operator+=(Bytes o) {
    count_ += o.count_;
    return *this;
  }
  constexpr Bytes operator*(std::int64_t k) const { return Bytes(count_ * k); }
  constexpr auto operator<=>(const Bytes&) const = default;

 private:
  std::int64_t count_ = 0;
};

// A data rate in bits per second (decimal: 1 Gbps = 1e9 bit/s, as link rates are quoted).
class BitsPerSecond {
 public:
  constexpr BitsPerSecond() = default;
  constexpr explicit BitsPerSecond(double bps) : bps_(bps) {}
  constexpr double bps() const { return bps_; }
  constexpr double bytes_per_second() const { return bps_ / 8.0; }
  constexpr auto operator<=>(const BitsPerSecond&) const = default;

 private:
  double bps_ = 0;
};

constexpr BitsPerSecond Gbps(double g) { return BitsPerSecond(g * 1e9); }
constexpr BitsPerSecond Mbps(double m) { return BitsPerSecond(m * 1e6); }

// Time to serialise `bytes` at `rate`, rounded to the nearest nanosecond.
inline SimTime TransmissionTime(Bytes bytes, BitsPerSecond rate) {
  return SimTime::FromSeconds(bytes.bits() / rate.bps());
}

}  // namespace locosim
