#include "sim/net/real/link_queue.h"

#include <cmath>
#include <deque>
#include <map>

namespace locosim::real {

std::uint64_t FlowOf(const std::vector<std::uint8_t>& p) {
  if (p.size() < 20) return 0;
  auto word = [&p](std::size_t at, int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | p[at + i];
    return v;
  };
  // Replicas' addresses differ in their last byte only (10.231.0.x), so the key keeps those
  // two bytes, the protocol and both ports: exact within one emulated WAN.
  std::uint64_t key = (word(15, 1) << 48) | (word(19, 1) << 40) | (word(9, 1) << 32);
  const std::size_t header = static_cast<std::size_t>(p[0] & 0x0f) * 4;
  const std::uint8_t protocol = p[9];
  // Ports only where they are: a later fragment (offset > 0) starts with payload.
  const bool first_fragment = (p[6] & 0x1f) == 0 && p[7] == 0;
  if ((protocol == 6 || protocol == 17) && first_fragment && p.size() >= header + 4)
    key |= word(header, 4);
  return key;
}

namespace {

class FifoQueue final : public LinkQueue {
 public:
  explicit FifoQueue(double limit_bytes) : limit_bytes_(limit_bytes) {}

  void Enqueue(EmulatedPacket packet, EmulatorClock::time_point) override {
    if (bytes_ + static_cast<double>(packet.size()) > limit_bytes_) {
      ++drops_;  // tail drop
      return;
    }
    bytes_ += static_cast<double>(packet.size());
    packets_.push_back(std::move(packet));
  }

  std::optional<EmulatedPacket> Dequeue(EmulatorClock::time_point) override {
    if (packets_.empty()) return std::nullopt;
    EmulatedPacket p = std::move(packets_.front());
    packets_.pop_front();
    bytes_ -= static_cast<double>(p.size());
    return p;
  }

 private:
  double limit_bytes_;
  double bytes_ = 0;
  std::deque<EmulatedPacket> packets_;
};

class FqCoDelQueue final : public LinkQueue {
 public:
  explicit FqCoDelQueue(const FqCoDelSettings& s) : s_(s) {}

  void Enqueue(EmulatedPacket packet, EmulatorClock::time_point now) override {
    packet.enqueued = now;
    Flow& flow = flows_[FlowOf(*packet.bytes)];
    flow.bytes += packet.size();
    flow.packets.push_back(std::move(packet));
    ++packets_;
    if (!flow.listed) {
      flow.listed = true;
      flow.deficit = static_cast<long>(s_.quantum_bytes);
      new_flows_.push_back(&flow);
    }
    if (packets_ > s_.limit_packets) DropFromFattest();
  }

  std::optional<EmulatedPacket> Dequeue(EmulatorClock::time_point now) override {
    for (;;) {
      std::deque<Flow*>* list = !new_flows_.empty()   ? &new_flows_
                                : !old_flows_.empty() ? &old_flows_
                                                      : nullptr;
      if (!list) return std::nullopt;
      Flow* flow = list->front();
      if (flow->deficit <= 0) {
        flow->deficit += static_cast<long>(s_.quantum_bytes);
        list->pop_front();
        old_flows_.push_back(flow);
        continue;
      }
      std::optional<EmulatedPacket> p = CoDelDequeue(*flow, now);
      if (!p) {
        // Empty: a new flow goes to the old list once (so it cannot starve the old ones by
        // coming back as new), an old one leaves the lists.
        list->pop_front();
        if (list == &new_flows_ && !old_flows_.empty()) {
          old_flows_.push_back(flow);
        } else {
          // Unlisted but kept, as Linux keeps a bucket: CoDel's count outlives an empty
          // spell. Flows are the run's connections, so the map stays small.
          flow->listed = false;
        }
        continue;
      }
      flow->deficit -= static_cast<long>(p->size());
      return p;
    }
  }

 private:
  struct Flow {
    std::deque<EmulatedPacket> packets;
    std::size_t bytes = 0;
    long deficit = 0;
    bool listed = false;
    // CoDel's state
    std::optional<EmulatorClock::time_point> first_above;
    EmulatorClock::time_point drop_next{};
    std::uint32_t count = 0;
    std::uint32_t last_count = 0;
    bool dropping = false;
  };

  std::optional<EmulatedPacket> Pop(Flow& f) {
    if (f.packets.empty()) return std::nullopt;
    EmulatedPacket p = std::move(f.packets.front());
    f.packets.pop_front();
    f.bytes -= p.size();
    --packets_;
    return p;
  }

  // RFC 8289's "ok to drop": the sojourn time has been above target for an interval.
  bool ShouldDrop(Flow& f, const std::optional<EmulatedPacket>& p, EmulatorClock::time_point now) {
    if (!p || now - p->enqueued < s_.target || f.bytes <= s_.mtu_bytes) {
      f.first_above.reset();
      return false;
    }
    if (!f.first_above) {
      f.first_above = now + s_.interval;
      return false;
    }
    return now >= *f.first_above;
  }

  EmulatorClock::time_point ControlLaw(EmulatorClock::time_point t, std::uint32_t count) const {
    return t + std::chrono::duration_cast<EmulatorClock::duration>(
                   s_.interval / std::sqrt(static_cast<double>(count)));
  }

  std::optional<EmulatedPacket> CoDelDequeue(Flow& f, EmulatorClock::time_point now) {
    std::optional<EmulatedPacket> p = Pop(f);
    bool drop = ShouldDrop(f, p, now);
    if (!p) {
      f.dropping = false;
      return p;
    }
    if (f.dropping) {
      if (!drop) {
        f.dropping = false;
      } else {
        while (f.dropping && now >= f.drop_next) {
          ++drops_;
          ++f.count;
          p = Pop(f);
          if (!ShouldDrop(f, p, now)) {
            f.dropping = false;
          } else {
            f.drop_next = ControlLaw(f.drop_next, f.count);
          }
        }
      }
    } else if (drop) {
      ++drops_;
      p = Pop(f);
      ShouldDrop(f, p, now);
      f.dropping = true;
      // Start near the drop rate of the last dropping state if it ended recently.
      const std::uint32_t delta = f.count - f.last_count;
      f.count = (delta > 1 && now - f.drop_next < 16 * s_.interval) ? delta : 1;
      f.drop_next = ControlLaw(now, f.count);
      f.last_count = f.count;
    }
    return p;
  }

  void DropFromFattest() {
    Flow* fattest = nullptr;
    for (auto& [key, flow] : flows_)
      if (!fattest || flow.bytes > fattest->bytes) fattest = &flow;
    if (fattest && Pop(*fattest)) ++drops_;
  }

  FqCoDelSettings s_;
  std::map<std::uint64_t, Flow> flows_;  // nodes never move: the lists hold pointers
  std::deque<Flow*> new_flows_, old_flows_;
  std::size_t packets_ = 0;
};

}  // namespace

std::unique_ptr<LinkQueue> MakeFifoQueue(double limit_bytes) {
  return std::make_unique<FifoQueue>(limit_bytes);
}

std::unique_ptr<LinkQueue> MakeFqCoDelQueue(const FqCoDelSettings& settings) {
  return std::make_unique<FqCoDelQueue>(settings);
}

}  // namespace locosim::real
