#include "sim/net/flow_network.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace locosim {
namespace {

std::vector<double> ChannelCapacities(const Topology& t) {
  std::vector<double> capacity(static_cast<std::size_t>(t.channel_count()));
  for (Channel c = 0; c < t.channel_count(); ++c) capacity[c] = t.channel_bandwidth(c).bps();
  return capacity;
}

}  // namespace

FlowNetwork::FlowNetwork(EventLoop& loop, const Topology& topology)
    : loop_(loop),
      topology_(topology),
      routing_(topology),
      solver_(ChannelCapacities(topology)),
      carried_bytes_(static_cast<std::size_t>(topology.channel_count()), 0.0),
      advanced_to_(loop.now()) {}

void FlowNetwork::transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) {
  const Path& path = routing_.path(src, dst);
  if (bytes.count() == 0) {
    loop_.after(path.latency, std::move(on_done));
    return;
  }
  Advance();
  int slot;
  if (free_slots_.empty()) {
    slot = static_cast<int>(flows_.size());
    flows_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  flows_[slot] = Flow{&path, static_cast<double>(bytes.count()), 0.0, std::move(on_done)};
  active_.push_back(slot);
  RequestSolve();
}

void FlowNetwork::Advance() {
  const double dt = (loop_.now() - advanced_to_).seconds();
  advanced_to_ = loop_.now();
  if (dt <= 0) return;
  for (int slot : active_) {
    Flow& f = flows_[slot];
    const double moved = f.rate_bps / 8.0 * dt;
    f.remaining_bytes -= moved;
    for (Channel c : f.path->channels) carried_bytes_[c] += moved;
  }
}

void FlowNetwork::RequestSolve() {
  ++generation_;  // any scheduled finish is now stale
  if (solve_pending_) return;
  solve_pending_ = true;
  loop_.at(loop_.now(), [this] { Solve(); });
}

void FlowNetwork::Solve() {
  solve_pending_ = false;
  Advance();
  ++solves_;
  std::vector<std::span<const int>> paths;
  paths.reserve(active_.size());
  for (int slot : active_) paths.emplace_back(flows_[slot].path->channels);
  const std::vector<double> rates = solver_.Solve(paths);

  SimTime earliest = SimTime::Max();
  for (std::size_t i = 0; i < active_.size(); ++i) {
    Flow& f = flows_[active_[i]];
    f.rate_bps = rates[i];
    assert(f.rate_bps > 0);
    // Round up so that the flow has fully drained when the event fires.
    const double seconds = std::max(0.0, f.remaining_bytes) * 8.0 / f.rate_bps;
    const SimTime finish =
        loop_.now() + Nanoseconds(static_cast<std::int64_t>(std::ceil(seconds * 1e9)));
    earliest = std::min(earliest, finish);
  }
  if (active_.empty()) return;
  const std::uint64_t generation = ++generation_;
  loop_.at(earliest, [this, generation] { OnEarliestFinish(generation); });
}

void FlowNetwork::OnEarliestFinish(std::uint64_t generation) {
  if (generation != generation_) return;
  Advance();
  // A flow is done when what is left would drain within a nanosecond: the rounding slack
  // of integer time. The residue is credited so that link counters stay exact.
  std::vector<int> still_active;
  still_active.reserve(active_.size());
  for (int slot : active_) {
    Flow& f = flows_[slot];
    const double slack = f.rate_bps / 8.0 * 1e-9 + 1e-9;
    if (f.remaining_bytes > slack) {
      still_active.push_back(slot);
      continue;
    }
    for (Channel c : f.path->channels) carried_bytes_[c] += f.remaining_bytes;
    loop_.after(f.path->latency, std::move(f.on_done));
    f = Flow{};
    free_slots_.push_back(slot);
  }
  active_ = std::move(still_active);
  RequestSolve();
}

std::vector<double> FlowNetwork::channel_bytes() const {
  // Bytes in flight up to now are included: counters advance continuously.
  std::vector<double> bytes = carried_bytes_;
  const double dt = (loop_.now() - advanced_to_).seconds();
  for (int slot : active_) {
    const Flow& f = flows_[slot];
    for (Channel c : f.path->channels) bytes[c] += f.rate_bps / 8.0 * dt;
  }
  return bytes;
}

std::vector<double> FlowNetwork::channel_load_bps() const {
  std::vector<double> load(static_cast<std::size_t>(topology_.channel_count()), 0.0);
  for (int slot : active_) {
    for (Channel c : flows_[slot].path->channels) load[c] += flows_[slot].rate_bps;
  }
  return load;
}

}  // namespace locosim
