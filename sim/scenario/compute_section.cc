#include "sim/scenario/compute_section.h"

#include <charconv>
#include <string>

#include "sim/config/field_readers.h"

namespace locosim {
namespace {

// {"3": 2.0, "7": 1.5}: replica index -> step time multiplier.
std::map<int, double> ReadStepTimeFactors(const JsonReader& r, int replicas) {
  r.ExpectObject();
  std::map<int, double> factors;
  for (const auto& [key, value] : r.raw().items()) {
    const JsonReader v = r.Field(key);
    int replica = -1;
    const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), replica);
    if (error != std::errc() || end != key.data() + key.size() || replica < 0 ||
        replica >= replicas || std::to_string(replica) != key) {
      v.Fail("a key that is a replica index in [0, replicas = " + std::to_string(replicas) +
             "), as a decimal string like \"3\"");
    }
    factors[replica] = NumberIn(v, 0.01, 1000, "a step time multiplier in [0.01, 1000]");
  }
  return factors;
}

}  // namespace

ComputeSpec ReadComputeSection(const JsonReader& r, int replicas) {
  r.ExpectOnlyKeys({"step_time", "target_parameters", "tokens_per_step", "accelerator_tflops",
                    "mfu", "accelerators_per_replica", "jitter_sigma", "stragglers", "measured",
                    "replica_step_time_factor"});
  ComputeSpec c;
  Optional(r, "step_time", c.step_time,
           [](const JsonReader& v) { return std::optional<SimTime>(v.Duration()); });
  Optional(r, "target_parameters", c.target_parameters, [](const JsonReader& v) {
    return std::optional<double>(NumberIn(v, 1, 1e15, "a parameter count in [1, 1e15]"));
  });
  Optional(r, "tokens_per_step", c.tokens_per_step,
           [](const JsonReader& v) { return NumberIn(v, 1, 1e12, "a token count in [1, 1e12]"); });
  Optional(r, "accelerator_tflops", c.accelerator_tflops, [](const JsonReader& v) {
    return NumberIn(v, 1e-6, 1e6, "a throughput in TFLOP/s in (0, 1e6]");
  });
  Optional(r, "mfu", c.mfu,
           [](const JsonReader& v) { return NumberIn(v, 1e-4, 1, "a utilisation in (0, 1]"); });
  Optional(r, "accelerators_per_replica", c.accelerators_per_replica,
           [](const JsonReader& v) { return IntIn(v, 1, 1 << 20, "a positive count"); });
  Optional(r, "jitter_sigma", c.jitter_sigma,
           [](const JsonReader& v) { return NumberIn(v, 0, 3, "a lognormal sigma in [0, 3]"); });
  Optional(r, "measured", c.measured, [](const JsonReader& v) { return v.Boolean(); });
  Optional(r, "replica_step_time_factor", c.replica_step_time_factor,
           [&](const JsonReader& v) { return ReadStepTimeFactors(v, replicas); });
  if (auto s = r.OptionalField("stragglers")) {
    s->ExpectOnlyKeys({"fraction", "slowdown"});
    c.straggler_fraction = NumberIn(s->Field("fraction"), 0, 1, "a fraction of replicas in [0, 1]");
    c.straggler_slowdown =
        NumberIn(s->Field("slowdown"), 1, 1000, "a slowdown factor in [1, 1000]");
  }
  const int ways = (c.step_time ? 1 : 0) + (c.target_parameters ? 1 : 0) + (c.measured ? 1 : 0);
  if (ways > 1)
    r.Fail(
        "one of \"step_time\", \"target_parameters\" (with tokens_per_step and accelerator_tflops) "
        "or \"measured\": true");
  if (c.target_parameters && (c.tokens_per_step <= 0 || c.accelerator_tflops <= 0)) {
    r.Fail("\"tokens_per_step\" and \"accelerator_tflops\" with \"target_parameters\"");
  }
  if (ways == 0) c.step_time = Milliseconds(100);
  return c;
}

}  // namespace locosim
