// Flow-level model: every active transfer is a fluid flow along its route; each channel
// (link direction, links are full duplex) is shared max-min fairly among the flows crossing
// it, re-solved whenever a flow starts or ends. A flow drains at its current rate from the
// moment it starts; its last byte arrives one path latency after the sender has pushed it,
// so a flow alone on its path takes exactly latency + 8·bytes/bottleneck, like `analytic`.
//
// Modelling error, stated: a fluid knows no TCP (the optional corrections in
// tcp_correction.h add start-up and the loss-limited rate as a delay), and a flow's rate
// changes instantly along the whole path (no queues). ns-3 (sim/net/ns3/) is the check.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sim/core/event_loop.h"
#include "sim/net/max_min.h"
#include "sim/net/network.h"
#include "sim/net/routing.h"

namespace locosim {

class FlowNetwork final : public Network {
 public:
  // `loop` and `topology` must outlive this object.
  FlowNetwork(EventLoop& loop, const Topology& topology);

  void transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) override;
  std::vector<double> channel_bytes() const override;
  const Topology& topology() const override { return topology_; }

  // Sum of the current rates of the flows on each channel, bits per second (for tests of
  // the capacity invariant).
  std::vector<double> channel_load_bps() const;
  int active_flows() const { return active_count_; }
  std::uint64_t rate_solves() const { return solves_; }

 private:
  struct Flow {
    const Path* path = nullptr;  // null: free slot
    double remaining_bytes = 0;  // as of updated_at
    double rate_bps = 0;
    SimTime updated_at;
    OnDone on_done;
    std::uint64_t finish_token = 0;  // matches the one pending finish event
    std::uint64_t visit = 0;         // component search mark
  };

  // Brings a flow's remaining bytes and its channels' counters forward to now().
  void Settle(Flow& flow);
  // Adds (+1) or removes (-1) a flow's demand on its channels and marks the channels whose
  // constraint matters before or after as needing a re-solve.
  void UpdateDemand(const Path& path, int sign);
  // A channel can limit a rate only if the bottlenecks of its flows add up to more than its
  // capacity; otherwise no allocation can fill it, and it is left out of the solve.
  bool MayBind(Channel c) const;
  // Re-solves rates once at the current time, however many flows started or ended at it.
  void RequestSolve();
  void Solve();
  // The new flows and the flows on changed channels, plus every flow connected to them
  // through channels that may bind: max-min rates of all other flows cannot change.
  std::vector<int> AffectedFlows();
  void ScheduleFinish(int slot);
  void OnFinish(int slot, std::uint64_t token);

  EventLoop& loop_;
  const Topology& topology_;
  Routing routing_;
  MaxMinSolver solver_;
  std::vector<Flow> flows_;  // slots, reused through free_slots_
  std::vector<int> free_slots_;
  std::vector<std::vector<int>> channel_flows_;  // active flow slots on each channel
  std::vector<double> carried_bytes_;            // settled bytes per channel
  std::vector<double> demand_bps_;               // sum of path bottlenecks of flows on it
  std::vector<Channel> dirty_channels_;
  std::vector<int> new_flows_;
  std::vector<std::uint64_t> channel_visit_;
  std::uint64_t visit_ = 0;
  int active_count_ = 0;
  bool solve_pending_ = false;
  std::uint64_t solves_ = 0;
};

}  // namespace locosim
