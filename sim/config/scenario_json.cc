#include "sim/config/scenario_json.h"

#include <filesystem>
#include <set>

#include "sim/config/json_reader.h"
#include "sim/config/quantity.h"
#include "sim/config/topology_json.h"
#include "sim/collectives/collective_by_name.h"
#include "sim/topogen/generators.h"

namespace locosim {
namespace {

// Fails unless `value` is one of `choices`, suggesting the nearest.
std::string Choice(const JsonReader& r, std::initializer_list<std::string_view> choices) {
  const std::string value = r.String();
  for (auto c : choices) {
    if (value == c) return value;
  }
  std::string expected = "one of";
  for (auto c : choices) expected += " \"" + std::string(c) + "\"";
  expected += ", found \"" + value + "\"";
  if (auto near = ClosestMatch(value, choices)) expected += " (did you mean \"" + *near + "\"?)";
  r.Fail(expected);
}

double NumberIn(const JsonReader& r, double lo, double hi, const std::string& what) {
  const double v = r.Number();
  if (!(v >= lo && v <= hi)) r.Fail(what + ", found " + r.raw().dump());
  return v;
}

int IntIn(const JsonReader& r, std::int64_t lo, std::int64_t hi, const std::string& what) {
  const std::int64_t v = r.Integer();
  if (v < lo || v > hi) r.Fail(what + ", found " + std::to_string(v));
  return static_cast<int>(v);
}

// Sets `field` from r[key] when present.
template <typename T, typename Read>
void Optional(const JsonReader& r, std::string_view key, T& field, Read read) {
  if (auto v = r.OptionalField(key)) field = read(*v);
}

ModelSpec ReadModel(const JsonReader& r) {
  r.ExpectOnlyKeys({"kind", "layers", "d_model", "heads", "context", "hidden", "channels"});
  ModelSpec m;
  Optional(r, "kind", m.kind, [](const JsonReader& v) { return Choice(v, {"char_transformer", "mlp", "cnn"}); });
  Optional(r, "layers", m.layers, [](const JsonReader& v) { return IntIn(v, 1, 64, "a layer count in [1, 64]"); });
  Optional(r, "d_model", m.d_model, [](const JsonReader& v) { return IntIn(v, 1, 16384, "a width in [1, 16384]"); });
  Optional(r, "heads", m.heads, [](const JsonReader& v) { return IntIn(v, 1, 256, "a head count in [1, 256]"); });
  Optional(r, "context", m.context, [](const JsonReader& v) { return IntIn(v, 2, 65536, "a context length in [2, 65536]"); });
  Optional(r, "hidden", m.hidden, [](const JsonReader& v) { return IntIn(v, 1, 65536, "a width in [1, 65536]"); });
  Optional(r, "channels", m.channels, [](const JsonReader& v) { return IntIn(v, 1, 4096, "a channel count in [1, 4096]"); });
  if (m.kind == "char_transformer" && m.d_model % m.heads != 0) {
    r.Field("heads").Fail("a head count dividing d_model (" + std::to_string(m.d_model) + ")");
  }
  return m;
}

DataSpec ReadData(const JsonReader& r, const std::string& model_kind) {
  r.ExpectOnlyKeys({"kind", "path", "vocab", "validation_fraction", "iid"});
  DataSpec d;
  d.kind = model_kind == "char_transformer" ? "text" : "fashion_mnist";
  Optional(r, "kind", d.kind, [](const JsonReader& v) { return Choice(v, {"text", "fashion_mnist"}); });
  Optional(r, "path", d.path, [](const JsonReader& v) { return v.String(); });
  Optional(r, "vocab", d.vocab, [](const JsonReader& v) { return Choice(v, {"byte", "char"}); });
  Optional(r, "validation_fraction", d.validation_fraction,
           [](const JsonReader& v) { return NumberIn(v, 0.001, 0.5, "a fraction in [0.001, 0.5]"); });
  Optional(r, "iid", d.iid, [](const JsonReader& v) { return v.Boolean(); });
  const bool text_model = model_kind == "char_transformer";
  if (text_model != (d.kind == "text")) {
    r.Field("kind").Fail(std::string(text_model ? "\"text\"" : "\"fashion_mnist\"") +
                         " for a " + model_kind + " model");
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
    const std::string hint = is_default ? " (install the Debian package " + package + ", or run tools/setup)" : "";
    (is_default ? r : r.Field("path")).Fail("a readable data path; " + d.path + " does not exist" + hint);
  }
  return d;
}

OptimizerSpec ReadOptimizer(const JsonReader& r) {
  r.ExpectOnlyKeys({"kind", "lr", "betas", "weight_decay", "eps", "max_grad_norm", "warmup_steps",
                    "cosine_steps", "adan_no_prox"});
  OptimizerSpec o;
  Optional(r, "kind", o.kind, [](const JsonReader& v) { return Choice(v, {"adamw", "adan", "lion"}); });
  if (o.kind == "lion") o.lr = 3e-4;
  Optional(r, "lr", o.lr, [](const JsonReader& v) { return NumberIn(v, 1e-12, 10, "a learning rate in (0, 10]"); });
  if (auto betas = r.OptionalField("betas")) {
    const std::size_t want = o.kind == "adan" ? 3 : 2;
    if (betas->ArraySize() != want) betas->Fail(std::to_string(want) + " betas for " + o.kind);
    for (std::size_t i = 0; i < want; ++i) {
      o.betas.push_back(NumberIn(betas->Element(i), 0, 0.999999, "a beta in [0, 1)"));
    }
  }
  Optional(r, "weight_decay", o.weight_decay, [](const JsonReader& v) { return NumberIn(v, 0, 10, "a weight decay in [0, 10]"); });
  Optional(r, "eps", o.eps, [](const JsonReader& v) { return NumberIn(v, 0, 1, "an epsilon in [0, 1]"); });
  Optional(r, "max_grad_norm", o.max_grad_norm, [](const JsonReader& v) { return NumberIn(v, 0, 1e9, "a non-negative norm (0 = no clipping)"); });
  Optional(r, "warmup_steps", o.warmup_steps, [](const JsonReader& v) { return IntIn(v, 0, 1 << 30, "a non-negative step count"); });
  Optional(r, "cosine_steps", o.cosine_steps, [](const JsonReader& v) { return IntIn(v, 0, 1 << 30, "a non-negative step count"); });
  Optional(r, "adan_no_prox", o.adan_no_prox, [](const JsonReader& v) { return v.Boolean(); });
  if (o.adan_no_prox && o.kind != "adan") r.Field("adan_no_prox").Fail("no \"adan_no_prox\" unless kind is \"adan\"");
  return o;
}

PayloadSpec ReadPayload(const JsonReader& r) {
  r.ExpectOnlyKeys({"bytes", "parameters", "bytes_per_parameter"});
  PayloadSpec p;
  if (auto b = r.OptionalField("bytes")) {
    if (!(b->raw().is_string() && b->raw() == "auto")) p.bytes = b->ByteCount();
  }
  Optional(r, "parameters", p.parameters, [](const JsonReader& v) { return std::optional<double>(NumberIn(v, 1, 1e15, "a parameter count in [1, 1e15]")); });
  Optional(r, "bytes_per_parameter", p.bytes_per_parameter, [](const JsonReader& v) { return NumberIn(v, 0.125, 16, "bytes per parameter in [0.125, 16]"); });
  if (p.bytes && p.parameters) r.Fail("either \"bytes\" or \"parameters\", not both");
  return p;
}

ComputeSpec ReadCompute(const JsonReader& r) {
  r.ExpectOnlyKeys({"step_time", "target_parameters", "tokens_per_step", "accelerator_tflops", "mfu",
                    "accelerators_per_replica", "jitter_sigma", "stragglers", "measured"});
  ComputeSpec c;
  Optional(r, "step_time", c.step_time, [](const JsonReader& v) { return std::optional<SimTime>(v.Duration()); });
  Optional(r, "target_parameters", c.target_parameters, [](const JsonReader& v) { return std::optional<double>(NumberIn(v, 1, 1e15, "a parameter count in [1, 1e15]")); });
  Optional(r, "tokens_per_step", c.tokens_per_step, [](const JsonReader& v) { return NumberIn(v, 1, 1e12, "a token count in [1, 1e12]"); });
  Optional(r, "accelerator_tflops", c.accelerator_tflops, [](const JsonReader& v) { return NumberIn(v, 1e-6, 1e6, "a throughput in TFLOP/s in (0, 1e6]"); });
  Optional(r, "mfu", c.mfu, [](const JsonReader& v) { return NumberIn(v, 1e-4, 1, "a utilisation in (0, 1]"); });
  Optional(r, "accelerators_per_replica", c.accelerators_per_replica, [](const JsonReader& v) { return IntIn(v, 1, 1 << 20, "a positive count"); });
  Optional(r, "jitter_sigma", c.jitter_sigma, [](const JsonReader& v) { return NumberIn(v, 0, 3, "a lognormal sigma in [0, 3]"); });
  Optional(r, "measured", c.measured, [](const JsonReader& v) { return v.Boolean(); });
  if (auto s = r.OptionalField("stragglers")) {
    s->ExpectOnlyKeys({"fraction", "slowdown"});
    c.straggler_fraction = NumberIn(s->Field("fraction"), 0, 1, "a fraction of replicas in [0, 1]");
    c.straggler_slowdown = NumberIn(s->Field("slowdown"), 1, 1000, "a slowdown factor in [1, 1000]");
  }
  const int ways = (c.step_time ? 1 : 0) + (c.target_parameters ? 1 : 0) + (c.measured ? 1 : 0);
  if (ways > 1) r.Fail("one of \"step_time\", \"target_parameters\" (with tokens_per_step and accelerator_tflops) or \"measured\": true");
  if (c.target_parameters && (c.tokens_per_step <= 0 || c.accelerator_tflops <= 0)) {
    r.Fail("\"tokens_per_step\" and \"accelerator_tflops\" with \"target_parameters\"");
  }
  if (ways == 0) c.step_time = Milliseconds(100);
  return c;
}

NetworkSpec ReadNetwork(const JsonReader& r) {
  r.ExpectOnlyKeys({"backend", "topology", "generator", "overrides", "flow", "ns3"});
  NetworkSpec n;
  if (auto b = r.OptionalField("backend")) {
    const std::string backend = b->String();
    const auto names = BackendNames();
    if (std::find(names.begin(), names.end(), backend) == names.end()) {
      std::string expected = "a backend this build has:";
      for (const auto& name : names) expected += " \"" + name + "\"";
      b->Fail(expected + ", found \"" + backend + "\"");
    }
    n.backend = backend;
  }
  const bool has_file = r.Has("topology"), has_generator = r.Has("generator");
  if (has_file == has_generator) r.Fail("exactly one of \"topology\" (a file) and \"generator\"");
  if (has_file) n.topology_file = r.Field("topology").String();
  if (has_generator) {
    const JsonReader g = r.Field("generator");
    g.ExpectOnlyKeys({"kind", "bandwidth", "latency", "regions", "wan_bandwidth", "wan_latency", "seed"});
    n.generator = Choice(g.Field("kind"), {"star", "ring", "regions", "internet"});
    Optional(g, "bandwidth", n.bandwidth, [](const JsonReader& v) { return v.Rate(); });
    Optional(g, "latency", n.latency, [](const JsonReader& v) { return v.Duration(); });
    Optional(g, "regions", n.regions, [](const JsonReader& v) { return IntIn(v, 1, 1000, "a region count in [1, 1000]"); });
    Optional(g, "wan_bandwidth", n.wan_bandwidth, [](const JsonReader& v) { return v.Rate(); });
    Optional(g, "wan_latency", n.wan_latency, [](const JsonReader& v) { return v.Duration(); });
    Optional(g, "seed", n.generator_seed, [](const JsonReader& v) { return static_cast<std::uint64_t>(IntIn(v, 0, INT32_MAX, "a non-negative seed")); });
  }
  if (auto o = r.OptionalField("overrides")) {
    o->ExpectOnlyKeys({"bandwidth", "latency", "loss_rate"});
    Optional(*o, "bandwidth", n.override_bandwidth, [](const JsonReader& v) { return std::optional<BitsPerSecond>(v.Rate()); });
    Optional(*o, "latency", n.override_latency, [](const JsonReader& v) { return std::optional<SimTime>(v.Duration()); });
    Optional(*o, "loss_rate", n.override_loss_rate, [](const JsonReader& v) { return std::optional<double>(NumberIn(v, 0, 0.999, "a loss rate in [0, 1)")); });
  }
  if (auto flow = r.OptionalField("flow")) {
    flow->ExpectOnlyKeys({"tcp_startup", "tcp_loss"});
    Optional(*flow, "tcp_startup", n.options.flow.tcp_startup, [](const JsonReader& v) { return v.Boolean(); });
    Optional(*flow, "tcp_loss", n.options.flow.tcp_loss, [](const JsonReader& v) { return v.Boolean(); });
  }
  if (auto ns3 = r.OptionalField("ns3")) {
    ns3->ExpectOnlyKeys({"tcp", "queue_disc", "mtu_bytes", "initial_cwnd_segments", "min_rto", "sack", "seed", "stall_timeout"});
    auto& o = n.options.ns3;
    Optional(*ns3, "tcp", o.tcp, [](const JsonReader& v) { return Choice(v, {"cubic", "newreno", "bbr"}); });
    Optional(*ns3, "queue_disc", o.queue_disc, [](const JsonReader& v) { return Choice(v, {"fq_codel", "pfifo", "red"}); });
    Optional(*ns3, "mtu_bytes", o.mtu_bytes, [](const JsonReader& v) { return IntIn(v, 576, 65535, "an MTU in [576, 65535] bytes"); });
    Optional(*ns3, "initial_cwnd_segments", o.initial_cwnd_segments, [](const JsonReader& v) { return IntIn(v, 1, 1000, "a segment count in [1, 1000]"); });
    Optional(*ns3, "min_rto", o.min_rto_s, [](const JsonReader& v) { return v.Duration().seconds(); });
    Optional(*ns3, "stall_timeout", o.stall_timeout_s, [](const JsonReader& v) { return v.Duration().seconds(); });
    Optional(*ns3, "sack", o.sack, [](const JsonReader& v) { return v.Boolean(); });
    Optional(*ns3, "seed", o.seed, [](const JsonReader& v) { return static_cast<std::uint64_t>(IntIn(v, 0, INT32_MAX, "a non-negative seed")); });
  }
  return n;
}

MethodSpec ReadMethod(const JsonReader& r, int replicas) {
  r.ExpectOnlyKeys({"name", "kind", "inner_steps", "algorithm", "outer_optimizer", "outer_lr",
                    "outer_momentum", "group_size", "alpha", "beta", "gamma"});
  MethodSpec m;
  m.kind = Choice(r.Field("kind"), {"diloco", "noloco", "ddp", "local_sgd"});
  m.name = r.Has("name") ? r.Field("name").String() : m.kind;
  if (m.name.empty() || m.name.find_first_of(",/ \t") != std::string::npos) {
    r.Field("name").Fail("a non-empty name without spaces, commas or slashes");
  }
  if (m.kind == "noloco") m.outer_momentum = 0;  // unused; keeps the echo honest
  auto reject_unless = [&](std::string_view key, bool allowed) {
    if (r.Has(key) && !allowed) r.Field(key).Fail("no \"" + std::string(key) + "\" for method kind \"" + m.kind + "\"");
  };
  const bool diloco = m.kind == "diloco", noloco = m.kind == "noloco";
  reject_unless("algorithm", !noloco);
  reject_unless("outer_optimizer", diloco);
  reject_unless("outer_lr", diloco);
  reject_unless("outer_momentum", diloco);
  for (auto key : {"group_size", "alpha", "beta", "gamma"}) reject_unless(key, noloco);
  Optional(r, "inner_steps", m.inner_steps, [](const JsonReader& v) { return std::optional<int>(IntIn(v, 1, 1 << 30, "a positive step count")); });
  if (m.kind == "ddp") {
    if (m.inner_steps && *m.inner_steps != 1) r.Field("inner_steps").Fail("1 for ddp (it syncs every step), or no \"inner_steps\"");
    m.inner_steps = 1;
  }
  Optional(r, "algorithm", m.algorithm, [](const JsonReader& v) { return Choice(v, {"ring", "halving-doubling", "tree"}); });
  Optional(r, "outer_optimizer", m.outer_optimizer, [](const JsonReader& v) { return Choice(v, {"nesterov", "heavy_ball"}); });
  if (diloco && m.outer_optimizer == "heavy_ball") m.outer_momentum = 0.3;  // as run in the NoLoCo paper
  Optional(r, "outer_lr", m.outer_lr, [](const JsonReader& v) { return NumberIn(v, 0, 10, "an outer learning rate in [0, 10]"); });
  Optional(r, "outer_momentum", m.outer_momentum, [](const JsonReader& v) { return NumberIn(v, 0, 0.999, "a momentum in [0, 1)"); });
  Optional(r, "group_size", m.group_size, [&](const JsonReader& v) {
    return IntIn(v, 2, replicas, "a group size in [2, replicas = " + std::to_string(replicas) + "]");
  });
  Optional(r, "alpha", m.alpha, [](const JsonReader& v) { return NumberIn(v, 0, 1, "alpha in [0, 1]"); });
  Optional(r, "beta", m.beta, [](const JsonReader& v) { return NumberIn(v, 0, 10, "beta in [0, 10]"); });
  Optional(r, "gamma", m.gamma, [](const JsonReader& v) { return NumberIn(v, 0, 10, "gamma in [0, 10]"); });
  if (noloco && replicas < 2) r.Fail("at least 2 replicas for noloco");
  return m;
}

Scenario ReadScenario(const JsonReader& r) {
  r.ExpectOnlyKeys({"name", "description", "seed", "replicas", "model", "data", "batch_size",
                    "inner_optimizer", "inner_steps", "outer_rounds", "total_steps", "eval",
                    "target_loss", "methods", "payload", "compute", "network", "device", "threads"});
  Scenario s;
  s.name = r.Field("name").String();
  if (s.name.empty() || s.name.find_first_of("/ \t") != std::string::npos) {
    r.Field("name").Fail("a non-empty name without spaces or slashes (it names the results folder)");
  }
  if (auto d = r.OptionalField("description")) d->String();
  Optional(r, "seed", s.seed, [](const JsonReader& v) {
    const std::int64_t seed = v.Integer();
    if (seed < 0) v.Fail("a non-negative seed");
    return static_cast<std::uint64_t>(seed);
  });
  s.replicas = IntIn(r.Field("replicas"), 1, 100000, "a replica count in [1, 100000]");
  s.model = ReadModel(r.FieldOrEmptyObject("model"));
  s.data = ReadData(r.FieldOrEmptyObject("data"), s.model.kind);
  Optional(r, "batch_size", s.batch_size, [](const JsonReader& v) { return IntIn(v, 1, 1 << 20, "a positive batch size"); });
  if (auto o = r.OptionalField("inner_optimizer")) s.inner_optimizer = ReadOptimizer(*o);
  Optional(r, "inner_steps", s.inner_steps, [](const JsonReader& v) { return IntIn(v, 1, 1 << 30, "a positive step count"); });
  if (r.Has("outer_rounds") == r.Has("total_steps")) {
    r.Fail("exactly one of \"outer_rounds\" and \"total_steps\" (the step budget of every method)");
  }
  if (auto rounds = r.OptionalField("outer_rounds")) {
    s.total_steps = IntIn(*rounds, 1, 1 << 30, "a positive round count") * s.inner_steps;
  }
  Optional(r, "total_steps", s.total_steps, [](const JsonReader& v) { return IntIn(v, 1, 1 << 30, "a positive step count"); });
  if (auto e = r.OptionalField("eval")) {
    e->ExpectOnlyKeys({"every_steps", "batches"});
    Optional(*e, "every_steps", s.eval.every_steps, [](const JsonReader& v) { return IntIn(v, 1, 1 << 30, "a positive step count"); });
    Optional(*e, "batches", s.eval.batches, [](const JsonReader& v) { return IntIn(v, 1, 100000, "a positive batch count"); });
  }
  Optional(r, "target_loss", s.target_loss, [](const JsonReader& v) { return std::optional<double>(NumberIn(v, 0, 1e6, "a loss in [0, 1e6]")); });

  const JsonReader methods = r.Field("methods");
  if (methods.ArraySize() == 0) methods.Fail("a non-empty array of methods");
  std::set<std::string> names;
  for (std::size_t i = 0; i < methods.ArraySize(); ++i) {
    MethodSpec m = ReadMethod(methods.Element(i), s.replicas);
    if (!names.insert(m.name).second) {
      methods.Element(i).Fail("a unique method name; \"" + m.name + "\" is used twice (set \"name\")");
    }
    const int h = InnerStepsOf(s, m);
    if (s.total_steps % h != 0) {
      (m.inner_steps ? methods.Element(i).Field("inner_steps") : r.Field(r.Has("total_steps") ? "total_steps" : "inner_steps"))
          .Fail("inner steps H = " + std::to_string(h) + " dividing the step budget of " +
                std::to_string(s.total_steps) + " steps");
    }
    s.methods.push_back(std::move(m));
  }
  if (auto p = r.OptionalField("payload")) s.payload = ReadPayload(*p);
  s.compute = ReadCompute(r.FieldOrEmptyObject("compute"));
  s.network = ReadNetwork(r.Field("network"));
  Optional(r, "device", s.device, [](const JsonReader& v) {
    const std::string d = v.String();
    if (d != "cpu" && d.rfind("cuda", 0) != 0) v.Fail("\"cpu\" or \"cuda\" (or \"cuda:N\"), found \"" + d + "\"");
    return d;
  });
  Optional(r, "threads", s.threads, [](const JsonReader& v) { return IntIn(v, 0, 1024, "a thread count in [0, 1024] (0 = all cores)"); });
  return s;
}

// "methods[0].outer_lr" -> JSON pointer "/methods/0/outer_lr".
std::optional<nlohmann::json::json_pointer> PointerOf(const std::string& path) {
  std::string pointer;
  std::string token;
  auto flush = [&] {
    if (token.empty()) return false;
    pointer += "/" + token;
    token.clear();
    return true;
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '.') {
      if (!flush()) return std::nullopt;
    } else if (c == '[') {
      if (!token.empty() && !flush()) return std::nullopt;
      const auto close = path.find(']', i);
      if (close == std::string::npos || close == i + 1) return std::nullopt;
      const std::string index = path.substr(i + 1, close - i - 1);
      if (index.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
      pointer += "/" + index;
      i = close;
      if (i + 1 < path.size() && path[i + 1] == '.') ++i;
    } else {
      token += c;
    }
  }
  if (!token.empty()) flush();
  if (pointer.empty()) return std::nullopt;
  return nlohmann::json::json_pointer(pointer);
}

void ApplyOverride(nlohmann::json& doc, const std::string& assignment) {
  const auto eq = assignment.find('=');
  auto fail = [&](const std::string& expected) {
    throw ConfigException{ConfigError{"--set", assignment, expected}};
  };
  if (eq == std::string::npos || eq == 0) fail("path=value, e.g. network.backend=ns3");
  const std::string path = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  const auto pointer = PointerOf(path);
  if (!pointer) fail("a path such as network.backend or methods[0].outer_lr");
  // Missing objects on the way are created (network.overrides.bandwidth on a scenario that
  // has no overrides yet); the strict parse that follows rejects any key that is not a field.
  auto existing = pointer->parent_pointer();
  while (!existing.empty() && !doc.contains(existing)) {
    if (existing.back().find_first_not_of("0123456789") == std::string::npos) {
      fail("a path whose arrays exist in the scenario");
    }
    existing = existing.parent_pointer();
  }
  const nlohmann::json& ancestor = doc.at(existing);
  if (existing != pointer->parent_pointer() ? !ancestor.is_object() : !ancestor.is_structured()) {
    fail("a path into the objects and arrays of the scenario");
  }
  if (ancestor.is_array()) {
    const std::string& last = pointer->back();
    if (last.find_first_not_of("0123456789") != std::string::npos) fail("an array index after " + existing.to_string());
    if (std::stoul(last) >= ancestor.size()) fail("an index below " + std::to_string(ancestor.size()));
  }
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) value = text;  // bare words are strings: backend=ns3
  doc[*pointer] = std::move(value);
}

}  // namespace

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

Result<Topology> BuildScenarioTopology(const Scenario& s) {
  const NetworkSpec& n = s.network;
  Topology t;
  if (!n.topology_file.empty()) {
    auto loaded = LoadTopologyFile(n.topology_file);
    if (!loaded) return loaded.error();
    t = std::move(*loaded);
  } else if (n.generator == "star") {
    t = MakeStar({s.replicas, n.bandwidth, n.latency});
  } else if (n.generator == "ring") {
    t = MakeRing({s.replicas, n.bandwidth, n.latency});
  } else if (n.generator == "regions") {
    const int per_region = (s.replicas + n.regions - 1) / n.regions;
    t = MakeRegions({n.regions, per_region, n.bandwidth, n.latency, n.wan_bandwidth, n.wan_latency});
  } else {
    InternetParams p;
    p.replicas = s.replicas;
    p.regions = n.regions;
    p.seed = n.generator_seed;
    t = MakeInternet(p);
  }
  if (t.replica_count() < s.replicas) {
    return ConfigError{s.file, "$.network.topology",
                       "a topology with at least the scenario's " + std::to_string(s.replicas) +
                           " replicas; " + (n.topology_file.empty() ? "the generator" : n.topology_file) +
                           " has " + std::to_string(t.replica_count())};
  }
  for (Link& link : t.links) {
    if (n.override_bandwidth) link.bandwidth = *n.override_bandwidth;
    if (n.override_latency) link.latency = *n.override_latency;
    if (n.override_loss_rate) link.loss_rate = *n.override_loss_rate;
  }
  t.replicas.resize(s.replicas);
  return t;
}

nlohmann::ordered_json ScenarioToJson(const Scenario& s) {
  using J = nlohmann::ordered_json;
  J model = {{"kind", s.model.kind}};
  if (s.model.kind == "char_transformer") {
    model.update(J{{"layers", s.model.layers}, {"d_model", s.model.d_model}, {"heads", s.model.heads}, {"context", s.model.context}});
  } else if (s.model.kind == "mlp") {
    model["hidden"] = s.model.hidden;
  } else {
    model["channels"] = s.model.channels;
  }
  J data = {{"kind", s.data.kind}, {"path", s.data.path}, {"validation_fraction", s.data.validation_fraction}, {"iid", s.data.iid}};
  if (s.data.kind == "text") data["vocab"] = s.data.vocab;
  J optimizer = {{"kind", s.inner_optimizer.kind}, {"lr", s.inner_optimizer.lr}, {"weight_decay", s.inner_optimizer.weight_decay},
                 {"eps", s.inner_optimizer.eps}, {"max_grad_norm", s.inner_optimizer.max_grad_norm}, {"warmup_steps", s.inner_optimizer.warmup_steps},
                 {"cosine_steps", s.inner_optimizer.cosine_steps}};
  if (s.inner_optimizer.kind == "adan") optimizer["adan_no_prox"] = s.inner_optimizer.adan_no_prox;
  if (!s.inner_optimizer.betas.empty()) optimizer["betas"] = s.inner_optimizer.betas;
  J methods = J::array();
  for (const MethodSpec& m : s.methods) {
    J method = {{"name", m.name}, {"kind", m.kind}, {"inner_steps", InnerStepsOf(s, m)}};
    if (m.kind == "noloco") {
      method.update(J{{"group_size", m.group_size}, {"alpha", m.alpha}, {"beta", m.beta}, {"gamma", m.gamma}});
    } else {
      method["algorithm"] = m.algorithm;
    }
    if (m.kind == "diloco") {
      method.update(J{{"outer_optimizer", m.outer_optimizer}, {"outer_lr", m.outer_lr}, {"outer_momentum", m.outer_momentum}});
    }
    methods.push_back(std::move(method));
  }
  J payload = J::object();
  if (s.payload.bytes) payload["bytes"] = s.payload.bytes->count();
  else if (s.payload.parameters) payload.update(J{{"parameters", *s.payload.parameters}, {"bytes_per_parameter", s.payload.bytes_per_parameter}});
  else payload["bytes"] = "auto";
  J compute = J::object();
  if (s.compute.step_time) compute["step_time"] = FormatDuration(*s.compute.step_time);
  if (s.compute.target_parameters) {
    compute.update(J{{"target_parameters", *s.compute.target_parameters}, {"tokens_per_step", s.compute.tokens_per_step},
                     {"accelerator_tflops", s.compute.accelerator_tflops}, {"mfu", s.compute.mfu},
                     {"accelerators_per_replica", s.compute.accelerators_per_replica}});
  }
  if (s.compute.measured) compute["measured"] = true;
  compute["jitter_sigma"] = s.compute.jitter_sigma;
  compute["stragglers"] = {{"fraction", s.compute.straggler_fraction}, {"slowdown", s.compute.straggler_slowdown}};
  J network = {{"backend", s.network.backend}};
  if (!s.network.topology_file.empty()) {
    network["topology"] = s.network.topology_file;
  } else {
    J g = {{"kind", s.network.generator}, {"bandwidth", FormatRate(s.network.bandwidth)}, {"latency", FormatDuration(s.network.latency)}};
    if (s.network.generator == "regions" || s.network.generator == "internet") g["regions"] = s.network.regions;
    if (s.network.generator == "regions") {
      g.update(J{{"wan_bandwidth", FormatRate(s.network.wan_bandwidth)}, {"wan_latency", FormatDuration(s.network.wan_latency)}});
    }
    if (s.network.generator == "internet") g["seed"] = s.network.generator_seed;
    network["generator"] = std::move(g);
  }
  J overrides = J::object();
  if (s.network.override_bandwidth) overrides["bandwidth"] = FormatRate(*s.network.override_bandwidth);
  if (s.network.override_latency) overrides["latency"] = FormatDuration(*s.network.override_latency);
  if (s.network.override_loss_rate) overrides["loss_rate"] = *s.network.override_loss_rate;
  if (!overrides.empty()) network["overrides"] = std::move(overrides);
  if (s.network.backend == "flow") {
    network["flow"] = {{"tcp_startup", s.network.options.flow.tcp_startup}, {"tcp_loss", s.network.options.flow.tcp_loss}};
  }
  if (s.network.backend == "ns3") {
    const auto& o = s.network.options.ns3;
    network["ns3"] = {{"tcp", o.tcp}, {"queue_disc", o.queue_disc}, {"mtu_bytes", o.mtu_bytes},
                      {"initial_cwnd_segments", o.initial_cwnd_segments},
                      {"min_rto", FormatDuration(Seconds(o.min_rto_s))}, {"sack", o.sack}, {"seed", o.seed},
                      {"stall_timeout", FormatDuration(Seconds(o.stall_timeout_s))}};
  }
  J doc = {{"name", s.name}, {"seed", s.seed}, {"replicas", s.replicas}, {"model", model}, {"data", data},
           {"batch_size", s.batch_size}, {"inner_optimizer", optimizer}, {"inner_steps", s.inner_steps},
           {"total_steps", s.total_steps}, {"eval", {{"every_steps", s.eval.every_steps}, {"batches", s.eval.batches}}}};
  doc["target_loss"] = s.target_loss ? J(*s.target_loss) : J(nullptr);
  doc["methods"] = std::move(methods);
  doc["payload"] = std::move(payload);
  doc["compute"] = std::move(compute);
  doc["network"] = std::move(network);
  doc["device"] = s.device;
  doc["threads"] = s.threads;
  return doc;
}

}  // namespace locosim
