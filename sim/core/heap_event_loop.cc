#include "sim/core/heap_event_loop.h"

#include <cassert>
#include <utility>

namespace locosim {

void HeapEventLoop::at(SimTime when, Callback fn) {
  assert(when >= now_ && "events cannot be scheduled in the past");
  std::uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(callbacks_.size());
    callbacks_.push_back(std::move(fn));
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    callbacks_[slot] = std::move(fn);
  }
  queue_.push(Key{when, next_sequence_++, slot});
}

void HeapEventLoop::run() {
  stopped_ = false;
  while (!queue_.empty() && !stopped_) {
    const Key key = queue_.top();
    queue_.pop();
    // Moved out first: the callback may schedule events that reuse its slot.
    Callback fn = std::move(callbacks_[key.slot]);
    free_slots_.push_back(key.slot);
    now_ = key.when;
    ++processed_;
    fn();
  }
}

}  // namespace locosim
