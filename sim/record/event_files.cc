#include "sim/record/event_files.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/record/results_schema.h"

namespace locosim {
namespace {

using Json = nlohmann::ordered_json;

// A CSV number; a non-finite one is written "nan", "inf" or "-inf" whatever the C library's
// spelling ("-nan" on glibc).
std::string Number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.9g", v);
  return buffer;
}

// A loss cell: empty when absent (a timing-only run trains nothing); in a training run a
// non-finite loss is a divergence and is written as such, never as an empty cell.
std::string LossCell(double v, bool trains) { return trains ? Number(v) : ""; }

}  // namespace

void WriteCurvesCsv(const ScenarioRun& run, std::ostream& csv) {
  csv << results::kCurvesHeader << "\n";
  for (const MethodRun& m : run.methods) {
    for (const EvalPoint& e : m.evals) {
      csv << m.name << ",mean," << e.round << "," << e.step << "," << Number(e.time.seconds())
          << ",," << LossCell(e.metrics.loss, run.trains) << ","
          << (e.metrics.perplexity ? Number(*e.metrics.perplexity) : "") << ","
          << (e.metrics.accuracy ? Number(*e.metrics.accuracy) : "") << ","
          << (e.metrics.reward_margin ? Number(*e.metrics.reward_margin) : "") << "\n";
    }
    for (const TrainLoss& t : m.train_losses) {
      csv << m.name << ",replica_" << t.replica << "," << t.round << "," << t.step << ","
          << Number(t.time.seconds()) << "," << LossCell(t.loss, run.trains) << ",,,,\n";
    }
  }
}

void WriteSyncsCsv(const ScenarioRun& run, std::ostream& csv) {
  csv << results::kSyncsHeader << "\n";
  for (const MethodRun& m : run.methods) {
    for (const SyncEvent& e : m.syncs) {
      csv << m.name << "," << e.replica << "," << e.round << "," << Number(e.arrived.seconds())
          << "," << Number(e.started.seconds()) << "," << Number(e.done.seconds()) << ","
          << Number((e.started - e.arrived).seconds()) << ","
          << Number((e.done - e.started).seconds()) << "," << Number((e.done - e.arrived).seconds())
          << "\n";
    }
  }
}

void WriteTraceJson(const ScenarioRun& run, std::ostream& out) {
  // Chrome trace event format: one process per method, one thread per replica, complete
  // ("X") events in microseconds of virtual time.
  out << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  bool first = true;
  auto emit = [&](const Json& event) {
    out << (first ? "" : ",\n") << event.dump();
    first = false;
  };
  for (std::size_t p = 0; p < run.methods.size(); ++p) {
    const MethodRun& m = run.methods[p];
    const int pid = static_cast<int>(p) + 1;
    emit(Json{{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"args", {{"name", m.name}}}});
    for (std::size_t r = 0; r < m.replicas.size(); ++r) {
      emit(Json{{"name", "thread_name"},
                {"ph", "M"},
                {"pid", pid},
                {"tid", r},
                {"args", {{"name", "replica " + std::to_string(r)}}}});
    }
    for (const Span& s : m.spans) {
      const char* name = s.kind == Span::Kind::kCompute       ? "compute"
                         : s.kind == Span::Kind::kCommunicate ? "communicate"
                         : s.kind == Span::Kind::kDown        ? "down"
                                                              : "idle";
      emit(Json{{"name", name},
                {"cat", name},
                {"ph", "X"},
                {"pid", pid},
                {"tid", s.replica},
                {"ts", static_cast<double>(s.start.nanoseconds()) / 1e3},
                {"dur", static_cast<double>((s.end - s.start).nanoseconds()) / 1e3},
                {"args", {{"round", s.round}}}});
    }
  }
  out << "\n]}\n";
}

std::string CurvesCsv(const ScenarioRun& run) {
  std::ostringstream out;
  WriteCurvesCsv(run, out);
  return out.str();
}

std::string SyncsCsv(const ScenarioRun& run) {
  std::ostringstream out;
  WriteSyncsCsv(run, out);
  return out.str();
}

std::string TraceJson(const ScenarioRun& run) {
  std::ostringstream out;
  WriteTraceJson(run, out);
  return out.str();
}

}  // namespace locosim
