// What an outer step reads and writes for one replica: its fast weights theta (the live model
// parameters after the inner phase), its slow weights phi and its outer momentum (DiLoCo's
// buffer or NoLoCo's delta), each a list in the model's parameter order. The tensors are
// handles sharing storage with the replica, and the outer steps update them in place.
#pragma once

#include <torch/types.h>

#include <vector>

namespace locosim::trainers {

struct OuterWeights {
  std::vector<torch::Tensor> theta;     // in: after the inner phase; out: equal to phi
  std::vector<torch::Tensor> phi;       // in/out
  std::vector<torch::Tensor> momentum;  // in/out; zeros before the first outer step
  // Top-k's error feedback, the residual not yet sent; in/out. Empty unless the outer step
  // sends top-k (the replica set allocates it, zeros, at the first such step).
  std::vector<torch::Tensor> error_feedback;
};

}  // namespace locosim::trainers
