#include "sim/methods/local_sgd/local_sgd.h"

#include "sim/methods/all_reduce_method.h"

namespace locosim {
namespace {

std::shared_ptr<const MethodSettings> ReadLocalSgd(const JsonReader& r, MethodSpec&, int) {
  auto s = std::make_shared<LocalSgdSettings>();
  s->algorithm = ReadAllReduceAlgorithm(r);
  return s;
}

}  // namespace

void LocalSgdSettings::Echo(nlohmann::ordered_json& method) const {
  method["algorithm"] = algorithm;
}

std::unique_ptr<Method> LocalSgdSettings::Make(const MethodContext& context) const {
  return std::make_unique<AllReduceMethod>(context, context.inner_steps, algorithm,
                                           LocalSgdUpdate{});
}

MethodKind LocalSgdKind() { return {"local_sgd", {"algorithm"}, ReadLocalSgd}; }

}  // namespace locosim
