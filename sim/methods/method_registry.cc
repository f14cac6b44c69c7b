#include "sim/methods/method_registry.h"

#include <algorithm>
#include <cassert>

#include "sim/config/field_readers.h"
#include "sim/methods/ddp/ddp.h"
#include "sim/methods/diloco/diloco.h"
#include "sim/methods/local_sgd/local_sgd.h"
#include "sim/methods/noloco/noloco.h"
#include "sim/methods/streaming_diloco/streaming_diloco.h"
#include "sim/net/network_options.h"

namespace locosim {
namespace {

constexpr std::string_view kCommonKeys[] = {"name", "kind", "inner_steps", "streams"};

// Every key any method may have, common ones first, in registry order, each once: the
// candidates for "did you mean".
std::vector<std::string_view> AllKeys() {
  std::vector<std::string_view> keys(std::begin(kCommonKeys), std::end(kCommonKeys));
  for (const MethodKind& kind : MethodKinds()) {
    for (std::string_view key : kind.keys) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }
  return keys;
}

const MethodKind& KindNamed(const std::string& name) {
  const auto& kinds = MethodKinds();
  auto it =
      std::find_if(kinds.begin(), kinds.end(), [&](const MethodKind& k) { return k.name == name; });
  assert(it != kinds.end());
  return *it;
}

}  // namespace

// The registry: one line per method kind.
const std::vector<MethodKind>& MethodKinds() {
  static const std::vector<MethodKind> kinds = {
      DilocoKind(), StreamingDilocoKind(), NolocoKind(), DdpKind(), LocalSgdKind(),
  };
  return kinds;
}

std::vector<std::string> MethodKindNames() {
  std::vector<std::string> names;
  for (const MethodKind& kind : MethodKinds()) names.push_back(kind.name);
  return names;
}

MethodSpec ReadMethodSpec(const JsonReader& r, int replicas) {
  const std::vector<std::string_view> all_keys = AllKeys();
  r.ExpectOnlyKeys(all_keys);
  MethodSpec spec;
  spec.kind = Choice(r.Field("kind"), MethodKindNames());
  spec.name = r.Has("name") ? r.Field("name").String() : spec.kind;
  if (spec.name.empty() || spec.name.find_first_of(",/ \t") != std::string::npos) {
    r.Field("name").Fail("a non-empty name without spaces, commas or slashes");
  }
  const MethodKind& kind = KindNamed(spec.kind);
  for (std::string_view key : all_keys) {
    const bool own =
        std::find(std::begin(kCommonKeys), std::end(kCommonKeys), key) != std::end(kCommonKeys) ||
        std::find(kind.keys.begin(), kind.keys.end(), key) != kind.keys.end();
    if (!own && r.Has(key)) {
      r.Field(key).Fail("no \"" + std::string(key) + "\" for method kind \"" + spec.kind + "\"");
    }
  }
  Optional(r, "inner_steps", spec.inner_steps, [](const JsonReader& v) {
    return std::optional<int>(IntIn(v, 1, 1 << 30, "a positive step count"));
  });
  Optional(r, "streams", spec.streams, [](const JsonReader& v) {
    return std::optional<int>(IntIn(
        v, 1, kMaxTcpStreams, "a stream count in [1, " + std::to_string(kMaxTcpStreams) + "]"));
  });
  spec.settings = kind.read(r, spec, replicas);
  return spec;
}

nlohmann::ordered_json EchoMethodSpec(const MethodSpec& spec, int inner_steps, int streams) {
  nlohmann::ordered_json method = {
      {"name", spec.name}, {"kind", spec.kind}, {"inner_steps", inner_steps}, {"streams", streams}};
  spec.settings->Echo(method);
  return method;
}

MethodSpec DefaultMethodSpec(const std::string& kind, int replicas) {
  const nlohmann::json doc = {{"kind", kind}};
  const std::string file = "<default>";
  return ReadMethodSpec(JsonReader(doc, file), replicas);
}

}  // namespace locosim
