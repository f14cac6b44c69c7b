#include "sim/engine/time_budget.h"

#include <algorithm>
#include <cstdio>

#include "sim/engine/compute_model.h"
#include "sim/scenario/scenario_reader.h"

namespace locosim {
namespace {

struct Bound {
  double compute_s = 0;
  double sync_s = 0;
};

Bound MethodBound(const Scenario& s, const MethodSpec& m, const Topology& t, Bytes payload) {
  double slowest_bps = 1e300, latencies_s = 0;
  for (const Link& l : t.links) {
    slowest_bps = std::min(slowest_bps, l.bandwidth.bps());
    latencies_s += l.latency.seconds() + 10 * l.jitter.mean.seconds();
  }
  const double rounds = static_cast<double>(s.total_steps) / InnerStepsOf(s, m);
  double step_s = 0;
  if (!s.compute.measured) {
    const SimTime base =
        s.compute.step_time ? *s.compute.step_time : ComputeModel::DerivedStepTime(s.compute);
    step_s = base.seconds() * std::max(1.0, s.compute.straggler_slowdown);
  }
  const double message_s = 4 * payload.bits() / slowest_bps;
  // Each sync: every replica's messages one after another on the slowest link, plus a
  // handshake and slow-start rounds (at most 64) over the longest path, per hop of a ring.
  const double per_sync_s = s.replicas * message_s + 2.0 * s.replicas * 66 * 2 * latencies_s;
  return {s.total_steps * step_s, rounds * per_sync_s};
}

}  // namespace

double VirtualSecondsBound(const Scenario& s, const Topology& t, Bytes payload) {
  double worst = 0;
  for (const MethodSpec& m : s.methods) {
    const Bound b = MethodBound(s, m, t, payload);
    worst = std::max(worst, b.compute_s + b.sync_s);
  }
  return worst;
}

std::optional<ConfigError> CheckVirtualTimeFits(const Scenario& s, const Topology& t,
                                                Bytes payload) {
  for (const MethodSpec& m : s.methods) {
    const Bound b = MethodBound(s, m, t, payload);
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
