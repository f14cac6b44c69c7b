#include "sim/scenario/scenario_echo.h"

#include "sim/config/quantity.h"
#include "sim/config/topology_json.h"
#include "sim/methods/method_registry.h"
#include "sim/scenario/scenario_reader.h"

namespace locosim {
namespace {

nlohmann::ordered_json ObjectiveEcho(const ObjectiveSpec& o) {
  if (!o.dpo()) return {{"kind", o.kind}};
  return {{"kind", o.kind},
          {"beta", o.beta},
          {"rounds", o.rounds},
          {"apo_alpha", o.apo_alpha},
          {"prompt_tokens", o.prompt_tokens},
          {"response_tokens", o.response_tokens},
          {"rejected", o.rejected}};
}

}  // namespace

nlohmann::ordered_json ScenarioToJson(const Scenario& s) {
  using J = nlohmann::ordered_json;
  J model = {{"kind", s.model.kind}};
  if (!s.model.preset.empty()) model["preset"] = s.model.preset;
  if (s.model.kind == "char_transformer") {
    model.update(J{{"layers", s.model.layers},
                   {"d_model", s.model.d_model},
                   {"heads", s.model.heads},
                   {"context", s.model.context}});
  } else if (s.model.kind == "mlp") {
    model["hidden"] = s.model.hidden;
  } else {
    model["channels"] = s.model.channels;
  }
  J data = {{"kind", s.data.kind},
            {"path", s.data.path},
            {"validation_fraction", s.data.validation_fraction},
            {"iid", s.data.iid}};
  if (s.data.kind == "text") data["vocab"] = s.data.vocab;
  J optimizer = {{"kind", s.inner_optimizer.kind},
                 {"lr", s.inner_optimizer.lr},
                 {"weight_decay", s.inner_optimizer.weight_decay},
                 {"eps", s.inner_optimizer.eps},
                 {"max_grad_norm", s.inner_optimizer.max_grad_norm},
                 {"warmup_steps", s.inner_optimizer.warmup_steps},
                 {"cosine_steps", s.inner_optimizer.cosine_steps}};
  if (s.inner_optimizer.kind == "adan") optimizer["adan_no_prox"] = s.inner_optimizer.adan_no_prox;
  if (!s.inner_optimizer.betas.empty()) optimizer["betas"] = s.inner_optimizer.betas;
  J methods = J::array();
  for (const MethodSpec& m : s.methods) {
    methods.push_back(EchoMethodSpec(m, InnerStepsOf(s, m), StreamsOf(s, m)));
  }
  J payload = J::object();
  if (s.payload.bytes)
    payload["bytes"] = s.payload.bytes->count();
  else if (s.payload.parameters)
    payload.update(J{{"parameters", *s.payload.parameters},
                     {"bytes_per_parameter", s.payload.bytes_per_parameter}});
  else
    payload["bytes"] = "auto";
  J compute = J::object();
  if (s.compute.step_time) compute["step_time"] = FormatDuration(*s.compute.step_time);
  if (s.compute.target_parameters) {
    compute.update(J{{"target_parameters", *s.compute.target_parameters},
                     {"tokens_per_step", s.compute.tokens_per_step},
                     {"accelerator_tflops", s.compute.accelerator_tflops},
                     {"mfu", s.compute.mfu},
                     {"accelerators_per_replica", s.compute.accelerators_per_replica}});
  }
  if (s.compute.measured) compute["measured"] = true;
  compute["jitter_sigma"] = s.compute.jitter_sigma;
  compute["stragglers"] = {{"fraction", s.compute.straggler_fraction},
                           {"slowdown", s.compute.straggler_slowdown}};
  J factors = J::object();
  for (const auto& [replica, factor] : s.compute.replica_step_time_factor) {
    factors[std::to_string(replica)] = factor;
  }
  compute["replica_step_time_factor"] = std::move(factors);
  J network = {{"backend", s.network.backend}};
  if (!s.network.topology_file.empty()) {
    network["topology"] = s.network.topology_file;
  } else {
    J g = {{"kind", s.network.generator},
           {"bandwidth", FormatRate(s.network.bandwidth)},
           {"latency", FormatDuration(s.network.latency)}};
    if (s.network.generator == "regions" || s.network.generator == "internet")
      g["regions"] = s.network.regions;
    if (s.network.generator == "regions") {
      g.update(J{{"wan_bandwidth", FormatRate(s.network.wan_bandwidth)},
                 {"wan_latency", FormatDuration(s.network.wan_latency)}});
    }
    if (s.network.generator == "internet") g["seed"] = s.network.generator_seed;
    network["generator"] = std::move(g);
  }
  J overrides = J::object();
  if (s.network.override_bandwidth)
    overrides["bandwidth"] = FormatRate(*s.network.override_bandwidth);
  if (s.network.override_latency)
    overrides["latency"] = FormatDuration(*s.network.override_latency);
  if (s.network.override_loss_rate) overrides["loss_rate"] = *s.network.override_loss_rate;
  if (s.network.override_jitter)
    overrides["jitter"] = LatencyJitterJson(*s.network.override_jitter);
  if (!overrides.empty()) network["overrides"] = std::move(overrides);
  // Every TCP setting in force, whatever the backend: they all model it.
  const NetworkOptions::Tcp& tcp = s.network.options.tcp;
  network["tcp"] = {{"startup", tcp.startup},
                    {"slow_start_after_idle", tcp.slow_start_after_idle},
                    {"congestion_avoidance", tcp.congestion_avoidance},
                    {"streams", tcp.streams},
                    {"congestion_control", tcp.congestion_control},
                    {"mtu_bytes", tcp.mtu_bytes},
                    {"initial_cwnd_segments", tcp.initial_cwnd_segments},
                    {"min_rto", FormatDuration(tcp.min_rto)}};
  if (s.network.backend == "ns3") {
    const auto& o = s.network.options.ns3;
    network["ns3"] = {{"queue_disc", o.queue_disc},
                      {"sack", o.sack},
                      {"seed", o.seed},
                      {"stall_timeout", FormatDuration(o.stall_timeout)}};
  }
  J doc = {{"name", s.name},
           {"seed", s.seed},
           {"replicas", s.replicas},
           {"model", model},
           {"data", data},
           {"batch_size", s.batch_size},
           {"inner_optimizer", optimizer},
           {"objective", ObjectiveEcho(s.objective)},
           {"inner_steps", s.inner_steps},
           {"total_steps", s.total_steps},
           {"eval", {{"every_steps", s.eval.every_steps}, {"batches", s.eval.batches}}}};
  if (!s.seeds.empty()) {  // the list, in place of its first seed, so the echo reads back
    doc.erase("seed");
    doc["seeds"] = s.seeds;
  }
  doc["target_loss"] = s.target_loss ? J(*s.target_loss) : J(nullptr);
  doc["methods"] = std::move(methods);
  doc["payload"] = std::move(payload);
  doc["compute"] = std::move(compute);
  doc["network"] = std::move(network);
  doc["device"] = s.device;
  doc["threads"] = s.threads;
  doc["replica_batching"] = s.replica_batching;
  doc["checkpoint_every_rounds"] = s.checkpoint_every_rounds;
  J scheduled = J::array();
  for (const ScheduledFault& f : s.faults.scheduled) {
    scheduled.push_back(J{{"replica", f.replica},
                          {"at", FormatDuration(f.at)},
                          {"down_for", FormatDuration(f.down_for)}});
  }
  J faults = {{"scheduled", std::move(scheduled)}, {"all_reduce", s.faults.all_reduce}};
  if (s.faults.mean_time_between_failures) {
    faults["random"] = {
        {"mean_time_between_failures", FormatDuration(*s.faults.mean_time_between_failures)},
        {"down_for", FormatDuration(s.faults.random_down_for)}};
  }
  doc["faults"] = std::move(faults);
  return doc;
}

}  // namespace locosim
