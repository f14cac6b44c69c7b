// Replica failures (ReplicaSet::CopyReplicaState, ResetToSlowWeights). A replica rejoining
// from a live peer takes the peer's whole training state but its data stream. Over ranks the
// peer's owner sends that state to the rejoining replica's owner: a header of counts and
// flags, then the tensors and the inner optimizer's own serialization, so the copy has the
// same bits as one process's.
#include <torch/serialize.h>
#include <torch/torch.h>

#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "distributed/rank_messages.h"
#include "locosim/replicas/replica_set.h"
#include "replicas/replica_set_impl.h"

namespace locosim::trainers {
namespace {

// The inner optimizer's state through its own serialization, as a checkpoint carries it: its
// buffers are keyed by parameter position, so they land on the target's own parameters.
std::string SerializedOptimizer(const Replica& r) {
  torch::serialize::OutputArchive saved;
  r.optimizer->save(saved);
  std::ostringstream bytes;
  saved.save_to(bytes);
  return bytes.str();
}

void LoadOptimizer(Replica& r, const std::string& serialized, torch::Device device) {
  std::istringstream bytes(serialized);
  torch::serialize::InputArchive loaded;
  loaded.load_from(bytes, device);
  r.optimizer->load(loaded);
}

void CopyTensors(std::vector<torch::Tensor>& to, const std::vector<torch::Tensor>& from) {
  for (std::size_t k = 0; k < to.size(); ++k) to[k].copy_(from[k]);
}

std::vector<torch::Tensor> Clones(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> out;
  for (const torch::Tensor& t : tensors) out.push_back(t.clone());
  return out;
}

// Everything the target takes from its donor.
struct Donation {
  std::vector<torch::Tensor> theta, phi, momentum;
  std::vector<torch::Tensor> error_feedback;  // empty: the donor never sent top-k
  std::string optimizer;
  std::int64_t inner_steps = 0;
  bool preference = false;
  std::vector<torch::Tensor> reference_weights, previous_result;
  std::int64_t round = 0, clock = 0, clock_at_sync = 0;
};

void Take(Replica& target, const Donation& d, torch::Device device) {
  CopyTensors(target.theta, d.theta);
  CopyTensors(target.phi, d.phi);
  CopyTensors(target.outer_momentum, d.momentum);
  target.error_feedback = Clones(d.error_feedback);  // the donor's, or views of a message
  LoadOptimizer(target, d.optimizer, device);
  target.inner_steps = d.inner_steps;
  if (d.preference) {  // the donor's round: its reference, last result and clock
    PreferenceRound& round = *target.preference;
    CopyTensors(round.reference_weights, d.reference_weights);
    round.previous_result = Clones(d.previous_result);
    round.round = d.round;
    round.clock = d.clock;
    round.clock_at_sync = d.clock_at_sync;
  }
}

Donation DonationOf(const Replica& source) {
  Donation d;
  d.theta = source.theta;
  d.phi = source.phi;
  d.momentum = source.outer_momentum;
  d.error_feedback = source.error_feedback;
  d.optimizer = SerializedOptimizer(source);
  d.inner_steps = source.inner_steps;
  if (source.preference) {
    const PreferenceRound& round = *source.preference;
    d.preference = true;
    d.reference_weights = round.reference_weights;
    d.previous_result = round.previous_result;
    d.round = round.round;
    d.clock = round.clock;
    d.clock_at_sync = round.clock_at_sync;
  }
  return d;
}

// The donor's side: its header, then one flat tensor of every theta-shaped tensor and one of
// the optimizer's bytes.
void SendDonation(RankGroup& ranks, int peer, const Replica& source) {
  const Donation d = DonationOf(source);
  const torch::Tensor header = torch::tensor(
      {std::int64_t(d.error_feedback.empty() ? 0 : 1), std::int64_t(d.optimizer.size()),
       d.inner_steps, std::int64_t(d.preference), std::int64_t(d.previous_result.empty() ? 0 : 1),
       d.round, d.clock, d.clock_at_sync},
      torch::kInt64);
  ExchangeMessages(ranks, {{peer, header}}, {});
  std::vector<torch::Tensor> flat;
  for (const auto* part :
       {&d.theta, &d.phi, &d.momentum, &d.error_feedback, &d.reference_weights, &d.previous_result})
    flat.insert(flat.end(), part->begin(), part->end());
  torch::Tensor bytes = torch::empty({std::int64_t(d.optimizer.size())}, torch::kUInt8);
  std::memcpy(bytes.data_ptr(), d.optimizer.data(), d.optimizer.size());
  ExchangeMessages(ranks, {{peer, PackFlat(flat)}, {peer, bytes}}, {});
}

void ReceiveDonation(RankGroup& ranks, int peer, Replica& target, torch::Device device) {
  const RankMessage header{peer, torch::empty({8}, torch::kInt64)};
  ExchangeMessages(ranks, {}, {header});
  const auto field = [&](int i) { return header.tensor[i].item<std::int64_t>(); };
  const bool error_feedback = field(0) != 0, preference = field(3) != 0,
             previous_result = field(4) != 0;
  const std::vector<torch::Tensor>& like = target.theta;
  std::int64_t per_copy = 0;
  for (const torch::Tensor& t : like) per_copy += t.numel();
  const std::int64_t copies =
      3 + std::int64_t(error_feedback) + std::int64_t(preference) + std::int64_t(previous_result);
  const RankMessage flat{peer, torch::empty({copies * per_copy}, torch::kFloat32)};
  const RankMessage bytes{peer, torch::empty({field(1)}, torch::kUInt8)};
  ExchangeMessages(ranks, {}, {flat, bytes});
  std::int64_t offset = 0;
  // Views into the received buffer: Take copies them into the target's own tensors.
  const auto next = [&] {
    std::vector<torch::Tensor> t = UnpackFlat(flat.tensor, offset, like);
    offset += per_copy;
    return t;
  };
  Donation d;
  d.theta = next();
  d.phi = next();
  d.momentum = next();
  if (error_feedback) d.error_feedback = next();
  d.optimizer.assign(static_cast<const char*>(bytes.tensor.data_ptr()),
                     static_cast<std::size_t>(bytes.tensor.numel()));
  d.inner_steps = field(2);
  d.preference = preference;
  if (preference) d.reference_weights = next();
  if (previous_result) d.previous_result = next();
  d.round = field(5);
  d.clock = field(6);
  d.clock_at_sync = field(7);
  Take(target, d, device);
}

}  // namespace

void ReplicaSet::CopyReplicaState(int to, int from) {
  torch::NoGradGuard no_grad;
  const int to_rank = impl_->owner(to), from_rank = impl_->owner(from);
  const int me = impl_->ranks ? impl_->ranks->rank() : 0;
  if (to_rank == from_rank) {
    if (me != to_rank) return;
    Take(impl_->at(to), DonationOf(impl_->at(from)), impl_->device);
  } else if (me == from_rank) {
    SendDonation(*impl_->ranks, to_rank, impl_->at(from));
  } else if (me == to_rank) {
    ReceiveDonation(*impl_->ranks, from_rank, impl_->at(to), impl_->device);
  }
}

void ReplicaSet::ResetToSlowWeights(int replica) {
  if (!impl_->owns(replica)) {
    (void)impl_->owner(replica);  // in range; its owner resets it
    return;
  }
  torch::NoGradGuard no_grad;
  Replica& r = impl_->at(replica);
  for (std::size_t k = 0; k < r.theta.size(); ++k) r.theta[k].copy_(r.phi[k]);
  // The steps since phi was written are undone, so the round clock goes back with them.
  if (r.preference) r.preference->clock = r.preference->clock_at_sync;
}

}  // namespace locosim::trainers
