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
  MarkDirty(path);
}

void FlowNetwork::Settle(Flow& flow) {
  const double seconds = (loop_.now() - flow.updated_at).seconds();
  flow.updated_at = loop_.now();
  if (seconds <= 0 || flow.rate_bps == 0) return;
  const double moved = flow.rate_bps / 8.0 * seconds;
  flow.remaining_bytes -= moved;
  for (Channel c : flow.path->channels) carried_bytes_[c] += moved;
}

void FlowNetwork::MarkDirty(const Path& path) {
  dirty_channels_.insert(dirty_channels_.end(), path.channels.begin(), path.channels.end());
  if (solve_pending_) return;
  solve_pending_ = true;
  loop_.at(loop_.now(), [this] { Solve(); });
}

std::vector<int> FlowNetwork::AffectedFlows() {
  ++visit_;
  std::vector<int> affected;
  std::vector<Channel> frontier;
  for (Channel c : dirty_channels_) {
    if (channel_visit_[c] != visit_) {
      channel_visit_[c] = visit_;
      frontier.push_back(c);
    }
  }
  dirty_channels_.clear();
  while (!frontier.empty()) {
    const Channel c = frontier.back();
    frontier.pop_back();
    for (int slot : channel_flows_[c]) {
      Flow& flow = flows_[slot];
      if (flow.visit == visit_) continue;
      flow.visit = visit_;
      affected.push_back(slot);
      for (Channel next : flow.path->channels) {
        if (channel_visit_[next] != visit_) {
          channel_visit_[next] = visit_;
          frontier.push_back(next);
        }
      }
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
  std::vector<std::span<const int>> paths;
  paths.reserve(affected.size());
  for (int slot : affected) paths.emplace_back(flows_[slot].path->channels);
  const std::vector<double> rates = solver_.Solve(paths);
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
  MarkDirty(path);
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
