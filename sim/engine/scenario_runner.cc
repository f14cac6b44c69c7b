#include "sim/engine/scenario_runner.h"

#include <cmath>

#include "sim/engine/compute_model.h"

namespace locosim {

Bytes PayloadBytes(const Scenario& s, const DataPlane& data) {
  if (s.payload.bytes) return *s.payload.bytes;
  if (s.payload.parameters) {
    return Bytes(std::llround(*s.payload.parameters * s.payload.bytes_per_parameter));
  }
  return data.model_bytes();
}

ScenarioRunResult RunScenario(const Scenario& scenario, const Topology& topology,
                              const DataPlaneFactory& make_data_plane, const RunHooks& hooks,
                              CheckpointStore* checkpoints) {
  ScenarioRun run;
  run.scenario = scenario;
  run.topology = topology;
  const ComputeSpec& compute = scenario.compute;
  run.compute_source = compute.measured ? "measured on this host"
                       : compute.target_parameters
                           ? "derived: 6 x target_parameters x tokens_per_step FLOPs"
                           : "declared";
  if (!compute.measured) {
    const ComputeModel model(compute, scenario.seed, scenario.replicas);
    run.base_step_time = model.base_step_time();
    for (int r = 0; r < scenario.replicas; ++r) {
      if (model.is_straggler(r)) run.stragglers.push_back(r);
    }
  }
  for (std::size_t m = 0; m < scenario.methods.size(); ++m) {
    const MethodSpec& method = scenario.methods[m];
    const int index = static_cast<int>(m);
    if (hooks.progress) hooks.progress(method.name, 0.0);
    std::unique_ptr<DataPlane> data = make_data_plane();
    if (run.methods.empty()) {
      run.trained_model = data->description();
      run.trains = data->trains();
      run.parameter_count = data->parameter_count();
      run.model_bytes = data->model_bytes();
      run.payload = PayloadBytes(scenario, *data);
      run.payload_source =
          scenario.payload.bytes || scenario.payload.parameters ? "declared" : "trained model";
    }
    std::function<void(double)> progress;
    if (hooks.progress) progress = [&](double f) { hooks.progress(method.name, f); };
    std::unique_ptr<MethodJournal> journal;
    if (checkpoints) journal = checkpoints->BeginMethod(index, *data);
    MethodRunInput input{scenario,    topology, method, journal ? journal->data() : *data,
                         run.payload, progress, 0,      {}};
    if (journal) {
      input.checkpoint_every_rounds = scenario.checkpoint_every_rounds;
      input.checkpoint = [&] { checkpoints->AtCheckpoint(index, *journal); };
    }
    MethodRunResult result = RunMethod(input);
    if (auto* failure = std::get_if<RunFailure>(&result)) return std::move(*failure);
    if (journal) checkpoints->EndMethod(index, *journal);
    run.methods.push_back(std::move(std::get<MethodRun>(result)));
    if (hooks.progress) hooks.progress(method.name, 1.0);
  }
  return run;
}

}  // namespace locosim
