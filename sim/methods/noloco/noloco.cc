#include "sim/methods/noloco/noloco.h"

#include "sim/collectives/grouping.h"
#include "sim/config/field_readers.h"
#include "sim/methods/compression_field.h"
#include "sim/methods/group_sync_method.h"

namespace locosim {
namespace {

class NolocoMethod final : public GroupSyncMethod {
 public:
  NolocoMethod(const MethodContext& context, const NolocoSettings& settings)
      : context_(context),
        group_size_(settings.group_size),
        update_(settings.outer),
        message_(WirePayload(context, settings.outer.compression)) {}

  int inner_steps() const override { return context_.inner_steps; }

 protected:
  // The round's seeded groups over the replicas expected at it (all of them but failed ones:
  // with failures the groups pair only live replicas, by their place in that list).
  std::vector<std::vector<int>> Groups(int round, std::span<const int> expected) const override {
    if (expected.empty()) return {};
    auto groups = RoundGroups(context_.seed, static_cast<std::uint64_t>(round),
                              static_cast<int>(expected.size()), group_size_);
    for (auto& group : groups) {
      for (int& m : group) m = expected[static_cast<std::size_t>(m)];
    }
    return groups;
  }
  int replica_count() const override { return context_.replicas; }
  void StartGroupCollective(CollectiveSetup setup, RankDone on_rank_done) const override {
    std::vector<int> everyone(setup.nodes.size());
    for (std::size_t r = 0; r < everyone.size(); ++r) everyone[r] = static_cast<int>(r);
    StartGroupExchange(std::move(setup), {everyone}, std::move(on_rank_done));
  }
  // φ_j and Δ_j to every other member of the group: twice the model each way.
  Bytes bytes_per_member() const override { return message_ * 2; }
  OuterUpdate Update() const override { return update_; }

 private:
  MethodContext context_;
  int group_size_;
  NolocoOuterUpdate update_;
  Bytes message_;  // one model-sized tensor as encoded on the wire
};

std::shared_ptr<const MethodSettings> ReadNoloco(const JsonReader& r, MethodSpec&, int replicas) {
  auto s = std::make_shared<NolocoSettings>();
  Optional(r, "group_size", s->group_size, [&](const JsonReader& v) {
    return IntIn(v, 2, replicas,
                 "a group size in [2, replicas = " + std::to_string(replicas) + "]");
  });
  Optional(r, "alpha", s->outer.alpha,
           [](const JsonReader& v) { return NumberIn(v, 0, 1, "alpha in [0, 1]"); });
  Optional(r, "beta", s->outer.beta,
           [](const JsonReader& v) { return NumberIn(v, 0, 10, "beta in [0, 10]"); });
  Optional(r, "gamma", s->outer.gamma,
           [](const JsonReader& v) { return NumberIn(v, 0, 10, "gamma in [0, 10]"); });
  s->outer.compression = ReadCompression(
      r, /*allow_topk=*/false,
      "none, bf16, int8 or int4: noloco sends its slow weights phi, which top-k would zero, "
      "not a difference that error feedback can carry");
  if (replicas < 2) r.Fail("at least 2 replicas for noloco");
  return s;
}

}  // namespace

void NolocoSettings::Echo(nlohmann::ordered_json& method) const {
  method["group_size"] = group_size;
  method["alpha"] = outer.alpha;
  method["beta"] = outer.beta;
  method["gamma"] = outer.gamma;
  method["compression"] = EchoCompression(outer.compression);
}

std::unique_ptr<Method> NolocoSettings::Make(const MethodContext& context) const {
  return std::make_unique<NolocoMethod>(context, *this);
}

MethodKind NolocoKind() {
  return {"noloco", {"group_size", "alpha", "beta", "gamma", "compression"}, ReadNoloco};
}

}  // namespace locosim
