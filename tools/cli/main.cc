// locosim: simulate low-communication training over a wide-area network.
#include <exception>
#include <iostream>
#include <new>
#include <string>

#include "tools/cli/command.h"
#include "tools/glue/torch_data_plane.h"

namespace {
constexpr const char* kOutOfMemory =
    "out of memory while training: try fewer replicas, a smaller batch_size, model or context";
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "locosim: how long replicas sit idle, how long each synchronisation takes, and whether "
      "training converges, for low-communication training over a simulated network."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "locosim 0.1.0");
  int exit_status = 0;
  locosim::cli::AddRunCommands(app, exit_status);
  locosim::cli::AddTopologyCommand(app, exit_status);
  locosim::cli::AddCollectiveCommand(app, exit_status);
  locosim::cli::AddCrosscheckCommand(app, exit_status);
  locosim::cli::AddReportCommand(app, exit_status);
  locosim::cli::AddSweepCommand(app, exit_status);
  locosim::cli::AddRegressCommand(app, exit_status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with status 0; every real parse error is bad input.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::bad_alloc&) {
    // The command boundary: nothing reaches the user as an abort or a stack trace.
    std::cerr << "locosim: " << kOutOfMemory << "; no results were written\n";
    return 1;
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));  // LibTorch appends a backtrace
    // LibTorch reports a tensor that does not fit as c10::Error, not bad_alloc.
    if (locosim::LooksLikeOutOfMemory(what)) what = std::string(kOutOfMemory) + " (" + what + ")";
    std::cerr << "locosim: " << what << "\nno results were written\n";
    return 1;
  }
  return exit_status;
}
