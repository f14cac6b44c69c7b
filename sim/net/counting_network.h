// A decorator that counts the payload bytes handed to any backend, for "bytes sent" totals
// that do not depend on how many hops a route has.
#pragma once

#include "sim/net/network.h"

namespace locosim {

class CountingNetwork final : public Network {
 public:
  explicit CountingNetwork(Network& inner) : inner_(inner) {}

  void transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) override {
    bytes_sent_ += static_cast<double>(bytes.count());
    ++transfers_;
    inner_.transfer(src, dst, bytes, std::move(on_done));
  }
  std::vector<double> channel_bytes() const override { return inner_.channel_bytes(); }
  const Topology& topology() const override { return inner_.topology(); }

  double bytes_sent() const { return bytes_sent_; }
  std::int64_t transfers() const { return transfers_; }

 private:
  Network& inner_;
  double bytes_sent_ = 0;
  std::int64_t transfers_ = 0;
};

}  // namespace locosim
