#include "sim/methods/ddp/ddp.h"

#include "sim/methods/all_reduce_method.h"

namespace locosim {
namespace {

std::shared_ptr<const MethodSettings> ReadDdp(const JsonReader& r, MethodSpec& spec, int) {
  if (spec.inner_steps && *spec.inner_steps != 1) {
    r.Field("inner_steps").Fail("1 for ddp (it syncs every step), or no \"inner_steps\"");
  }
  spec.inner_steps = 1;
  auto s = std::make_shared<DdpSettings>();
  s->algorithm = ReadAllReduceAlgorithm(r);
  return s;
}

}  // namespace

void DdpSettings::Echo(nlohmann::ordered_json& method) const { method["algorithm"] = algorithm; }

std::unique_ptr<Method> DdpSettings::Make(const MethodContext& context) const {
  return std::make_unique<AllReduceMethod>(context, 1, algorithm, DdpUpdate{},
                                           /*trains_between_syncs=*/false);
}

MethodKind DdpKind() { return {"ddp", {"algorithm"}, ReadDdp}; }

}  // namespace locosim
