#include "tools/cli/comparison_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/record/results_files.h"
#include "tools/report/format.h"

namespace locosim::cli {
std::string ComparisonTable(const ScenarioRun& run) {
  std::string out;
  char line[512];
  // The method column as wide as the longest name, so the figures stay aligned.
  int width = 12;
  for (const MethodRun& m : run.methods) width = std::max(width, static_cast<int>(m.name.size()));
  width = std::min(width, 200);  // as the names are cut, so a row fits its buffer
  std::snprintf(line, sizeof line, "%-*s %10s %12s %12s %9s %9s %11s %11s %10s\n", width, "method",
                "final_loss", "to_target_s", "virtual_s", "idle_p50", "idle_p99", "sync_p50_s",
                "sync_p99_s", "sent");
  out += line;
  std::string notes;
  for (const MethodRun& m : run.methods) {
    const MethodSummary s = SummarizeMethod(m, run.scenario.target_loss, run.trains);
    if (s.diverged) notes += DivergenceLine(s.name, *s.diverged) + "\n";
    std::snprintf(line, sizeof line, "%-*s %10s %12s %12.2f %9.3f %9.3f %11.3f %11.3f %10s\n",
                  width, s.name.substr(0, 200).c_str(),
                  s.diverged ? "DIVERGED"
                             : report::FormatLoss(std::isnan(s.final_eval_loss)
                                                      ? std::nullopt
                                                      : std::optional(s.final_eval_loss))
                                   .c_str(),
                  s.time_to_target_s ? report::FormatFixed(*s.time_to_target_s, 2).c_str() : "-",
                  s.virtual_time_s, s.idle_fraction_p50, s.idle_fraction_p99, s.sync_latency_p50_s,
                  s.sync_latency_p99_s, report::FormatBytes(s.bytes_sent_total).c_str());
    out += line;
  }
  // Accuracy (classifiers; DPO: the held-out pairs preferred rightly) and DPO's reward margin.
  const EvalMetrics* first = run.methods.empty() || run.methods.front().evals.empty()
                                 ? nullptr
                                 : &run.methods.front().evals.back().metrics;
  if (run.trains && first && first->accuracy) {
    std::snprintf(line, sizeof line, "%-*s %14s %19s\n", width, "method", "final_accuracy",
                  first->reward_margin ? "final_reward_margin" : "");
    out += line;
    for (const MethodRun& m : run.methods) {
      if (m.evals.empty() || !m.evals.back().metrics.accuracy) continue;
      const EvalMetrics& e = m.evals.back().metrics;
      std::snprintf(line, sizeof line, "%-*s %14.4f %19s\n", width, m.name.substr(0, 200).c_str(),
                    *e.accuracy,
                    e.reward_margin ? report::FormatFixed(*e.reward_margin, 4).c_str() : "");
      out += line;
    }
  }
  return out + notes;
}

std::string DivergenceLine(const std::string& method, const Divergence& d) {
  const std::string who = d.replica ? "replica " + std::to_string(*d.replica) : "the mean model";
  const std::string loss = std::isnan(d.loss) ? "nan" : d.loss > 0 ? "inf" : "-inf";
  return method + " diverged: " + who + "'s loss is " + loss + " at step " +
         std::to_string(d.step) + " (virtual time " + report::FormatFixed(d.time.seconds(), 2) +
         " s)";
}

bool AnyDiverged(const ScenarioRun& run) {
  for (const MethodRun& m : run.methods) {
    if (FirstDivergence(m, run.trains)) return true;
  }
  return false;
}

}  // namespace locosim::cli
