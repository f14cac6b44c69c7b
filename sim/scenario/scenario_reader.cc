#include "sim/scenario/scenario_reader.h"

#include <filesystem>
#include <set>

#include "sim/config/field_readers.h"
#include "sim/config/json_reader.h"
#include "sim/methods/method_registry.h"
#include "sim/methods/streaming_diloco/streaming_diloco.h"
#include "sim/scenario/compute_section.h"
#include "sim/scenario/faults_section.h"
#include "sim/scenario/network_section.h"
#include "sim/scenario/objective_section.h"
#include "sim/scenario/scenario_overrides.h"

namespace locosim {
namespace {

constexpr std::size_t kMaxNameLength = 100;
constexpr std::int64_t kMaxSteps = 1 << 30;  // inner steps per replica
constexpr std::size_t kMaxSeeds = 1000;

// Proxy sizes of about 30k, 1M and 10M parameters (byte vocabulary); docs/scenario.md gives
// each one's measured cost per replica-step.
struct Preset {
  const char* name;
  int layers, d_model, heads, context;
};
constexpr Preset kPresets[] = {
    {"tiny", 1, 32, 2, 32}, {"small", 4, 128, 4, 64}, {"medium", 8, 320, 8, 128}};

ModelSpec ReadModel(const JsonReader& r) {
  r.ExpectOnlyKeys(
      {"kind", "preset", "layers", "d_model", "heads", "context", "hidden", "channels"});
  ModelSpec m;
  Optional(r, "kind", m.kind, [](const JsonReader& v) {
    return Choice(v, {"char_transformer", "mlp", "cnn"});
  });
  // A preset sets the transformer's sizes; so that a preset never silently loses to sizes
  // written elsewhere in the file, it excludes them (the context may still be given).
  Optional(r, "preset", m.preset, [](const JsonReader& v) {
    return Choice(v, {"tiny", "small", "medium"});
  });
  if (!m.preset.empty()) {
    if (m.kind != "char_transformer")
      r.Field("preset").Fail("a model of kind \"char_transformer\" (presets size transformers)");
    for (const char* size : {"layers", "d_model", "heads"}) {
      if (r.Has(size))
        r.Field("preset").Fail(std::string("either a preset or \"") + size +
                               "\", not both (the preset sets layers, d_model and heads)");
    }
    for (const Preset& p : kPresets) {
      if (m.preset == p.name) {
        m.layers = p.layers;
        m.d_model = p.d_model;
        m.heads = p.heads;
        m.context = p.context;
      }
    }
  }
  Optional(r, "layers", m.layers,
           [](const JsonReader& v) { return IntIn(v, 1, 64, "a layer count in [1, 64]"); });
  Optional(r, "d_model", m.d_model,
           [](const JsonReader& v) { return IntIn(v, 1, 16384, "a width in [1, 16384]"); });
  Optional(r, "heads", m.heads,
           [](const JsonReader& v) { return IntIn(v, 1, 256, "a head count in [1, 256]"); });
  Optional(r, "context", m.context, [](const JsonReader& v) {
    return IntIn(v, 2, 65536, "a context length in [2, 65536]");
  });
  Optional(r, "hidden", m.hidden,
           [](const JsonReader& v) { return IntIn(v, 1, 65536, "a width in [1, 65536]"); });
  Optional(r, "channels", m.channels,
           [](const JsonReader& v) { return IntIn(v, 1, 4096, "a channel count in [1, 4096]"); });
  if (m.kind == "char_transformer" && m.d_model % m.heads != 0) {
    r.Field("heads").Fail("a head count dividing d_model (" + std::to_string(m.d_model) + ")");
  }
  return m;
}

DataSpec ReadData(const JsonReader& r, const std::string& model_kind) {
  r.ExpectOnlyKeys({"kind", "path", "vocab", "validation_fraction", "iid"});
  DataSpec d;
  d.kind = model_kind == "char_transformer" ? "text" : "fashion_mnist";
  Optional(r, "kind", d.kind, [](const JsonReader& v) {
    return Choice(v, {"text", "fashion_mnist"});
  });
  Optional(r, "path", d.path, [](const JsonReader& v) { return v.String(); });
  Optional(r, "vocab", d.vocab, [](const JsonReader& v) { return Choice(v, {"byte", "char"}); });
  Optional(r, "validation_fraction", d.validation_fraction, [](const JsonReader& v) {
    return NumberIn(v, 0.001, 0.5, "a fraction in [0.001, 0.5]");
  });
  Optional(r, "iid", d.iid, [](const JsonReader& v) { return v.Boolean(); });
  const bool text_model = model_kind == "char_transformer";
  if (text_model != (d.kind == "text")) {
    r.Field("kind").Fail(std::string(text_model ? "\"text\"" : "\"fashion_mnist\"") + " for a " +
                         model_kind + " model");
  }
  const bool is_default = d.path.empty();
  if (is_default) {
    d.path = d.kind == "text" ? "/usr/share/games/fortunes" : "/usr/share/datasets/fashion-mnist";
  } else if (std::filesystem::path(d.path).is_relative() && !r.file().empty()) {
    d.path = (std::filesystem::path(r.file()).parent_path() / d.path).lexically_normal().string();
  }
  std::error_code ec;
  if (!std::filesystem::exists(d.path, ec)) {
    const std::string package = d.kind == "text" ? "fortunes" : "dataset-fashion-mnist";
    const std::string hint =
        is_default ? " (install the Debian package " + package + ", or run tools/setup)" : "";
    (is_default ? r : r.Field("path"))
        .Fail("a readable data path; " + d.path + " does not exist" + hint);
  }
  return d;
}

OptimizerSpec ReadOptimizer(const JsonReader& r) {
  r.ExpectOnlyKeys({"kind", "lr", "betas", "weight_decay", "eps", "max_grad_norm", "warmup_steps",
                    "cosine_steps", "adan_no_prox"});
  OptimizerSpec o;
  Optional(r, "kind", o.kind, [](const JsonReader& v) {
    return Choice(v, {"adamw", "adan", "lion"});
  });
  if (o.kind == "lion") o.lr = 3e-4;
  Optional(r, "lr", o.lr, [](const JsonReader& v) {
    return NumberIn(v, 1e-12, 10, "a learning rate in (0, 10]");
  });
  if (auto betas = r.OptionalField("betas")) {
    const std::size_t want = o.kind == "adan" ? 3 : 2;
    if (betas->ArraySize() != want) betas->Fail(std::to_string(want) + " betas for " + o.kind);
    for (std::size_t i = 0; i < want; ++i) {
      o.betas.push_back(NumberIn(betas->Element(i), 0, 0.999999, "a beta in [0, 1)"));
    }
  }
  Optional(r, "weight_decay", o.weight_decay,
           [](const JsonReader& v) { return NumberIn(v, 0, 10, "a weight decay in [0, 10]"); });
  Optional(r, "eps", o.eps,
           [](const JsonReader& v) { return NumberIn(v, 0, 1, "an epsilon in [0, 1]"); });
  Optional(r, "max_grad_norm", o.max_grad_norm, [](const JsonReader& v) {
    return NumberIn(v, 0, 1e9, "a non-negative norm (0 = no clipping)");
  });
  Optional(r, "warmup_steps", o.warmup_steps,
           [](const JsonReader& v) { return IntIn(v, 0, 1 << 30, "a non-negative step count"); });
  Optional(r, "cosine_steps", o.cosine_steps,
           [](const JsonReader& v) { return IntIn(v, 0, 1 << 30, "a non-negative step count"); });
  Optional(r, "adan_no_prox", o.adan_no_prox, [](const JsonReader& v) { return v.Boolean(); });
  if (o.adan_no_prox && o.kind != "adan")
    r.Field("adan_no_prox").Fail("no \"adan_no_prox\" unless kind is \"adan\"");
  return o;
}

PayloadSpec ReadPayload(const JsonReader& r) {
  r.ExpectOnlyKeys({"bytes", "parameters", "bytes_per_parameter"});
  PayloadSpec p;
  if (auto b = r.OptionalField("bytes")) {
    if (!(b->raw().is_string() && b->raw() == "auto")) p.bytes = b->ByteCount();
  }
  Optional(r, "parameters", p.parameters, [](const JsonReader& v) {
    return std::optional<double>(NumberIn(v, 1, 1e15, "a parameter count in [1, 1e15]"));
  });
  Optional(r, "bytes_per_parameter", p.bytes_per_parameter, [](const JsonReader& v) {
    return NumberIn(v, 0.125, 16, "bytes per parameter in [0.125, 16]");
  });
  if (p.bytes && p.parameters) r.Fail("either \"bytes\" or \"parameters\", not both");
  return p;
}

// [1, 2, 3]: distinct non-negative seeds, at most kMaxSeeds.
std::vector<std::uint64_t> ReadSeedList(const JsonReader& r) {
  const std::size_t count = r.ArraySize();
  if (count == 0 || count > kMaxSeeds) {
    r.Fail("a list of 1 to " + std::to_string(kMaxSeeds) + " seeds");
  }
  std::vector<std::uint64_t> seeds;
  std::set<std::uint64_t> seen;
  for (std::size_t i = 0; i < count; ++i) {
    const JsonReader e = r.Element(i);
    const std::int64_t seed = e.Integer();
    if (seed < 0) e.Fail("a non-negative seed");
    if (!seen.insert(static_cast<std::uint64_t>(seed)).second) {
      e.Fail("a seed not already in the list (" + std::to_string(seed) + " is twice)");
    }
    seeds.push_back(static_cast<std::uint64_t>(seed));
  }
  return seeds;
}

// Layers in depth of a model kind, as ReplicaSet::parameter_layers counts them (a test
// checks the two agree): a char_transformer's blocks, an mlp's two linear layers, a cnn's
// two convolutions and its classifier.
int ModelLayers(const ModelSpec& model) {
  if (model.kind == "char_transformer") return model.layers;
  return model.kind == "mlp" ? 2 : 3;
}

// P fragments need H = k·P (offsets p·H/P), τ <= H/P (one fragment in flight per replica),
// and at least one layer each.
void CheckStreamingFragments(const JsonReader& method, const StreamingDilocoSettings& settings,
                             int h, const ModelSpec& model) {
  const int p = settings.fragments;
  if (h % p != 0) {
    method.Field("fragments")
        .Fail("a fragment count dividing H = " + std::to_string(h) +
              " (fragment p syncs at offset p·H/P)");
  }
  if (p > ModelLayers(model)) {
    method.Field("fragments")
        .Fail("at most " + std::to_string(ModelLayers(model)) + " fragments: the " + model.kind +
              " has " + std::to_string(ModelLayers(model)) +
              " layers, and each fragment holds whole layers");
  }
  if (settings.overlap_steps > h / p) {
    (method.Has("overlap_steps") ? method.Field("overlap_steps") : method.Field("fragments"))
        .Fail("overlap_steps at most H/P = " + std::to_string(h / p) +
              " (the next fragment's sync), found " + std::to_string(settings.overlap_steps));
  }
}

Scenario ReadScenario(const JsonReader& r) {
  r.ExpectOnlyKeys({"name",
                    "description",
                    "seed",
                    "seeds",
                    "replicas",
                    "model",
                    "data",
                    "batch_size",
                    "inner_optimizer",
                    "objective",
                    "inner_steps",
                    "outer_rounds",
                    "total_steps",
                    "eval",
                    "target_loss",
                    "methods",
                    "payload",
                    "compute",
                    "network",
                    "device",
                    "threads",
                    "checkpoint_every_rounds",
                    "replica_batching",
                    "faults"});
  Scenario s;
  s.name = r.Field("name").String();
  // The name makes the results folder's name (with a UTC time, under a file-name limit of
  // 255 bytes), so it is checked before anything runs.
  if (s.name.empty() || s.name.size() > kMaxNameLength ||
      s.name.find_first_of("/ \t") != std::string::npos) {
    r.Field("name").Fail("a name of 1 to " + std::to_string(kMaxNameLength) +
                         " characters without spaces or slashes (it names the results folder)");
  }
  if (auto d = r.OptionalField("description")) d->String();
  Optional(r, "seed", s.seed, [](const JsonReader& v) {
    const std::int64_t seed = v.Integer();
    if (seed < 0) v.Fail("a non-negative seed");
    return static_cast<std::uint64_t>(seed);
  });
  if (auto list = r.OptionalField("seeds")) {
    if (r.OptionalField("seed"))
      list->Fail(
          "either \"seed\" or a \"seeds\" list, not both (to drop the file's seed: --set "
          "seed=null)");
    s.seeds = ReadSeedList(*list);
    s.seed = s.seeds.front();
    if (s.seeds.size() == 1) s.seeds.clear();  // one seed: a plain run
  }
  s.replicas = IntIn(r.Field("replicas"), 1, 100000, "a replica count in [1, 100000]");
  s.model = ReadModel(r.FieldOrEmptyObject("model"));
  s.data = ReadData(r.FieldOrEmptyObject("data"), s.model.kind);
  Optional(r, "batch_size", s.batch_size,
           [](const JsonReader& v) { return IntIn(v, 1, 1 << 20, "a positive batch size"); });
  if (auto o = r.OptionalField("inner_optimizer")) s.inner_optimizer = ReadOptimizer(*o);
  Optional(r, "inner_steps", s.inner_steps,
           [](const JsonReader& v) { return IntIn(v, 1, 1 << 30, "a positive step count"); });
  if (r.Has("outer_rounds") == r.Has("total_steps")) {
    r.Fail("exactly one of \"outer_rounds\" and \"total_steps\" (the step budget of every method)");
  }
  if (auto rounds = r.OptionalField("outer_rounds")) {
    const std::int64_t budget =
        static_cast<std::int64_t>(IntIn(*rounds, 1, 1 << 30, "a positive round count")) *
        s.inner_steps;
    if (budget > kMaxSteps) {
      rounds->Fail("a round count whose step budget (outer_rounds × inner_steps = " +
                   std::to_string(budget) + ") is at most " + std::to_string(kMaxSteps) + " steps");
    }
    s.total_steps = static_cast<int>(budget);
  }
  Optional(r, "total_steps", s.total_steps,
           [](const JsonReader& v) { return IntIn(v, 1, 1 << 30, "a positive step count"); });
  if (auto e = r.OptionalField("eval")) {
    e->ExpectOnlyKeys({"every_steps", "batches"});
    Optional(*e, "every_steps", s.eval.every_steps,
             [](const JsonReader& v) { return IntIn(v, 1, 1 << 30, "a positive step count"); });
    Optional(*e, "batches", s.eval.batches,
             [](const JsonReader& v) { return IntIn(v, 1, 100000, "a positive batch count"); });
  }
  Optional(r, "target_loss", s.target_loss, [](const JsonReader& v) {
    return std::optional<double>(NumberIn(v, 0, 1e6, "a loss in [0, 1e6]"));
  });

  const JsonReader methods = r.Field("methods");
  if (methods.ArraySize() == 0) methods.Fail("a non-empty array of methods");
  std::set<std::string> names;
  for (std::size_t i = 0; i < methods.ArraySize(); ++i) {
    MethodSpec m = ReadMethodSpec(methods.Element(i), s.replicas);
    if (!names.insert(m.name).second) {
      methods.Element(i).Fail("a unique method name; \"" + m.name +
                              "\" is used twice (set \"name\")");
    }
    const int h = InnerStepsOf(s, m);
    if (s.total_steps % h != 0) {
      (m.inner_steps ? methods.Element(i).Field("inner_steps")
                     : r.Field(r.Has("total_steps") ? "total_steps" : "inner_steps"))
          .Fail("inner steps H = " + std::to_string(h) + " dividing the step budget of " +
                std::to_string(s.total_steps) + " steps");
    }
    if (const auto* streaming = SettingsOf<StreamingDilocoSettings>(m)) {
      CheckStreamingFragments(methods.Element(i), *streaming, h, s.model);
    }
    s.methods.push_back(std::move(m));
  }
  if (auto o = r.OptionalField("objective")) {
    s.objective = ReadObjectiveSection(*o, s.model, s.data);
    s.objective.round_steps = s.total_steps / s.objective.rounds;
    CheckRoundsFitMethods(*o, s);
  }
  if (auto p = r.OptionalField("payload")) s.payload = ReadPayload(*p);
  s.compute = ReadComputeSection(r.FieldOrEmptyObject("compute"), s.replicas);
  if (s.objective.dpo()) s.compute.flops_per_parameter_token = 8;
  s.network = ReadNetworkSection(r.Field("network"));
  if (s.network.backend == "ns3") {
    // ns-3 gives each connection into a node its own port: every other replica times every
    // stream of a transfer.
    constexpr int kMost = NetworkOptions::Ns3::kConnectionsPerNode;
    for (std::size_t i = 0; i < s.methods.size(); ++i) {
      const int streams = StreamsOf(s, s.methods[i]);
      if (static_cast<std::int64_t>(s.replicas - 1) * streams > kMost) {
        const JsonReader method = methods.Element(i);
        (method.Has("streams") ? method.Field("streams") : r.Field("replicas"))
            .Fail("at most " + std::to_string(kMost) +
                  " connections into one node with the ns3 backend: " +
                  std::to_string(s.replicas - 1) + " other replicas x " + std::to_string(streams) +
                  " streams of method " + s.methods[i].name +
                  " is more (use fewer streams or replicas, or the flow backend)");
      }
    }
  }
  Optional(r, "device", s.device, [](const JsonReader& v) {
    const std::string d = v.String();
    if (d != "cpu" && d.rfind("cuda", 0) != 0)
      v.Fail("\"cpu\" or \"cuda\" (or \"cuda:N\"), found \"" + d + "\"");
    return d;
  });
  Optional(r, "threads", s.threads, [](const JsonReader& v) {
    return IntIn(v, 0, 1024, "a thread count in [0, 1024] (0 = one per core)");
  });
  Optional(r, "replica_batching", s.replica_batching, [&s](const JsonReader& v) {
    const std::string batching = Choice(v, {"auto", "stacked", "loop"});
    if (batching == "stacked" && s.model.kind == "cnn")
      v.Fail("\"auto\" or \"loop\" for model kind cnn (its replicas are stepped one at a time)");
    return batching;
  });
  Optional(r, "checkpoint_every_rounds", s.checkpoint_every_rounds, [](const JsonReader& v) {
    return IntIn(v, 0, 1 << 30, "a round count in [0, 1073741824] (0 = no checkpoints)");
  });
  if (auto f = r.OptionalField("faults")) {
    s.faults = ReadFaultsSection(*f, s.replicas);
    for (std::size_t i = 0; i < s.methods.size(); ++i) {
      if (s.faults.any() && s.methods[i].kind == "streaming_diloco") {
        methods.Element(i).Field("kind").Fail(
            "a method that models replica failures (diloco, noloco, ddp, local_sgd): "
            "streaming_diloco with \"faults\" is not implemented yet");
      }
    }
  }
  if (s.checkpoint_every_rounds > 0 && s.compute.measured) {
    // A resumed run re-simulates the control plane, which measured step times cannot be.
    r.Field("checkpoint_every_rounds")
        .Fail(
            "0 with \"compute\": {\"measured\": true} (a resumed run re-simulates every step "
            "time, and measured ones are not reproducible)");
  }
  return s;
}

}  // namespace

int StreamsOf(const Scenario& s, const MethodSpec& m) {
  return m.streams ? *m.streams : s.network.options.tcp.streams;
}

int InnerStepsOf(const Scenario& s, const MethodSpec& m) {
  return m.inner_steps ? *m.inner_steps : s.inner_steps;
}

Result<Scenario> ScenarioFromJson(const nlohmann::json& doc, const std::string& file) {
  try {
    Scenario s = ReadScenario(JsonReader(doc, file));
    s.file = file;
    if (!s.network.topology_file.empty() && !file.empty()) {
      const std::filesystem::path topology(s.network.topology_file);
      if (topology.is_relative()) {
        s.network.topology_file =
            (std::filesystem::path(file).parent_path() / topology).lexically_normal().string();
      }
    }
    return s;
  } catch (const ConfigException& e) {
    return e.error;
  }
}

Result<Scenario> LoadScenarioFile(const std::string& path,
                                  const std::vector<std::string>& overrides) {
  try {
    nlohmann::json doc = ReadJsonFile(path);
    for (const auto& o : overrides) ApplyOverride(doc, o);
    return ScenarioFromJson(doc, path);
  } catch (const ConfigException& e) {
    return e.error;
  }
}

}  // namespace locosim
