#include "sim/net/topology.h"

namespace locosim {

NodeIndex Topology::FindNode(const std::string& id) const {
  for (int i = 0; i < node_count(); ++i) {
    if (nodes[i].id == id) return i;
  }
  return -1;
}

}  // namespace locosim
