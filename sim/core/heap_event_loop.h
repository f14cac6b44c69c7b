#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "sim/core/event_loop.h"

namespace locosim {

// A binary heap of (time, sequence number) pairs: earliest time first, then FIFO. The heap
// holds small trivially-copyable keys; callbacks wait in a slab beside it, so that sifting
// never moves a std::function.
class HeapEventLoop final : public EventLoop {
 public:
  SimTime now() const override { return now_; }
  void at(SimTime when, Callback fn) override;
  void run() override;
  void stop() override { stopped_ = true; }

  std::size_t pending() const { return queue_.size(); }
  std::uint64_t processed() const { return processed_; }

 private:
  struct Key {
    SimTime when;
    std::uint64_t sequence;
    std::uint32_t slot;  // index into callbacks_
  };
  struct Later {
    bool operator()(const Key& a, const Key& b) const {
      if (a.when != b.when) return a.when > b.when;
      return a.sequence > b.sequence;
    }
  };

  std::priority_queue<Key, std::vector<Key>, Later> queue_;
  std::vector<Callback> callbacks_;
  std::vector<std::uint32_t> free_slots_;
  SimTime now_;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t processed_ = 0;
  bool stopped_ = false;
};

}  // namespace locosim
