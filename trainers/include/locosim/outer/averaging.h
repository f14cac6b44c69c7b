// Plain averaging: the building block of every outer step, local SGD / FedAvg's whole outer
// step (outer SGD with lr 1 and no momentum), and DDP's gradient all-reduce.
#pragma once

#include <torch/types.h>

#include <span>
#include <vector>

#include "locosim/outer/outer_weights.h"

namespace locosim::trainers {

// The element-wise mean, summed in the order given (so the result is reproducible bit for bit).
// REQUIRES: non-empty, equal shapes.
torch::Tensor Mean(std::span<const torch::Tensor> tensors);

// Local SGD: phi_i <- mean_j theta_j and theta_i <- phi_i for every member; momentum untouched.
void AverageModels(std::span<const OuterWeights> group);

// For each position k < count of the members' lists (every list as long, same shapes at each
// position): the Mean of the members' tensors at k, in member order.
std::vector<torch::Tensor> MeansByPosition(std::span<const std::vector<torch::Tensor>> members,
                                           std::size_t count);

// DDP: every member's gradient of parameter k becomes the mean over members of those
// gradients. `members` holds each member's parameter list, all in the same order.
// REQUIRES: every gradient defined.
void AverageGradients(std::span<const std::vector<torch::Tensor>> members);

}  // namespace locosim::trainers
