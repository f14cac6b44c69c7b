#include "sim/methods/diloco/diloco.h"

#include "sim/config/field_readers.h"
#include "sim/methods/all_reduce_method.h"
#include "sim/methods/compression_field.h"

namespace locosim {
namespace {

// The heavy-ball momentum the NoLoCo paper ran DiLoCo with (it beat 0.9 there).
constexpr double kHeavyBallMomentum = 0.3;

std::shared_ptr<const MethodSettings> ReadDiloco(const JsonReader& r, MethodSpec&, int) {
  auto s = std::make_shared<DilocoSettings>();
  s->algorithm = ReadAllReduceAlgorithm(r);
  s->outer = ReadDilocoOuter(r, DilocoOuterUpdate{}.lr);
  return s;
}

}  // namespace

DilocoOuterUpdate ReadDilocoOuter(const JsonReader& r, double default_lr) {
  DilocoOuterUpdate outer;
  outer.lr = default_lr;
  std::string optimizer = "nesterov";
  Optional(r, "outer_optimizer", optimizer, [](const JsonReader& v) {
    return Choice(v, {"nesterov", "heavy_ball"});
  });
  if (optimizer == "heavy_ball") {
    outer.momentum_kind = trainers::OuterMomentum::kHeavyBall;
    outer.momentum = kHeavyBallMomentum;
  }
  Optional(r, "outer_lr", outer.lr, [](const JsonReader& v) {
    return NumberIn(v, 0, 10, "an outer learning rate in [0, 10]");
  });
  Optional(r, "outer_momentum", outer.momentum,
           [](const JsonReader& v) { return NumberIn(v, 0, 0.999, "a momentum in [0, 1)"); });
  outer.compression = ReadCompression(r);
  return outer;
}

void EchoDilocoOuter(const DilocoOuterUpdate& outer, nlohmann::ordered_json& method) {
  const bool nesterov = outer.momentum_kind == trainers::OuterMomentum::kNesterov;
  method["outer_optimizer"] = nesterov ? "nesterov" : "heavy_ball";
  method["outer_lr"] = outer.lr;
  method["outer_momentum"] = outer.momentum;
  method["compression"] = EchoCompression(outer.compression);
}

void DilocoSettings::Echo(nlohmann::ordered_json& method) const {
  method["algorithm"] = algorithm;
  EchoDilocoOuter(outer, method);
}

std::unique_ptr<Method> DilocoSettings::Make(const MethodContext& context) const {
  // Top-k contributions cannot be summed on the way (their indices differ): they are
  // all-gathered, each replica sending its own to every other.
  const bool all_gather = outer.compression.format == trainers::WireFormat::kTopK;
  return std::make_unique<AllReduceMethod>(context, context.inner_steps, algorithm, outer,
                                           WirePayload(context, outer.compression), all_gather);
}

MethodKind DilocoKind() {
  return {"diloco",
          {"algorithm", "outer_optimizer", "outer_lr", "outer_momentum", "compression"},
          ReadDiloco};
}

}  // namespace locosim
