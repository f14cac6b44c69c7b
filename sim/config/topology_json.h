// Topology files: reading (strict, with errors naming file, JSON path and expectation) and
// writing (for the generators). The format, with units in strings:
//   { "name": "star16",
//     "nodes":    [ {"id": "core"}, {"id": "r0", "region": "eu"}, ... ],
//     "links":    [ {"id": "r0-core", "endpoints": ["r0", "core"], "bandwidth": "1Gbps",
//                    "latency": "10ms", "loss_rate": 0.0, "queue": "100p"}, ... ],
//     "replicas": [ "r0", ... ] }
// "latency" is one way; links are full duplex. "id", "region", "loss_rate" (default 0) and
// "queue" (packets "100p", or bytes "1MB"; default: backend's own) are optional.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/core/config_error.h"
#include "sim/net/topology.h"

namespace locosim {

Result<Topology> LoadTopologyFile(const std::string& path);
// `file` only labels errors.
Result<Topology> TopologyFromJson(const nlohmann::json& doc, const std::string& file);

nlohmann::ordered_json TopologyToJson(const Topology& topology);
// The file text: one node or link per line, so that files diff and read well.
std::string TopologyToText(const Topology& topology);

// Checks what any topology, loaded or generated, must satisfy: unique ids, valid endpoints,
// positive bandwidth, at least one replica, every replica reachable from every other.
// Errors name `file` and the JSON path of the offending element.
std::optional<ConfigError> ValidateTopology(const Topology& topology, const std::string& file);

}  // namespace locosim
