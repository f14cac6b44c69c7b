#include "sim/scenario/objective_section.h"

#include <string>

#include "sim/config/field_readers.h"
#include "sim/scenario/scenario_reader.h"

namespace locosim {

ObjectiveSpec ReadObjectiveSection(const JsonReader& r, const ModelSpec& model,
                                   const DataSpec& data) {
  r.ExpectOnlyKeys(
      {"kind", "beta", "rounds", "apo_alpha", "prompt_tokens", "response_tokens", "rejected"});
  ObjectiveSpec o;
  o.kind = Choice(r.Field("kind"), {"cross_entropy", "dpo"});
  if (!o.dpo()) {
    if (r.raw().size() > 1) r.Fail("only \"kind\" for the cross_entropy objective");
    return o;
  }
  if (model.kind != "char_transformer" || data.kind != "text") {
    r.Field("kind").Fail("\"cross_entropy\" for a " + model.kind +
                         " model (dpo trains a char_transformer on text)");
  }
  if (data.vocab != "byte") {
    r.Field("kind").Fail("\"cross_entropy\" with data.vocab \"" + data.vocab +
                         "\" (dpo's pairs are bytes: data.vocab \"byte\")");
  }
  Optional(r, "beta", o.beta,
           [](const JsonReader& v) { return NumberIn(v, 1e-6, 1e3, "a beta in [1e-6, 1000]"); });
  Optional(r, "rounds", o.rounds,
           [](const JsonReader& v) { return IntIn(v, 1, 1 << 20, "a positive round count"); });
  Optional(r, "apo_alpha", o.apo_alpha, [](const JsonReader& v) {
    const double alpha = NumberIn(v, 0, 1, "an extrapolation in [0, 1)");
    if (alpha >= 1) v.Fail("an extrapolation in [0, 1) (0 = iterative DPO)");
    return alpha;
  });
  Optional(r, "prompt_tokens", o.prompt_tokens,
           [](const JsonReader& v) { return IntIn(v, 1, 1 << 20, "a positive token count"); });
  Optional(r, "response_tokens", o.response_tokens,
           [](const JsonReader& v) { return IntIn(v, 2, 1 << 20, "a token count of at least 2"); });
  Optional(r, "rejected", o.rejected, [](const JsonReader& v) {
    return Choice(v, {"shuffled_words", "shuffled_letters"});
  });
  if (o.prompt_tokens + o.response_tokens - 1 > model.context) {
    (r.Has("response_tokens") ? r.Field("response_tokens") : r.Field("kind"))
        .Fail("prompt_tokens + response_tokens - 1 at most the model's context of " +
              std::to_string(model.context) + " tokens, found " + std::to_string(o.prompt_tokens) +
              " + " + std::to_string(o.response_tokens) + " - 1");
  }
  return o;
}

void CheckRoundsFitMethods(const JsonReader& r, const Scenario& s) {
  const ObjectiveSpec& o = s.objective;
  if (!o.dpo()) return;
  const JsonReader rounds = r.Has("rounds") ? r.Field("rounds") : r.Field("kind");
  if (s.total_steps % o.rounds != 0) {
    rounds.Fail("a round count dividing the step budget of " + std::to_string(s.total_steps) +
                " steps, found " + std::to_string(o.rounds));
  }
  const int round_steps = s.total_steps / o.rounds;
  for (const MethodSpec& m : s.methods) {
    if (!m.settings->trains_between_syncs()) continue;  // DDP synchronises every step
    const int h = InnerStepsOf(s, m);
    if (round_steps % h != 0) {
      rounds.Fail("rounds of a whole number of syncs: " + std::to_string(o.rounds) + " rounds of " +
                  std::to_string(round_steps) + " steps, not a multiple of " + "method " + m.name +
                  "'s H = " + std::to_string(h));
    }
  }
}

}  // namespace locosim
