#include "sim/methods/diloco/diloco.h"

#include "sim/config/field_readers.h"
#include "sim/methods/all_reduce_method.h"

namespace locosim {
namespace {

// The heavy-ball momentum the NoLoCo paper ran DiLoCo with (it beat 0.9 there).
constexpr double kHeavyBallMomentum = 0.3;

std::shared_ptr<const MethodSettings> ReadDiloco(const JsonReader& r, MethodSpec&, int) {
  auto s = std::make_shared<DilocoSettings>();
  s->algorithm = ReadAllReduceAlgorithm(r);
  std::string optimizer = "nesterov";
  Optional(r, "outer_optimizer", optimizer, [](const JsonReader& v) {
    return Choice(v, {"nesterov", "heavy_ball"});
  });
  if (optimizer == "heavy_ball") {
    s->outer.momentum_kind = trainers::OuterMomentum::kHeavyBall;
    s->outer.momentum = kHeavyBallMomentum;
  }
  Optional(r, "outer_lr", s->outer.lr, [](const JsonReader& v) {
    return NumberIn(v, 0, 10, "an outer learning rate in [0, 10]");
  });
  Optional(r, "outer_momentum", s->outer.momentum,
           [](const JsonReader& v) { return NumberIn(v, 0, 0.999, "a momentum in [0, 1)"); });
  return s;
}

}  // namespace

void DilocoSettings::Echo(nlohmann::ordered_json& method) const {
  const bool nesterov = outer.momentum_kind == trainers::OuterMomentum::kNesterov;
  method["algorithm"] = algorithm;
  method["outer_optimizer"] = nesterov ? "nesterov" : "heavy_ball";
  method["outer_lr"] = outer.lr;
  method["outer_momentum"] = outer.momentum;
}

std::unique_ptr<Method> DilocoSettings::Make(const MethodContext& context) const {
  return std::make_unique<AllReduceMethod>(context, context.inner_steps, algorithm, outer);
}

MethodKind DilocoKind() {
  return {"diloco", {"algorithm", "outer_optimizer", "outer_lr", "outer_momentum"}, ReadDiloco};
}

}  // namespace locosim
