#include "sim/core/heap_event_loop.h"

#include <cassert>
#include <utility>

namespace locosim {

void HeapEventLoop::at(SimTime when, Callback fn) {
  assert(when >= now_ && "events cannot be scheduled in the past");
  queue_.push(Event{when, next_sequence_++, std::move(fn)});
}

void HeapEventLoop::run() {
  stopped_ = false;
  while (!queue_.empty() && !stopped_) {
    // priority_queue::top is const; the callback is moved out before pop, which is safe
    // because pop never reads the callback.
    Event event = std::move(const_cast<Event&>(queue_.top()));
    queue_.pop();
    now_ = event.when;
    ++processed_;
    event.fn();
  }
}

}  // namespace locosim
