// The DPO objective end to end in the data plane: documents and their seeded corruptions, the
// held-out split of the pairs, a replica set that learns to prefer the true continuation of
// held-out fortunes, stacked against loop, and the rounds: APO's extrapolation is exactly
// iterative DPO's round result moved by α·(θ̂_{t+1} − θ̂_t), the reference and slow weights
// taking the moved weights (docs/algorithms.md, "Preference optimisation").
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "locosim/data/preference_pairs.h"
#include "locosim/replicas/replica_set.h"
#include "tiny_configs.h"

namespace locosim::trainers {
namespace {

namespace fs = std::filesystem;

TrainerConfig TinyDpo(double alpha = 0, int rounds = 1, std::int64_t round_steps = 0) {
  TrainerConfig c = testing::TinyCharLm();
  c.objective.kind = "dpo";
  c.objective.prompt_tokens = 16;
  c.objective.response_tokens = 16;
  c.objective.apo_alpha = alpha;
  c.objective.rounds = rounds;
  c.objective.round_steps = round_steps;
  c.optimizer.max_grad_norm = 1.0;
  return c;
}

std::vector<torch::Tensor> Copy(const std::vector<torch::Tensor>& weights) {
  std::vector<torch::Tensor> out;
  for (const auto& w : weights) out.push_back(w.detach().clone());
  return out;
}

bool Equal(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (!torch::equal(a[k], b[k])) return false;
  }
  return true;
}

TEST(PreferencePairs, SplitsFortunesAndParagraphsAndCollapsesSpace) {
  EXPECT_EQ(SplitDocuments("One  two\nthree\n%\n\tFour\n%\n%\nfive\n"),
            (std::vector<std::string>{"One two three", "Four", "five"}));
  EXPECT_EQ(SplitDocuments("a b\nc\n\n  \nd\n"), (std::vector<std::string>{"a b c", "d"}));
}

TEST(PreferencePairs, CorruptionsKeepTheBytesAndChangeTheOrder) {
  const std::string text = "ent of the quick brown fox jumps over the lazy dog";
  for (const char* corruption : {"shuffled_words", "shuffled_letters"}) {
    std::mt19937_64 rng(7), again(7);
    const std::string out = Corrupt(text, corruption, rng);
    EXPECT_NE(out, text) << corruption;
    EXPECT_EQ(out.size(), text.size()) << corruption;
    std::string sorted_in = text, sorted_out = out;
    std::sort(sorted_in.begin(), sorted_in.end());
    std::sort(sorted_out.begin(), sorted_out.end());
    EXPECT_EQ(sorted_out, sorted_in) << corruption;
    EXPECT_EQ(Corrupt(text, corruption, again), out) << corruption << ": seeded";
  }
  std::mt19937_64 rng(7);
  const std::string letters = Corrupt("quick brown", "shuffled_letters", rng);
  EXPECT_EQ(letters.front(), 'q');  // first and last letters of every word stay
  EXPECT_EQ(letters.substr(4, 3), "k b");
}

TEST(PreferencePairs, HoldsOutTheLastDocumentsOfEveryFile) {
  const fs::path dir = fs::temp_directory_path() / ("locosim_pairs_" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (const char* name : {"a", "b"}) {
    std::ofstream out(dir / name);
    for (int i = 0; i < 10; ++i) {
      out << name << i << " wants to know what the weather will be like tomorrow morning\n%\n";
    }
    out << "too short\n";
  }
  ObjectiveConfig objective;
  objective.prompt_tokens = 8;
  objective.response_tokens = 24;
  const PreferencePairs pairs = MakePreferencePairs(dir.string(), objective, 0.2, 1);
  fs::remove_all(dir);
  ASSERT_EQ(pairs.train.size(), 16u);
  ASSERT_EQ(pairs.validation.size(), 4u);
  std::set<std::string> held_out;
  for (const auto& p : pairs.validation) held_out.insert(p.prompt);
  EXPECT_EQ(held_out, (std::set<std::string>{"a8 wants", "a9 wants", "b8 wants", "b9 wants"}));
  for (const auto& p : pairs.train) {
    EXPECT_FALSE(held_out.count(p.prompt)) << p.prompt;
    EXPECT_EQ(p.chosen.size(), 24u);
    EXPECT_EQ(p.rejected.size(), 24u);
    EXPECT_NE(p.rejected, p.chosen);
  }
}

TEST(PreferencePairs, TheFortunesGiveThousandsOfPairs) {
  const PreferencePairs pairs =
      MakePreferencePairs("/usr/share/games/fortunes", TinyDpo().objective, 0.1, 1);
  EXPECT_GT(pairs.train.size(), 5000u);
  EXPECT_GT(pairs.validation.size(), 500u);
}

TEST(PreferenceObjective, ConfigErrorsNameTheField) {
  TrainerConfig c = TinyDpo();
  c.objective.response_tokens = 20;  // 16 + 20 - 1 > 32
  EXPECT_THROW(
      try { Validate(c); } catch (const TrainerError& e) {
        EXPECT_NE(std::string(e.what()).find("objective.response_tokens"), std::string::npos);
        throw;
      },
      TrainerError);
  c = TinyDpo();
  c.data.vocab = "char";
  EXPECT_THROW(Validate(c), TrainerError);
  c = TinyDpo();
  c.objective.apo_alpha = 1;
  EXPECT_THROW(Validate(c), TrainerError);
}

TEST(PreferenceObjective, LearnsToPreferTheTrueContinuationOfHeldOutFortunes) {
  ReplicaSet set(TinyDpo(), 1);
  const EvalResult before = set.Evaluate(0);
  EXPECT_NEAR(before.loss, std::log(2.0), 1e-6);  // the initial model is the reference
  EXPECT_NEAR(*before.reward_margin, 0, 1e-6);
  const double first = set.InnerSteps(0, 10);
  for (int i = 0; i < 29; ++i) set.InnerSteps(0, 10);
  const double last = set.InnerSteps(0, 10);
  const EvalResult after = set.Evaluate(0);
  std::cout << "dpo: train loss " << first << " -> " << last << ", held-out loss " << before.loss
            << " -> " << after.loss << ", accuracy " << *before.accuracy << " -> "
            << *after.accuracy << ", reward margin " << *after.reward_margin << "\n";
  EXPECT_LT(last, first);
  EXPECT_LT(after.loss, before.loss);
  EXPECT_GT(*after.reward_margin, 0.1);
  EXPECT_GT(*after.accuracy, 0.65);
  EXPECT_FALSE(after.perplexity.has_value());
}

// To rounding: batched kernels sum in another order, and a DPO loss is a difference of two
// sums of log-probabilities, so it keeps fewer digits than a cross-entropy (measured: 2e-7
// relative on the first phases, 2.3e-4 on the last step, after an extrapolation).
TEST(PreferenceObjective, StackedAgreesWithLoop) {
  std::vector<std::vector<double>> losses;
  for (const char* batching : {"loop", "stacked"}) {
    TrainerConfig c = TinyDpo(0.3, 2, 20);
    c.replica_batching = batching;
    ReplicaSet set(c, 3);
    const std::vector<int> replicas = {0, 1, 2}, steps = {15, 15, 15};
    std::vector<double> trace;
    trace.push_back(set.DdpStep(replicas));
    for (int call = 0; call < 3; ++call) {
      for (double loss : set.InnerSteps(replicas, steps)) trace.push_back(loss);
    }
    trace.push_back(set.DdpStep(replicas));
    losses.push_back(trace);
  }
  for (std::size_t i = 0; i < losses[0].size(); ++i)
    EXPECT_NEAR(losses[1][i], losses[0][i], 1e-3 * std::abs(losses[0][i])) << i;
}

// Two sets trained alike, one with APO (α = 0.3), one with iterative DPO whose round results
// the test moves by hand: after each of the two boundaries they agree bit for bit. APO's
// phases cross the boundaries (13 steps: the round ends 12 steps in), DPO's stop at them.
TEST(PreferenceObjective, ApoIsIterativeDpoWithTheExtrapolationBitForBit) {
  constexpr double kAlpha = 0.3;
  constexpr int kRoundSteps = 12;
  ReplicaSet apo(TinyDpo(kAlpha, 3, kRoundSteps), 1);
  ReplicaSet dpo(TinyDpo(0, 3, kRoundSteps), 1);
  std::vector<torch::Tensor> previous = Copy(dpo.fast_weights(0));  // θ̂_0: the initial model
  auto extrapolate_by_hand = [&] {
    const std::vector<torch::Tensor> result = Copy(dpo.fast_weights(0));
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> theta = dpo.fast_weights(0);
    for (std::size_t k = 0; k < theta.size(); ++k) theta[k].add_(result[k] - previous[k], kAlpha);
    previous = result;
  };
  dpo.InnerSteps(0, kRoundSteps);
  extrapolate_by_hand();
  dpo.InnerSteps(0, 1);  // begins round 1: its reference is the moved weights
  apo.InnerSteps(0, kRoundSteps + 1);
  ASSERT_TRUE(Equal(apo.fast_weights(0), dpo.fast_weights(0))) << "round 1, step 1";
  ASSERT_TRUE(Equal(apo.slow_weights(0), dpo.slow_weights(0))) << "round 1, slow weights";
  EXPECT_EQ(apo.InnerSteps(0, kRoundSteps - 1), dpo.InnerSteps(0, kRoundSteps - 1));
  ASSERT_TRUE(Equal(apo.fast_weights(0), dpo.fast_weights(0))) << "end of round 1";
  extrapolate_by_hand();  // θ̂_2 + α·(θ̂_2 − θ̂_1): the previous result, not the moved one
  EXPECT_EQ(apo.InnerSteps(0, 5), dpo.InnerSteps(0, 5));
  EXPECT_TRUE(Equal(apo.fast_weights(0), dpo.fast_weights(0))) << "round 2";
  // The last round never ends: no third extrapolation however long it runs.
  EXPECT_EQ(apo.InnerSteps(0, 30), dpo.InnerSteps(0, 30));
  EXPECT_TRUE(Equal(apo.fast_weights(0), dpo.fast_weights(0))) << "past the last round";
}

TEST(PreferenceObjective, RoundsChangeTheReference) {
  ReplicaSet one(TinyDpo(0, 1), 1), two(TinyDpo(0, 2, 10), 1);
  EXPECT_EQ(one.InnerSteps(0, 10), two.InnerSteps(0, 10));  // the same first round
  EXPECT_NE(one.InnerSteps(0, 5), two.InnerSteps(0, 5));    // another reference after it
}

TEST(PreferenceObjective, CheckpointCarriesTheRounds) {
  const TrainerConfig c = TinyDpo(0.3, 3, 8);
  ReplicaSet a(c, 2), b(c, 2);
  const std::vector<int> replicas = {0, 1}, steps = {10, 10};
  a.InnerSteps(replicas, steps);
  const fs::path file = fs::temp_directory_path() / ("locosim_dpo_" + std::to_string(getpid()));
  a.Save(file.string());
  b.Load(file.string());
  fs::remove(file);
  EXPECT_EQ(a.InnerSteps(replicas, steps), b.InnerSteps(replicas, steps));
  EXPECT_TRUE(Equal(a.fast_weights(1), b.fast_weights(1)));
}

}  // namespace
}  // namespace locosim::trainers
