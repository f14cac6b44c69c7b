// Uses the installed headers and library: our Adan and Lion on a LibTorch model (the README
// example), and a tiny ReplicaSet. Prints "ok" and exits 0 when everything behaves.
#include <locosim/optim/adan.h>
#include <locosim/optim/lion.h>
#include <locosim/replicas/replica_set.h>
#include <torch/torch.h>

#include <iostream>

int main() {
  torch::manual_seed(0);
  torch::nn::Linear model(4, 1);
  locosim::trainers::Adan adan(model->parameters(),
                               locosim::trainers::AdanOptions(1e-2).weight_decay(0.02));
  locosim::trainers::Lion lion(model->parameters(), locosim::trainers::LionOptions(1e-3));
  const auto x = torch::randn({64, 4}), y = x.sum(1, true);
  double first = 0, last = 0;
  for (int step = 0; step < 200; ++step) {
    auto& optimizer = step % 2 ? static_cast<torch::optim::Optimizer&>(lion) : adan;
    optimizer.zero_grad();
    auto loss = torch::mse_loss(model(x), y);
    loss.backward();
    optimizer.step();
    (step == 0 ? first : last) = loss.item<double>();
  }
  if (!(last < first / 4)) {
    std::cerr << "loss did not fall: " << first << " -> " << last << "\n";
    return 1;
  }
  try {
    locosim::trainers::TrainerConfig config;
    config.model.n_layers = 1;
    config.model.d_model = 16;
    config.model.n_heads = 2;
    config.context = 16;
    locosim::trainers::ReplicaSet set(config, 2);
    set.InnerSteps(0, 2);
    const int both[] = {0, 1};
    set.DilocoOuterStep(both, {});
    std::cout << "ok: " << set.parameter_count() << " parameters, loss " << set.Evaluate(0).loss
              << "\n";
  } catch (const locosim::trainers::TrainerError& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
