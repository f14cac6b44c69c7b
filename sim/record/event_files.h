// The files of a results folder that list events rather than summarise them: curves.csv
// (every evaluation of the mean model and every replica's training loss), syncs.csv (every
// sync: arrival, start, end) and trace.json (Chrome trace events of every compute,
// communication, idle and down span, which Perfetto opens). Columns in docs/results.md.
// Streamed: they grow with the run, so none is built in memory for a results folder.
#pragma once

#include <ostream>
#include <string>

#include "sim/record/scenario_run.h"

namespace locosim {

void WriteCurvesCsv(const ScenarioRun& run, std::ostream& out);
void WriteSyncsCsv(const ScenarioRun& run, std::ostream& out);
void WriteTraceJson(const ScenarioRun& run, std::ostream& out);
// The same, as strings (for tests and small runs).
std::string CurvesCsv(const ScenarioRun& run);
std::string SyncsCsv(const ScenarioRun& run);
std::string TraceJson(const ScenarioRun& run);

}  // namespace locosim
