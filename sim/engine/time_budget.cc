#include "sim/engine/time_budget.h"

#include <algorithm>
#include <cstdio>

#include "sim/engine/compute_model.h"
#include "sim/methods/streaming_diloco/streaming_diloco.h"
#include "sim/net/routing.h"
#include "sim/net/tcp_correction.h"
#include "sim/scenario/scenario_reader.h"

namespace locosim {
namespace {

struct Bound {
  double compute_s = 0;
  double sync_s = 0;
};

// The network's part of a sync, per message and per TCP round trip, from the scenario's
// topology: the slowest link (capped by TCP's loss response at the worst path's loss and
// round trip) and a bound on any replica-to-replica round trip.
struct NetworkBound {
  double slowest_bps = 1e300;
  double rtt_s = 0;
};

NetworkBound BoundNetwork(const Scenario& s, const Topology& t) {
  NetworkBound n;
  double delivered = 1, extra_s = 0;
  for (const Link& l : t.links) {
    n.slowest_bps = std::min(n.slowest_bps, l.bandwidth.bps());
    delivered *= 1 - l.loss_rate;
    extra_s = std::max(extra_s, 10 * l.jitter.mean.seconds());
  }
  // Least-latency routes: d(a, b) <= d(a, r0) + d(r0, b), so 2·max d(r0, x) bounds every
  // one-way path between replicas.
  Routing routing(t);
  double farthest_s = 0;
  for (NodeIndex r : t.replicas) {
    if (r != t.replicas[0])
      farthest_s = std::max(farthest_s, routing.path(t.replicas[0], r).latency.seconds());
  }
  n.rtt_s = 2 * (2 * farthest_s + t.links.size() * extra_s);
  const double p = 1 - delivered;
  if (p > 0 && n.rtt_s > 0) {
    const NetworkOptions::Tcp& tcp = s.network.options.tcp;
    if (auto rate = LossResponseRate(tcp.congestion_control, Bytes(tcp.segment_bytes()),
                                     SimTime::FromSeconds(n.rtt_s), p, tcp.min_rto)) {
      n.slowest_bps = std::min(n.slowest_bps, rate->bps());
    }
  }
  return n;
}

Bound MethodBound(const Scenario& s, const MethodSpec& m, const NetworkBound& n, Bytes payload) {
  // Streaming DiLoCo syncs one of its P fragments every H/P steps.
  const auto* streaming = SettingsOf<StreamingDilocoSettings>(m);
  const double rounds = static_cast<double>(s.total_steps) / InnerStepsOf(s, m) *
                        (streaming ? streaming->fragments : 1);
  double step_s = 0;
  if (!s.compute.measured) {
    // In doubles: a derived step time beyond SimTime's range must be caught, not wrapped.
    const ComputeSpec& c = s.compute;
    step_s = c.step_time ? c.step_time->seconds() : ComputeModel::DerivedStepSeconds(c);
    step_s *= std::max(1.0, c.straggler_slowdown);
  }
  double slowest_pinned = 1.0;
  for (const auto& [replica, factor] : s.compute.replica_step_time_factor) {
    slowest_pinned = std::max(slowest_pinned, factor);
  }
  step_s *= slowest_pinned;
  const double message_s = 4 * payload.bits() / n.slowest_bps;
  // Each sync: every replica's messages one after another on the slowest link, plus, for
  // each of a ring's 2N steps, a handshake, a delayed-ACK wait and up to 32 slow-start
  // rounds (the window doubles from 2 segments past any bandwidth-delay product).
  const double per_sync_s = s.replicas * message_s + 2.0 * s.replicas * 34 * n.rtt_s;
  return {s.total_steps * step_s, rounds * per_sync_s};
}

}  // namespace

double VirtualSecondsBound(const Scenario& s, const Topology& t, Bytes payload) {
  double worst = 0;
  const NetworkBound n = BoundNetwork(s, t);
  for (const MethodSpec& m : s.methods) {
    const Bound b = MethodBound(s, m, n, payload);
    worst = std::max(worst, b.compute_s + b.sync_s);
  }
  return worst;
}

std::optional<ConfigError> CheckVirtualTimeFits(const Scenario& s, const Topology& t,
                                                Bytes payload) {
  const NetworkBound n = BoundNetwork(s, t);
  for (const MethodSpec& m : s.methods) {
    const Bound b = MethodBound(s, m, n, payload);
    if (b.compute_s + b.sync_s <= kMaxVirtualSeconds) continue;
    char figures[200];
    std::snprintf(
        figures, sizeof figures,
        "; method %s could take up to %.3g s of virtual time (compute %.3g s, syncs %.3g s), "
        "beyond the %.3g s locosim represents",
        m.name.c_str(), b.compute_s + b.sync_s, b.compute_s, b.sync_s, kMaxVirtualSeconds);
    if (b.sync_s >= b.compute_s) {
      return ConfigError{s.file, "$.network",
                         "links fast enough for the payload (the slowest link's bandwidth, or a "
                         "smaller payload, or fewer rounds)" +
                             std::string(figures)};
    }
    return ConfigError{
        s.file, "$.compute",
        "a step time and budget whose total fits (step time × total_steps)" + std::string(figures)};
  }
  return std::nullopt;
}

}  // namespace locosim
