// What a figure shows, as data: the report code says what to plot, and gnuplot_script.h
// turns it into a gnuplot script and data files. No coordinates are computed here.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace locosim::report {

struct Series {
  std::string label;
  std::vector<std::pair<double, double>> points;  // (x, y), in the order to draw them
  int color = 0;  // index into the palette; series of one run/method share a color
  bool dashed = false;
  bool in_legend =
      true;  // false for a companion line (a p99 beside its p50) explained in the caption
  // A shaded interval around the line, one (low, high) per point; empty for none. Over
  // seeds: the 95% interval of the mean.
  std::vector<std::pair<double, double>> band;
  int marker = 0;  // which point shape: lines of one method told apart by another field
};

// Lines with points. With `x_categories`, x values are indices into it (a sweep's values
// such as "100Mbps", "1Gbps", drawn evenly spaced in the given order).
struct LineChart {
  std::string x_label, y_label;
  bool log_x = false;
  bool steps = false;  // draw as a step function (a distribution's CDF)
  bool y_from_zero = false;
  std::vector<std::string> x_categories;
  std::vector<Series> series;
};

// One bar per category, split into stacked parts (compute, communication, idle).
struct StackedBars {
  std::string y_label;
  std::vector<std::string> categories;
  std::vector<std::pair<std::string, std::vector<double>>> parts;  // name, value per category
};

// One bar per label, colored by group (the run/method that owns it).
struct Bars {
  std::string y_label;
  std::vector<std::string> labels;
  std::vector<double> values;
  std::vector<int> groups;               // color index per bar
  std::vector<std::string> group_names;  // legend, by color index
};

// Loss against virtual time gets a log axis when the methods' final times differ more than
// this (DDP against DiLoCo): on a linear axis the fast ones would be squeezed to the left.
inline bool WantsLogTimeAxis(double shortest_s, double longest_s) {
  return shortest_s > 0 && longest_s > 5 * shortest_s;
}

struct Figure {
  std::string id;  // file stem: [a-z0-9_]+
  std::string title;
  std::string caption;  // one sentence under the figure: what to read from it
  std::variant<LineChart, StackedBars, Bars> chart;
};

}  // namespace locosim::report
