// Each subcommand lives in its own file and registers itself on the root CLI11 app. Its
// callback stores the process exit status: 0 success, 1 a check failed, 2 bad input.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "sim/core/config_error.h"

namespace locosim::cli {

void AddTopologyCommand(CLI::App& app, int& exit_status);
void AddCollectiveCommand(CLI::App& app, int& exit_status);
void AddRunCommands(CLI::App& app, int& exit_status);  // validate, run
void AddCrosscheckCommand(CLI::App& app, int& exit_status);
void AddReportCommand(CLI::App& app, int& exit_status);
void AddSweepCommand(CLI::App& app, int& exit_status);
void AddRegressCommand(CLI::App& app, int& exit_status);

// Prints "locosim: <message>" on stderr and returns 2, the status for bad input.
int ReportBadInput(const ConfigError& error);
int ReportBadInput(const std::string& message);

// Writes `content` to `path` atomically, or to stdout when path is empty or "-".
// Returns 0, or 2 after reporting why the file could not be written.
int WriteOutput(const std::string& path, const std::string& content);

}  // namespace locosim::cli
