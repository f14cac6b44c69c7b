// ReplicaSet::Save and Load: one torch archive holding, per replica, theta, phi, outer momentum,
// the inner optimizer's own archive (as torch::save writes it), the data stream's state and
// the step count, so a loaded set continues exactly as the saved one would have.
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <filesystem>
#include <string>

#include "locosim/replicas/replica_set.h"
#include "replicas/replica_set_impl.h"

namespace locosim::trainers {
namespace {

// 2: top-k error feedback; 3: the DPO objective's rounds (a version 2 file still loads into a
// set without that objective).
constexpr std::int64_t kFormatVersion = 3;

void WriteList(torch::serialize::OutputArchive& archive, const std::string& name,
               const std::vector<torch::Tensor>& tensors) {
  for (std::size_t k = 0; k < tensors.size(); ++k) {
    archive.write(name + "/" + std::to_string(k), tensors[k].detach(), /*is_buffer=*/true);
  }
}

// Copies the saved values into the existing tensors, so every handle (the model's parameters,
// the optimizer's references) stays valid.
void ReadList(torch::serialize::InputArchive& archive, const std::string& name,
              const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  for (std::size_t k = 0; k < tensors.size(); ++k) {
    torch::Tensor saved;
    archive.read(name + "/" + std::to_string(k), saved, /*is_buffer=*/true);
    if (!saved.sizes().equals(tensors[k].sizes())) {
      throw TrainerError("checkpoint tensor " + name + "/" + std::to_string(k) +
                         " has a different shape: the file was made by another model");
    }
    tensors[k].copy_(saved);
  }
}

std::int64_t ReadInt(torch::serialize::InputArchive& archive, const std::string& key) {
  torch::Tensor value;
  archive.read(key, value);
  return value.item<std::int64_t>();
}

}  // namespace

void ReplicaSet::Save(const std::string& path) const {
  if (impl_->sharded())
    throw TrainerError("checkpoints of a run over several ranks are not supported yet");
  torch::serialize::OutputArchive archive;
  archive.write("format_version", torch::tensor(kFormatVersion));
  archive.write("replicas", torch::tensor(std::int64_t(size())));
  archive.write("parameter_count", torch::tensor(parameter_count()));
  for (int i = 0; i < size(); ++i) {
    const Replica& r = impl_->replicas[static_cast<std::size_t>(i)];
    torch::serialize::OutputArchive replica(archive.compilation_unit());
    WriteList(replica, "theta", r.theta);
    WriteList(replica, "phi", r.phi);
    WriteList(replica, "momentum", r.outer_momentum);
    replica.write("error_feedback_tensors",
                  torch::tensor(static_cast<std::int64_t>(r.error_feedback.size())));
    WriteList(replica, "error_feedback", r.error_feedback);
    torch::serialize::OutputArchive optimizer(archive.compilation_unit());
    r.optimizer->save(optimizer);
    replica.write("optimizer", optimizer);
    replica.write("samples", c10::IValue(r.samples.SaveState()));
    replica.write("inner_steps", torch::tensor(r.inner_steps));
    if (r.preference) {
      const PreferenceRound& p = *r.preference;
      WriteList(replica, "preference/reference", p.reference_weights);
      replica.write("preference/previous_tensors",
                    torch::tensor(static_cast<std::int64_t>(p.previous_result.size())));
      WriteList(replica, "preference/previous", p.previous_result);
      replica.write("preference/round", torch::tensor(p.round));
      replica.write("preference/clock", torch::tensor(p.clock));
      replica.write("preference/clock_at_sync", torch::tensor(p.clock_at_sync));
    }
    archive.write("replica/" + std::to_string(i), replica);
  }
  impl_->fragments.Save(archive, "streaming");
  const std::string temporary = path + ".tmp";
  try {
    archive.save_to(temporary);
    std::filesystem::rename(temporary, path);
  } catch (const std::exception& e) {
    throw TrainerError("cannot write checkpoint " + path + ": " + e.what());
  }
}

void ReplicaSet::Load(const std::string& path) {
  if (impl_->sharded())
    throw TrainerError("checkpoints of a run over several ranks are not supported yet");
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, impl_->device);
    const std::int64_t version = ReadInt(archive, "format_version");
    const bool preference = impl_->config.objective.dpo();
    if (!(version == kFormatVersion || (version == 2 && !preference)) ||
        ReadInt(archive, "replicas") != size() ||
        ReadInt(archive, "parameter_count") != parameter_count()) {
      throw TrainerError("checkpoint " + path +
                         " was made by a different replica set (version, "
                         "replica count or model size differ)");
    }
    for (int i = 0; i < size(); ++i) {
      Replica& r = impl_->replicas[static_cast<std::size_t>(i)];
      torch::serialize::InputArchive replica;
      archive.read("replica/" + std::to_string(i), replica);
      ReadList(replica, "theta", r.theta);
      ReadList(replica, "phi", r.phi);
      ReadList(replica, "momentum", r.outer_momentum);
      r.error_feedback.clear();
      if (ReadInt(replica, "error_feedback_tensors") > 0) {
        for (const torch::Tensor& p : r.theta) r.error_feedback.push_back(torch::zeros_like(p));
        ReadList(replica, "error_feedback", r.error_feedback);
      }
      torch::serialize::InputArchive optimizer;
      replica.read("optimizer", optimizer);
      r.optimizer->load(optimizer);
      c10::IValue samples;
      replica.read("samples", samples);
      r.samples.RestoreState(samples.toStringRef());
      r.inner_steps = ReadInt(replica, "inner_steps");
      if (preference) {
        PreferenceRound& p = *r.preference;
        ReadList(replica, "preference/reference", p.reference_weights);
        p.previous_result.clear();
        for (std::int64_t k = 0; k < ReadInt(replica, "preference/previous_tensors"); ++k)
          p.previous_result.push_back(torch::zeros_like(r.theta[static_cast<std::size_t>(k)]));
        ReadList(replica, "preference/previous", p.previous_result);
        p.round = ReadInt(replica, "preference/round");
        p.clock = ReadInt(replica, "preference/clock");
        p.clock_at_sync = ReadInt(replica, "preference/clock_at_sync");
      }
    }
    impl_->fragments.Load(archive, "streaming", impl_->device);
  } catch (const c10::Error& e) {
    throw TrainerError("cannot read checkpoint " + path + ": " + e.what_without_backtrace());
  }
}

}  // namespace locosim::trainers
