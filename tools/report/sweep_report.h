// The report of a sweep: for each varied field, sync latency, idle fraction and time to
// target against its values, per method (and per combination of the other fields' values);
// and sweep.csv, one row per grid point and method.
#pragma once

#include <string>
#include <vector>

#include "tools/report/document.h"
#include "tools/report/run_results.h"
#include "tools/sweep/sweep_grid.h"

namespace locosim::report {

struct SweepPoint {
  sweep::Point point;
  RunResults run;  // read back from the point's results folder
};

struct SweepResults {
  std::string scenario;           // the base scenario file
  std::vector<std::string> sets;  // overrides applied to every point
  std::vector<sweep::Axis> axes;
  std::vector<SweepPoint> points;  // in grid order
};

// REQUIRES: at least one axis and one point.
Document BuildSweepReport(const SweepResults& sweep);

// Header: point,folder,<axis paths...>,method,kind,final_eval_loss,time_to_target_s,
// virtual_time_s,idle_fraction_mean,idle_fraction_p50,idle_fraction_p99,sync_latency_mean_s,
// sync_latency_p50_s,sync_latency_p99_s,bytes_sent_total. Empty cells are absent values.
std::string SweepCsv(const SweepResults& sweep);

}  // namespace locosim::report
