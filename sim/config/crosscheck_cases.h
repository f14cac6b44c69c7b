// The cases `locosim crosscheck` runs on the flow and ns3 backends (scenarios/crosscheck.json):
//   { "cases": [ { "name": "star16-gossip",
//                  "topology": "../topologies/star16.json",   // relative to the cases file
//                  "algorithm": "gossip", "bytes": "16MB",
//                  "replicas": 16,                               // optional: the first K
//                  "seed": 0,                                    // optional: gossip pairing
//                  "loss": {"rate": 0.01, "links": ["sw0-sw1"]}, // optional; all links if
//                                                                //   "links" is left out
//                  "streams": 4,                                 // optional: TCP connections
//                                                                //   per transfer
//                  "after_idle": "5s"                            // optional: run the
//                }, ... ] }                                      //   collective, wait, run it
//                                                                //   again; the second counts
// A case may name a generator instead of a file:
//   "generator": {"kind": "star", "replicas": 16, "bandwidth": "1Gbps", "latency": "10ms"}
// (kinds star, ring, regions, internet; see sim/topogen/generators.h for the parameters).
// Parsed strictly: unknown keys and wrong types are errors naming file and JSON path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/config_error.h"
#include "sim/net/topology.h"

namespace locosim {

struct CrosscheckCase {
  std::string name;
  Topology topology;  // loss already applied
  std::string algorithm;
  Bytes bytes;
  int replicas = 0;  // the first `replicas` of topology.replicas
  std::uint64_t seed = 0;
  bool lossy = false;                 // some link on the topology has loss_rate > 0
  int streams = 0;                    // 0: the command's --streams
  std::optional<SimTime> after_idle;  // measure a second run this long after the first ends
};

Result<std::vector<CrosscheckCase>> LoadCrosscheckCases(const std::string& path);

}  // namespace locosim
