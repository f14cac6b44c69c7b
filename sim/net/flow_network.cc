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
      channel_flows_(static_cast<std::size_t>(topology.channel_count())),
      carried_bytes_(static_cast<std::size_t>(topology.channel_count()), 0.0),
      demand_bps_(static_cast<std::size_t>(topology.channel_count()), 0.0),
      channel_visit_(static_cast<std::size_t>(topology.channel_count()), 0) {}

void FlowNetwork::transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) {
  const Path& path = routing_.path(src, dst);
  if (bytes.count() == 0) {
    loop_.after(path.latency, std::move(on_done));
    return;
  }
  int slot;
  if (free_slots_.empty()) {
    slot = static_cast<int>(flows_.size());
    flows_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Flow& flow = flows_[slot];
  flow.path = &path;
  flow.remaining_bytes = static_cast<double>(bytes.count());
  flow.rate_bps = 0;
  flow.updated_at = loop_.now();
  flow.on_done = std::move(on_done);
  for (Channel c : path.channels) channel_flows_[c].push_back(slot);
  ++active_count_;
  new_flows_.push_back(slot);
  UpdateDemand(path, +1);
  RequestSolve();
}

void FlowNetwork::Settle(Flow& flow) {
  const double seconds = (loop_.now() - flow.updated_at).seconds();
  flow.updated_at = loop_.now();
  if (seconds <= 0 || flow.rate_bps == 0) return;
  const double moved = flow.rate_bps / 8.0 * seconds;
  flow.remaining_bytes -= moved;
  for (Channel c : flow.path->channels) carried_bytes_[c] += moved;
}

bool FlowNetwork::MayBind(Channel c) const {
  return demand_bps_[c] > topology_.channel_bandwidth(c).bps() * (1 + 1e-9);
}

void FlowNetwork::UpdateDemand(const Path& path, int sign) {
  for (Channel c : path.channels) {
    const bool before = MayBind(c);
    demand_bps_[c] += sign * path.bottleneck.bps();
    if (before || MayBind(c)) dirty_channels_.push_back(c);
  }
}

void FlowNetwork::RequestSolve() {
  if (solve_pending_) return;
  solve_pending_ = true;
  loop_.at(loop_.now(), [this] { Solve(); });
}

std::vector<int> FlowNetwork::AffectedFlows() {
  ++visit_;
  std::vector<int> affected;
  auto add_flow = [&](int slot) {
    Flow& flow = flows_[slot];
    if (flow.path == nullptr || flow.visit == visit_) return;
    flow.visit = visit_;
    affected.push_back(slot);
  };
  for (int slot : new_flows_) add_flow(slot);
  for (Channel c : dirty_channels_) {
    if (channel_visit_[c] == visit_) continue;
    channel_visit_[c] = visit_;
    for (int slot : channel_flows_[c]) add_flow(slot);
  }
  new_flows_.clear();
  dirty_channels_.clear();
  for (std::size_t i = 0; i < affected.size(); ++i) {  // grows while scanned
    for (Channel c : flows_[affected[i]].path->channels) {
      if (channel_visit_[c] == visit_ || !MayBind(c)) continue;
      channel_visit_[c] = visit_;
      for (int slot : channel_flows_[c]) add_flow(slot);
    }
  }
  // Solve in slot order, whatever order the search found them in.
  std::sort(affected.begin(), affected.end());
  return affected;
}

void FlowNetwork::Solve() {
  solve_pending_ = false;
  const std::vector<int> affected = AffectedFlows();
  if (affected.empty()) return;
  ++solves_;
  // Only channels that may bind constrain the solve; each flow's own bottleneck caps it, so
  // the channels left out can never be overfilled.
  std::vector<int> binding;
  std::vector<std::size_t> offsets = {0};
  std::vector<double> caps;
  for (int slot : affected) {
    for (Channel c : flows_[slot].path->channels) {
      if (MayBind(c)) binding.push_back(c);
    }
    offsets.push_back(binding.size());
    caps.push_back(flows_[slot].path->bottleneck.bps());
  }
  std::vector<std::span<const int>> paths;
  paths.reserve(affected.size());
  for (std::size_t i = 0; i < affected.size(); ++i) {
    paths.emplace_back(binding.data() + offsets[i], offsets[i + 1] - offsets[i]);
  }
  const std::vector<double> rates = solver_.Solve(paths, caps);
  for (std::size_t i = 0; i < affected.size(); ++i) {
    Flow& flow = flows_[affected[i]];
    assert(rates[i] > 0);
    if (rates[i] == flow.rate_bps) continue;  // its finish event still holds
    Settle(flow);
    flow.rate_bps = rates[i];
    ScheduleFinish(affected[i]);
  }
}

void FlowNetwork::ScheduleFinish(int slot) {
  Flow& flow = flows_[slot];
  // Round up so that the flow has fully drained when the event fires.
  const double seconds = std::max(0.0, flow.remaining_bytes) * 8.0 / flow.rate_bps;
  const SimTime finish =
      loop_.now() + Nanoseconds(static_cast<std::int64_t>(std::ceil(seconds * 1e9)));
  const std::uint64_t token = ++flow.finish_token;
  loop_.at(finish, [this, slot, token] { OnFinish(slot, token); });
}

void FlowNetwork::OnFinish(int slot, std::uint64_t token) {
  Flow& flow = flows_[slot];
  if (flow.path == nullptr || flow.finish_token != token) return;  // superseded
  Settle(flow);
  // What is left is the rounding slack of integer time (under a nanosecond's worth); it is
  // credited so that link counters stay exact.
  for (Channel c : flow.path->channels) {
    carried_bytes_[c] += flow.remaining_bytes;
    auto& on_channel = channel_flows_[c];
    on_channel.erase(std::find(on_channel.begin(), on_channel.end(), slot));
  }
  const Path& path = *flow.path;
  loop_.after(path.latency, std::move(flow.on_done));
  flow.path = nullptr;
  flow.on_done = nullptr;
  flow.rate_bps = 0;
  ++flow.finish_token;
  free_slots_.push_back(slot);
  --active_count_;
  UpdateDemand(path, -1);
  RequestSolve();
}

std::vector<double> FlowNetwork::channel_bytes() const {
  // Bytes in flight up to now are included: counters advance continuously.
  std::vector<double> bytes = carried_bytes_;
  for (const Flow& flow : flows_) {
    if (flow.path == nullptr) continue;
    const double moved = flow.rate_bps / 8.0 * (loop_.now() - flow.updated_at).seconds();
    for (Channel c : flow.path->channels) bytes[c] += moved;
  }
  return bytes;
}

std::vector<double> FlowNetwork::channel_load_bps() const {
  std::vector<double> load(static_cast<std::size_t>(topology_.channel_count()), 0.0);
  for (const Flow& flow : flows_) {
    if (flow.path == nullptr) continue;
    for (Channel c : flow.path->channels) load[c] += flow.rate_bps;
  }
  return load;
}

}  // namespace locosim
