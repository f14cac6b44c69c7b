// Figures (chart.h) as one gnuplot script for its SVG terminal, with the data files it
// reads. gnuplot does all the drawing: scales, ticks, lines, bars, legends.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tools/report/chart.h"

namespace locosim::report {

struct GnuplotJob {
  std::string script;                       // run in a folder holding the data files
  std::map<std::string, std::string> data;  // file name -> content
  std::vector<std::string> outputs;         // "<figure id>.svg", one per figure
};

GnuplotJob MakeGnuplotJob(const std::vector<Figure>& figures);

// The palette: color index -> "#rrggbb" (Tableau 10, repeating).
std::string PaletteColor(int index);

}  // namespace locosim::report
