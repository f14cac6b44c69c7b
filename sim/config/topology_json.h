// Topology files: reading (strict, with errors naming file, JSON path and expectation) and
// writing (for the generators). The format (docs/topology.md), with units in strings:
//   { "name": "star16",
//     "nodes":    [ {"id": "core"}, {"id": "r0", "region": "eu"}, ... ],
//     "links":    [ {"id": "r0-core", "endpoints": ["r0", "core"], "bandwidth": "1Gbps",
//                    "latency": "10ms", "loss_rate": 0.0, "queue": "100p"}, ... ],
//     "replicas": [ "r0", ... ] }
// "latency" is one way; links are full duplex. "id", "region", "loss_rate" (default 0),
// "queue" (packets "100p", or bytes "1MB"; default: backend's own) and "jitter" (an extra
// one-way delay per transfer: {"distribution": "lognormal", "mean": "5ms", "sigma": 0.5},
// or "exponential" / "uniform" with a mean; default none) are optional.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/config/json_reader.h"
#include "sim/core/config_error.h"
#include "sim/net/topology.h"

namespace locosim {

Result<Topology> LoadTopologyFile(const std::string& path);
// `file` only labels errors.
Result<Topology> TopologyFromJson(const nlohmann::json& doc, const std::string& file);

nlohmann::ordered_json TopologyToJson(const Topology& topology);

// A link's "jitter" object (also network.overrides.jitter in scenarios), and back.
LatencyJitter ReadLatencyJitter(const JsonReader& jitter);
nlohmann::ordered_json LatencyJitterJson(const LatencyJitter& jitter);
// The file text: one node or link per line, so that files diff and read well.
std::string TopologyToText(const Topology& topology);

// Checks what any topology, loaded or generated, must satisfy: unique ids, valid endpoints,
// positive bandwidth, at least one replica, every replica reachable from every other.
// Errors name `file` and the JSON path of the offending element.
std::optional<ConfigError> ValidateTopology(const Topology& topology, const std::string& file);

}  // namespace locosim
