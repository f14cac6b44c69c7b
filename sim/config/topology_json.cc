#include "sim/config/topology_json.h"

#include <map>
#include <set>

#include "sim/config/json_reader.h"
#include "sim/config/quantity.h"
#include "sim/net/routing.h"

namespace locosim {
namespace {

QueueLimit ReadQueue(const JsonReader& r) {
  const std::string expected =
      "a queue size in packets such as \"100p\", or in bytes such as \"1MB\"";
  if (r.raw().is_number_integer() && r.raw().get<std::int64_t>() > 0) {
    return QueueLimit{r.raw().get<std::int64_t>(), Bytes()};
  }
  if (!r.raw().is_string()) r.Fail(expected);
  std::string text = r.String();
  for (const char* suffix : {"packets", "p"}) {
    const std::string s(suffix);
    if (text.size() > s.size() && text.compare(text.size() - s.size(), s.size(), s) == 0) {
      const std::string number = text.substr(0, text.size() - s.size());
      char* end = nullptr;
      const long long n = std::strtoll(number.c_str(), &end, 10);
      if (end && *end == '\0' && n > 0) return QueueLimit{n, Bytes()};
      r.Fail(expected + ", found \"" + text + "\"");
    }
  }
  const auto bytes = ParseBytes(text);
  if (!bytes || bytes->count() <= 0) r.Fail(expected + ", found \"" + text + "\"");
  return QueueLimit{0, *bytes};
}

Topology ReadTopology(const JsonReader& root) {
  root.ExpectOnlyKeys({"name", "description", "nodes", "links", "replicas"});
  Topology t;
  if (auto name = root.OptionalField("name")) t.name = name->String();
  if (auto d = root.OptionalField("description")) d->String();

  std::map<std::string, NodeIndex> index_of;
  const JsonReader nodes = root.Field("nodes");
  if (nodes.ArraySize() == 0) nodes.Fail("a non-empty array of nodes");
  for (std::size_t i = 0; i < nodes.ArraySize(); ++i) {
    const JsonReader n = nodes.Element(i);
    n.ExpectOnlyKeys({"id", "region"});
    Node node;
    node.id = n.Field("id").String();
    if (node.id.empty()) n.Field("id").Fail("a non-empty node id");
    if (auto region = n.OptionalField("region")) node.region = region->String();
    if (!index_of.emplace(node.id, t.node_count()).second) {
      n.Field("id").Fail("a unique node id; \"" + node.id + "\" is already defined");
    }
    t.nodes.push_back(std::move(node));
  }

  auto node_ref = [&](const JsonReader& r) {
    const std::string id = r.String();
    const auto it = index_of.find(id);
    if (it == index_of.end()) r.Fail("the id of a node in $.nodes; \"" + id + "\" is unknown");
    return it->second;
  };

  std::set<std::string> link_ids;
  const JsonReader links = root.Field("links");
  for (std::size_t i = 0; i < links.ArraySize(); ++i) {
    const JsonReader l = links.Element(i);
    l.ExpectOnlyKeys({"id", "endpoints", "bandwidth", "latency", "loss_rate", "queue", "jitter"});
    Link link;
    const JsonReader ends = l.Field("endpoints");
    if (ends.ArraySize() != 2) ends.Fail("two node ids");
    link.a = node_ref(ends.Element(0));
    link.b = node_ref(ends.Element(1));
    if (link.a == link.b) ends.Fail("two different nodes (a link cannot loop)");
    link.id = l.Has("id") ? l.Field("id").String() : t.nodes[link.a].id + "-" + t.nodes[link.b].id;
    if (!link_ids.insert(link.id).second) {
      (l.Has("id") ? l.Field("id") : l)
          .Fail("a unique link id; \"" + link.id + "\" is already used");
    }
    link.bandwidth = l.Field("bandwidth").Rate();
    link.latency = l.Field("latency").Duration();
    if (auto loss = l.OptionalField("loss_rate")) {
      link.loss_rate = loss->Number();
      if (!(link.loss_rate >= 0 && link.loss_rate < 1)) loss->Fail("a loss rate in [0, 1)");
    }
    if (auto q = l.OptionalField("queue")) link.queue = ReadQueue(*q);
    if (auto j = l.OptionalField("jitter")) link.jitter = ReadLatencyJitter(*j);
    t.links.push_back(std::move(link));
  }

  const JsonReader replicas = root.Field("replicas");
  if (replicas.ArraySize() == 0) replicas.Fail("a non-empty array of replica node ids");
  std::set<NodeIndex> seen;
  for (std::size_t i = 0; i < replicas.ArraySize(); ++i) {
    const NodeIndex n = node_ref(replicas.Element(i));
    if (!seen.insert(n).second) {
      replicas.Element(i).Fail("each node listed once; \"" + t.nodes[n].id + "\" is repeated");
    }
    t.replicas.push_back(n);
  }
  return t;
}

}  // namespace

LatencyJitter ReadLatencyJitter(const JsonReader& r) {
  r.ExpectOnlyKeys({"distribution", "mean", "sigma"});
  LatencyJitter j;
  const std::string d = r.Field("distribution").String();
  if (d == "lognormal") {
    j.distribution = LatencyJitter::Distribution::kLognormal;
  } else if (d == "exponential") {
    j.distribution = LatencyJitter::Distribution::kExponential;
  } else if (d == "uniform") {
    j.distribution = LatencyJitter::Distribution::kUniform;
  } else {
    r.Field("distribution")
        .Fail("one of \"lognormal\", \"exponential\", \"uniform\", found \"" + d + "\"");
  }
  j.mean = r.Field("mean").Duration();
  if (j.mean <= SimTime()) r.Field("mean").Fail("a positive duration");
  if (j.distribution == LatencyJitter::Distribution::kLognormal) {
    const JsonReader sigma = r.Field("sigma");
    j.sigma = sigma.Number();
    if (!(j.sigma > 0 && j.sigma <= 3)) sigma.Fail("a lognormal sigma in (0, 3]");
  } else if (r.Has("sigma")) {
    r.Field("sigma").Fail("no \"sigma\" unless the distribution is \"lognormal\"");
  }
  return j;
}

nlohmann::ordered_json LatencyJitterJson(const LatencyJitter& j) {
  using D = LatencyJitter::Distribution;
  nlohmann::ordered_json out = {{"distribution", j.distribution == D::kLognormal     ? "lognormal"
                                                 : j.distribution == D::kExponential ? "exponential"
                                                                                     : "uniform"},
                                {"mean", FormatDuration(j.mean)}};
  if (j.distribution == D::kLognormal) out["sigma"] = j.sigma;
  return out;
}

std::optional<ConfigError> ValidateTopology(const Topology& t, const std::string& file) {
  auto at = [&](std::string path, std::string expected) {
    return ConfigError{file, std::move(path), std::move(expected)};
  };
  if (t.nodes.empty()) return at("$.nodes", "a non-empty array of nodes");
  if (t.replicas.empty()) return at("$.replicas", "a non-empty array of replica node ids");
  for (std::size_t i = 0; i < t.links.size(); ++i) {
    const Link& l = t.links[i];
    const std::string path = "$.links[" + std::to_string(i) + "]";
    if (l.a < 0 || l.b < 0 || l.a >= t.node_count() || l.b >= t.node_count() || l.a == l.b) {
      return at(path + ".endpoints", "two different known nodes");
    }
    if (!(l.bandwidth.bps() > 0)) return at(path + ".bandwidth", "a positive bandwidth");
    if (l.latency < SimTime()) return at(path + ".latency", "a non-negative latency");
  }
  // Connectivity: every replica must reach the first (links are full duplex, so this is
  // enough for every pair).
  Routing routing(t);
  for (std::size_t r = 1; r < t.replicas.size(); ++r) {
    if (!routing.Reachable(t.replicas[0], t.replicas[r])) {
      return at("$.replicas[" + std::to_string(r) + "]",
                "a route between replica \"" + t.nodes[t.replicas[r]].id + "\" and replica \"" +
                    t.nodes[t.replicas[0]].id + "\" (no chain of links connects them)");
    }
  }
  return std::nullopt;
}

Result<Topology> TopologyFromJson(const nlohmann::json& doc, const std::string& file) {
  try {
    Topology t = ReadTopology(JsonReader(doc, file));
    if (auto error = ValidateTopology(t, file)) return *error;
    return t;
  } catch (const ConfigException& e) {
    return e.error;
  }
}

Result<Topology> LoadTopologyFile(const std::string& path) {
  try {
    const nlohmann::json doc = ReadJsonFile(path);
    return TopologyFromJson(doc, path);
  } catch (const ConfigException& e) {
    return e.error;
  }
}

nlohmann::ordered_json TopologyToJson(const Topology& t) {
  nlohmann::ordered_json doc;
  doc["name"] = t.name;
  doc["nodes"] = nlohmann::ordered_json::array();
  for (const Node& n : t.nodes) {
    nlohmann::ordered_json node{{"id", n.id}};
    if (!n.region.empty()) node["region"] = n.region;
    doc["nodes"].push_back(std::move(node));
  }
  doc["links"] = nlohmann::ordered_json::array();
  for (const Link& l : t.links) {
    nlohmann::ordered_json link{{"id", l.id},
                                {"endpoints", {t.nodes[l.a].id, t.nodes[l.b].id}},
                                {"bandwidth", FormatRate(l.bandwidth)},
                                {"latency", FormatDuration(l.latency)}};
    if (l.loss_rate > 0) link["loss_rate"] = l.loss_rate;
    if (l.queue.packets > 0) link["queue"] = std::to_string(l.queue.packets) + "p";
    if (l.queue.bytes.count() > 0) link["queue"] = FormatBytes(l.queue.bytes);
    if (l.jitter.active()) link["jitter"] = LatencyJitterJson(l.jitter);
    doc["links"].push_back(std::move(link));
  }
  doc["replicas"] = nlohmann::ordered_json::array();
  for (NodeIndex r : t.replicas) doc["replicas"].push_back(t.nodes[r].id);
  return doc;
}

std::string TopologyToText(const Topology& t) {
  const nlohmann::ordered_json doc = TopologyToJson(t);
  std::string text = "{\n  \"name\": " + doc["name"].dump() + ",\n";
  for (const char* key : {"nodes", "links"}) {
    text += "  \"" + std::string(key) + "\": [\n";
    const auto& items = doc[key];
    for (std::size_t i = 0; i < items.size(); ++i) {
      text += "    " + items[i].dump() + (i + 1 < items.size() ? ",\n" : "\n");
    }
    text += "  ],\n";
  }
  text += "  \"replicas\": " + doc["replicas"].dump() + "\n}\n";
  return text;
}

}  // namespace locosim
