// Renders figures by running gnuplot (Debian package gnuplot-nox) as a subprocess on a
// generated script, in a temporary folder that is removed afterwards.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/core/config_error.h"
#include "tools/report/document.h"

namespace locosim::report {

// The gnuplot to run: $LOCOSIM_GNUPLOT if set, else "gnuplot" found on PATH; nullopt when
// there is none.
std::optional<std::string> FindGnuplot();

// Figure id -> SVG. Fails when gnuplot is missing (naming the package that installs it) or
// exits with an error (quoting its message).
Result<Svgs> RenderFigures(const std::vector<Figure>& figures);

}  // namespace locosim::report
