#include "locosim/outer/streaming_diloco.h"

#include "locosim/outer/averaging.h"
#include "locosim/outer/compression.h"
#include "locosim/outer/diloco.h"
#include "locosim/trainers/error.h"

namespace locosim::trainers {

void FragmentExchange::Send(std::int64_t sync_id, int replica, const OuterWeights& w,
                            std::span<const int> tensors, const CompressionConfig& compression,
                            int contributors) {
  torch::NoGradGuard no_grad;
  Sync& sync = syncs_[sync_id];
  sync.contributors = contributors;
  sync.tensors = tensors.size();
  if (sync.sent.count(replica)) {
    throw TrainerError("replica " + std::to_string(replica) + " sent sync " +
                       std::to_string(sync_id) + " twice");
  }
  std::vector<torch::Tensor>& out = sync.sent[replica];
  for (int k : tensors) {
    const torch::Tensor difference = w.phi[k] - w.theta[k];
    if (compression.format == WireFormat::kTopK) {
      torch::Tensor error = w.error_feedback[k];
      out.push_back(TopKWithErrorFeedback(difference, error, compression));
    } else {
      out.push_back(WireRoundTrip(difference, compression));
    }
  }
}

FragmentExchange::Sync& FragmentExchange::SentByAll(std::int64_t sync_id, int replica) {
  auto it = syncs_.find(sync_id);
  if (it == syncs_.end() || (!it->second.mean_ready &&
                             static_cast<int>(it->second.sent.size()) < it->second.contributors)) {
    throw TrainerError("replica " + std::to_string(replica) + " merged sync " +
                       std::to_string(sync_id) + " before every replica sent it");
  }
  return it->second;
}

void FragmentExchange::CountMerge(std::int64_t sync_id, int replica) {
  Sync& sync = SentByAll(sync_id, replica);
  if (!sync.merged.insert(replica).second) {
    throw TrainerError("replica " + std::to_string(replica) + " merged sync " +
                       std::to_string(sync_id) + " twice");
  }
  if (static_cast<int>(sync.merged.size()) == sync.contributors) syncs_.erase(sync_id);
}

void FragmentExchange::Merge(std::int64_t sync_id, int replica, const OuterWeights& w,
                             std::span<const int> tensors, const DilocoOuterConfig& config,
                             double alpha) {
  torch::NoGradGuard no_grad;
  CheckMerge(sync_id, replica, tensors);
  Sync& sync = syncs_.at(sync_id);
  if (!sync.mean_ready) {
    for (const auto& [sender, sent] : sync.sent) {
      if (sent.size() != tensors.size()) {
        throw TrainerError("replica " + std::to_string(replica) + " merged sync " +
                           std::to_string(sync_id) + " before replica " + std::to_string(sender) +
                           "'s fragment arrived from the rank that holds it");
      }
    }
    const CompressionConfig& wire = config.compression;
    std::vector<torch::Tensor> contributions;
    for (std::size_t j = 0; j < tensors.size(); ++j) {
      contributions.clear();
      for (const auto& [sender, sent] : sync.sent) contributions.push_back(sent[j]);
      torch::Tensor mean = Mean(contributions);
      if (wire.compresses() && wire.format != WireFormat::kTopK) mean = WireRoundTrip(mean, wire);
      sync.mean.push_back(mean);
    }
    sync.sent.clear();  // the mean is all that is needed from here
    sync.mean_ready = true;
  }
  for (std::size_t j = 0; j < tensors.size(); ++j) {
    const int k = tensors[j];
    torch::Tensor phi = w.phi[k], momentum = w.momentum[k];
    DilocoUpdate(phi, momentum, sync.mean[j], config);
    if (alpha == 0) {
      w.theta[k].copy_(phi);  // exactly DiLoCo's restart from phi
    } else {
      w.theta[k].mul_(alpha).add_(phi, 1 - alpha);
    }
  }
  CountMerge(sync_id, replica);
}

void FragmentExchange::CheckMerge(std::int64_t sync_id, int replica,
                                  std::span<const int> tensors) const {
  const std::string who =
      "replica " + std::to_string(replica) + " merged sync " + std::to_string(sync_id);
  auto it = syncs_.find(sync_id);
  if (it == syncs_.end() || (!it->second.mean_ready &&
                             static_cast<int>(it->second.sent.size()) < it->second.contributors)) {
    throw TrainerError(who + " before every replica sent it");
  }
  if (it->second.merged.count(replica)) throw TrainerError(who + " twice");
  if (tensors.size() != it->second.tensors) {
    throw TrainerError(who + " over " + std::to_string(tensors.size()) + " tensors; " +
                       std::to_string(it->second.tensors) + " were sent");
  }
}

void FragmentExchange::NoteSentElsewhere(std::int64_t sync_id, int replica,
                                         std::span<const int> tensors, int contributors) {
  Sync& sync = syncs_[sync_id];
  sync.contributors = contributors;
  sync.tensors = tensors.size();
  if (!sync.sent.emplace(replica, std::vector<torch::Tensor>{}).second) {
    throw TrainerError("replica " + std::to_string(replica) + " sent sync " +
                       std::to_string(sync_id) + " twice");
  }
}

void FragmentExchange::NoteMergedElsewhere(std::int64_t sync_id, int replica) {
  CountMerge(sync_id, replica);
}

void FragmentExchange::Receive(std::int64_t sync_id, int replica, std::vector<torch::Tensor> sent) {
  auto it = syncs_.find(sync_id);
  if (it == syncs_.end() || !it->second.sent.count(replica)) {
    throw TrainerError("replica " + std::to_string(replica) + "'s fragment of sync " +
                       std::to_string(sync_id) + " arrived, but it was not noted as sent");
  }
  it->second.sent[replica] = std::move(sent);
}

bool FragmentExchange::BeforeFirstMerge(std::int64_t sync_id) const {
  auto it = syncs_.find(sync_id);
  return it != syncs_.end() && it->second.merged.empty() && !it->second.mean_ready;
}

const std::map<int, std::vector<torch::Tensor>>& FragmentExchange::Sent(
    std::int64_t sync_id) const {
  return syncs_.at(sync_id).sent;
}

void FragmentExchange::Save(torch::serialize::OutputArchive& archive,
                            const std::string& prefix) const {
  std::vector<std::int64_t> index;  // per sync: id, contributors, mean ready, senders, means
  for (const auto& [id, sync] : syncs_) {
    index.insert(index.end(), {id, sync.contributors, sync.mean_ready ? 1 : 0,
                               static_cast<std::int64_t>(sync.sent.size()),
                               static_cast<std::int64_t>(sync.mean.size())});
    const std::string at = prefix + "/" + std::to_string(id);
    const std::vector<std::int64_t> merged(sync.merged.begin(), sync.merged.end());
    archive.write(at + "/merged", torch::tensor(merged, torch::kInt64), /*is_buffer=*/true);
    std::vector<std::int64_t> senders;
    for (const auto& [sender, sent] : sync.sent) {
      senders.push_back(sender);
      for (std::size_t j = 0; j < sent.size(); ++j) {
        archive.write(at + "/sent/" + std::to_string(sender) + "/" + std::to_string(j), sent[j],
                      /*is_buffer=*/true);
      }
    }
    archive.write(at + "/senders", torch::tensor(senders, torch::kInt64), /*is_buffer=*/true);
    archive.write(at + "/tensors",
                  torch::tensor(static_cast<std::int64_t>(
                      sync.sent.empty() ? sync.mean.size() : sync.sent.begin()->second.size())),
                  /*is_buffer=*/true);
    for (std::size_t j = 0; j < sync.mean.size(); ++j) {
      archive.write(at + "/mean/" + std::to_string(j), sync.mean[j], /*is_buffer=*/true);
    }
  }
  archive.write(prefix + "/index", torch::tensor(index, torch::kInt64), /*is_buffer=*/true);
}

void FragmentExchange::Load(torch::serialize::InputArchive& archive, const std::string& prefix,
                            torch::Device device) {
  syncs_.clear();
  torch::Tensor index;
  archive.read(prefix + "/index", index, /*is_buffer=*/true);
  index = index.to(torch::kCPU);
  for (std::int64_t i = 0; i + 4 < index.numel(); i += 5) {
    const std::int64_t id = index[i].item<std::int64_t>();
    Sync& sync = syncs_[id];
    sync.contributors = static_cast<int>(index[i + 1].item<std::int64_t>());
    sync.mean_ready = index[i + 2].item<std::int64_t>() != 0;
    const std::int64_t means = index[i + 4].item<std::int64_t>();
    const std::string at = prefix + "/" + std::to_string(id);
    torch::Tensor merged;
    archive.read(at + "/merged", merged, /*is_buffer=*/true);
    merged = merged.to(torch::kCPU);
    for (std::int64_t m = 0; m < merged.numel(); ++m) {
      sync.merged.insert(static_cast<int>(merged[m].item<std::int64_t>()));
    }
    torch::Tensor senders, tensors;
    archive.read(at + "/senders", senders, /*is_buffer=*/true);
    archive.read(at + "/tensors", tensors, /*is_buffer=*/true);
    senders = senders.to(torch::kCPU);
    const std::int64_t count = tensors.to(torch::kCPU).item<std::int64_t>();
    sync.tensors = static_cast<std::size_t>(count);
    for (std::int64_t s = 0; s < senders.numel(); ++s) {
      const int sender = static_cast<int>(senders[s].item<std::int64_t>());
      std::vector<torch::Tensor>& sent = sync.sent[sender];
      for (std::int64_t j = 0; j < count; ++j) {
        torch::Tensor t;
        archive.read(at + "/sent/" + std::to_string(sender) + "/" + std::to_string(j), t,
                     /*is_buffer=*/true);
        sent.push_back(t.to(device));
      }
    }
    for (std::int64_t j = 0; j < means; ++j) {
      torch::Tensor t;
      archive.read(at + "/mean/" + std::to_string(j), t, /*is_buffer=*/true);
      sync.mean.push_back(t.to(device));
    }
  }
}

}  // namespace locosim::trainers
