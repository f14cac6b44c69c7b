#include "locosim/distributed/rank_group.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>

#include "distributed/rank_messages.h"

#if defined(USE_C10D_GLOO)
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace locosim::trainers {

#if defined(USE_C10D_GLOO)
struct RankGroup::Impl {
  RankSpec spec;
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  // Each direction of each pair numbers its messages, so a receive matches the send that the
  // peer posted at the same point of the run.
  std::vector<int> sent, received;
};
#else
struct RankGroup::Impl {
  RankSpec spec;
};
#endif

namespace {

std::chrono::milliseconds Timeout(const RankSpec& spec) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(spec.timeout_s * 1000));
}

bool IsLoopback(const std::string& address) {
  return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

}  // namespace

ReplicaSlice SliceOf(int replicas, int world_size, int rank) {
  const int base = replicas / world_size, extra = replicas % world_size;
  return {rank * base + std::min(rank, extra), base + (rank < extra ? 1 : 0)};
}

int OwnerOf(int replica, int replicas, int world_size) {
  for (int rank = 0; rank < world_size; ++rank) {
    if (SliceOf(replicas, world_size, rank).contains(replica)) return rank;
  }
  throw TrainerError("replica " + std::to_string(replica) + " out of range [0, " +
                     std::to_string(replicas) + ")");
}

RankGroup::RankGroup(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RankGroup::~RankGroup() = default;
int RankGroup::rank() const { return impl_->spec.rank; }
int RankGroup::world_size() const { return impl_->spec.world_size; }
const RankSpec& RankGroup::spec() const { return impl_->spec; }

std::shared_ptr<RankGroup> RankGroup::Join(const RankSpec& spec) {
  if (spec.world_size < 1 || spec.rank < 0 || spec.rank >= spec.world_size) {
    throw TrainerError("rank " + std::to_string(spec.rank) + " of world size " +
                       std::to_string(spec.world_size) +
                       ": expected a world size >= 1 and a rank in [0, world size)");
  }
  if (spec.port < 1 || spec.port > 65535)
    throw TrainerError("rendezvous port " + std::to_string(spec.port) + ": expected 1-65535");
  if (!(spec.timeout_s > 0)) throw TrainerError("rank timeout: expected seconds > 0");
#if !defined(USE_C10D_GLOO)
  if (spec.world_size > 1) {
    throw TrainerError(
        "this build has no Gloo process group (install libgloo-dev, or use a LibTorch that "
        "ships Gloo's headers, and rebuild): runs over several ranks are unavailable");
  }
  return std::shared_ptr<RankGroup>(new RankGroup(std::make_unique<Impl>(Impl{spec})));
#else
  auto impl = std::make_unique<Impl>();
  impl->spec = spec;
  impl->sent.assign(static_cast<std::size_t>(spec.world_size), 0);
  impl->received.assign(static_cast<std::size_t>(spec.world_size), 0);
  const std::string where = spec.address + ":" + std::to_string(spec.port);
  try {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(spec.port);
    options.isServer = spec.rank == 0;
    options.numWorkers = static_cast<std::size_t>(spec.world_size);
    options.waitWorkers = true;
    options.timeout = Timeout(spec);
    impl->store = c10::make_intrusive<c10d::TCPStore>(spec.address, options);
    auto gloo = c10d::ProcessGroupGloo::Options::create(Timeout(spec));
    // Where this rank listens for its peers: the loopback for a one-machine rendezvous, else
    // the interface GLOO_SOCKET_IFNAME names (as torch.distributed reads it) or the host's
    // own name.
    if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface && *interface) {
      gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
    } else if (IsLoopback(spec.address)) {
      gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    } else {
      gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    impl->group =
        c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, spec.rank, spec.world_size, gloo);
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    throw TrainerError("rank " + std::to_string(spec.rank) + " of " +
                       std::to_string(spec.world_size) + " could not join the rendezvous at " +
                       where + " within " + std::to_string(int(spec.timeout_s)) + " s: " + what);
  }
  return std::shared_ptr<RankGroup>(new RankGroup(std::move(impl)));
#endif
}

void ExchangeMessages(RankGroup& ranks, const std::vector<RankMessage>& sends,
                      const std::vector<RankMessage>& receives) {
#if !defined(USE_C10D_GLOO)
  if (!sends.empty() || !receives.empty())
    throw TrainerError("no Gloo process group in this build");
  (void)ranks;
#else
  RankGroup::Impl& impl = ranks.impl();
  struct Posted {
    int peer;
    c10::intrusive_ptr<c10d::Work> work;
    std::vector<torch::Tensor> tensors;  // kept alive until the work is done
  };
  std::vector<Posted> posted;
  const auto fail = [&](int peer, const std::string& what) -> RankLost {
    const bool timed_out =
        what.find("Timed out") != std::string::npos || what.find("timed out") != std::string::npos;
    const std::string why = timed_out ? "it sent nothing for " +
                                            std::to_string(int(impl.spec.timeout_s)) +
                                            " s (hung, or its host is unreachable)"
                                      : "its connection closed (the process exited or was killed)";
    return RankLost(peer, "lost rank " + std::to_string(peer) + " of " +
                              std::to_string(impl.spec.world_size) + ": " + why);
  };
  const auto post = [&](const RankMessage& m, bool send) {
    std::vector<torch::Tensor> tensors{m.tensor};
    try {
      auto work = send ? impl.group->send(tensors, m.peer, impl.sent[m.peer]++)
                       : impl.group->recv(tensors, m.peer, impl.received[m.peer]++);
      posted.push_back({m.peer, std::move(work), std::move(tensors)});
    } catch (const std::exception& e) {
      throw fail(m.peer, e.what());
    }
  };
  for (const RankMessage& m : sends) post(m, true);
  for (const RankMessage& m : receives) post(m, false);
  for (Posted& p : posted) {
    try {
      p.work->wait(Timeout(impl.spec));
    } catch (const std::exception& e) {
      throw fail(p.peer, e.what());
    }
  }
#endif
}

void CheckSameOnEveryRank(RankGroup& ranks, const std::string& text, const std::string& what) {
  if (ranks.world_size() == 1) return;
  const auto hash = static_cast<std::int64_t>(std::hash<std::string>{}(text) >> 1);
  std::vector<RankMessage> sends, receives;
  for (int peer = 0; peer < ranks.world_size(); ++peer) {
    if (peer == ranks.rank()) continue;
    sends.push_back({peer, torch::tensor({hash}, torch::kInt64)});
    receives.push_back({peer, torch::empty({1}, torch::kInt64)});
  }
  ExchangeMessages(ranks, sends, receives);
  for (const RankMessage& m : receives) {
    if (m.tensor.item<std::int64_t>() != hash) {
      throw TrainerError("rank " + std::to_string(m.peer) + " runs a different " + what +
                         " than rank " + std::to_string(ranks.rank()) +
                         " (every rank must be started with the same file and options)");
    }
  }
}

torch::Tensor PackFlat(const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> flat;
  flat.reserve(tensors.size());
  for (const torch::Tensor& t : tensors)
    flat.push_back(t.detach().to(torch::kCPU, torch::kFloat32).reshape({-1}));
  if (flat.empty()) return torch::empty({0}, torch::kFloat32);
  return torch::cat(flat);
}

std::vector<torch::Tensor> UnpackFlat(const torch::Tensor& flat, std::int64_t offset,
                                      const std::vector<torch::Tensor>& like) {
  std::vector<torch::Tensor> out;
  out.reserve(like.size());
  for (const torch::Tensor& l : like) {
    out.push_back(flat.narrow(0, offset, l.numel()).view(l.sizes()).to(l.options()));
    offset += l.numel();
  }
  return out;
}

}  // namespace locosim::trainers
