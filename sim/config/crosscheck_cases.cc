#include "sim/config/crosscheck_cases.h"

#include "sim/net/network_options.h"

#include <algorithm>
#include <filesystem>

#include "sim/collectives/collective_by_name.h"
#include "sim/config/json_reader.h"
#include "sim/config/topology_json.h"
#include "sim/topogen/generators.h"

namespace locosim {
namespace {

Topology Generate(const JsonReader& g) {
  const std::string kind = g.Field("kind").String();
  if (kind == "star" || kind == "ring") {
    g.ExpectOnlyKeys({"kind", "replicas", "bandwidth", "latency"});
    StarParams p;
    if (auto v = g.OptionalField("replicas")) p.replicas = static_cast<int>(v->PositiveInteger());
    if (auto v = g.OptionalField("bandwidth")) p.bandwidth = v->Rate();
    if (auto v = g.OptionalField("latency")) p.latency = v->Duration();
    return kind == "star" ? MakeStar(p) : MakeRing({p.replicas, p.bandwidth, p.latency});
  }
  if (kind == "regions") {
    g.ExpectOnlyKeys({"kind", "regions", "replicas_per_region", "wan_bandwidth", "wan_latency"});
    RegionsParams p;
    if (auto v = g.OptionalField("regions")) p.regions = static_cast<int>(v->PositiveInteger());
    if (auto v = g.OptionalField("replicas_per_region")) {
      p.replicas_per_region = static_cast<int>(v->PositiveInteger());
    }
    if (auto v = g.OptionalField("wan_bandwidth")) p.wan_bandwidth = v->Rate();
    if (auto v = g.OptionalField("wan_latency")) p.wan_latency = v->Duration();
    return MakeRegions(p);
  }
  if (kind == "internet") {
    g.ExpectOnlyKeys({"kind", "replicas", "regions", "seed"});
    InternetParams p;
    if (auto v = g.OptionalField("replicas")) p.replicas = static_cast<int>(v->PositiveInteger());
    if (auto v = g.OptionalField("regions")) p.regions = static_cast<int>(v->PositiveInteger());
    if (auto v = g.OptionalField("seed")) p.seed = static_cast<std::uint64_t>(v->Integer());
    return MakeInternet(p);
  }
  g.Field("kind").Fail("one of star, ring, regions, internet, found \"" + kind + "\"");
}

void ApplyLoss(const JsonReader& loss, Topology& t) {
  loss.ExpectOnlyKeys({"rate", "links"});
  const double rate = loss.Field("rate").Number();
  if (!(rate >= 0 && rate < 1)) loss.Field("rate").Fail("a loss rate in [0, 1)");
  auto links = loss.OptionalField("links");
  if (!links) {
    for (Link& l : t.links) l.loss_rate = rate;
    return;
  }
  for (std::size_t i = 0; i < links->ArraySize(); ++i) {
    const JsonReader id = links->Element(i);
    const std::string name = id.String();
    auto it =
        std::find_if(t.links.begin(), t.links.end(), [&](const Link& l) { return l.id == name; });
    if (it == t.links.end())
      id.Fail("the id of a link of the case's topology, found \"" + name + "\"");
    it->loss_rate = rate;
  }
}

CrosscheckCase ReadCase(const JsonReader& c, const std::filesystem::path& dir) {
  c.ExpectOnlyKeys({"name", "topology", "generator", "algorithm", "bytes", "replicas", "seed",
                    "loss", "streams", "after_idle"});
  CrosscheckCase out;
  out.name = c.Field("name").String();
  if (c.Has("topology") == c.Has("generator"))
    c.Fail("exactly one of \"topology\" and \"generator\"");
  if (auto file = c.OptionalField("topology")) {
    const std::string path = (dir / file->String()).lexically_normal().string();
    auto loaded = LoadTopologyFile(path);
    if (!loaded) throw ConfigException{loaded.error()};
    out.topology = std::move(*loaded);
  } else {
    out.topology = Generate(c.Field("generator"));
  }
  if (auto loss = c.OptionalField("loss")) ApplyLoss(*loss, out.topology);
  out.algorithm = c.Field("algorithm").String();
  if (!IsCollectiveAlgorithm(out.algorithm))
    c.Field("algorithm").Fail("one of ring, halving-doubling, tree, gossip");
  out.bytes = c.Field("bytes").ByteCount();
  out.replicas = out.topology.replica_count();
  if (auto r = c.OptionalField("replicas")) {
    out.replicas = static_cast<int>(r->PositiveInteger());
    if (out.replicas > out.topology.replica_count()) {
      r->Fail("at most the topology's " + std::to_string(out.topology.replica_count()) +
              " replicas");
    }
  }
  if (auto s = c.OptionalField("seed")) out.seed = static_cast<std::uint64_t>(s->Integer());
  if (auto s = c.OptionalField("streams")) {
    out.streams = static_cast<int>(s->PositiveInteger());
    if (out.streams > kMaxTcpStreams)
      s->Fail("at most " + std::to_string(kMaxTcpStreams) + " streams");
  }
  if (auto idle = c.OptionalField("after_idle")) {
    out.after_idle = idle->Duration();
    if (*out.after_idle <= SimTime()) idle->Fail("a positive duration");
  }
  out.lossy = std::any_of(out.topology.links.begin(), out.topology.links.end(),
                          [](const Link& l) { return l.loss_rate > 0; });
  return out;
}

}  // namespace

Result<std::vector<CrosscheckCase>> LoadCrosscheckCases(const std::string& path) {
  try {
    const nlohmann::json doc = ReadJsonFile(path);
    const JsonReader root(doc, path);
    root.ExpectOnlyKeys({"description", "cases"});
    if (auto d = root.OptionalField("description")) d->String();
    const JsonReader cases = root.Field("cases");
    if (cases.ArraySize() == 0) cases.Fail("a non-empty array of cases");
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    std::vector<CrosscheckCase> out;
    for (std::size_t i = 0; i < cases.ArraySize(); ++i)
      out.push_back(ReadCase(cases.Element(i), dir));
    return out;
  } catch (const ConfigException& e) {
    return e.error;
  }
}

}  // namespace locosim
