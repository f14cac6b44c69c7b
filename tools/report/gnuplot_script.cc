#include "tools/report/gnuplot_script.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace locosim::report {
namespace {

// A gnuplot single-quoted string: a quote is doubled.
std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// A label inside a data file: double-quoted, so no double quotes inside.
std::string DataLabel(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += c == '"' ? '\'' : c;
  return out + "\"";
}

std::string Num(double v) {
  if (!std::isfinite(v)) return "NaN";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

// The legend sits below the plot; the figure grows with it so that the plot keeps its size
// however many series there are. Columns as gnuplot fits them into 800 px, roughly.
std::string TerminalFor(const std::vector<std::string>& legend) {
  std::size_t longest = 1;
  for (const std::string& l : legend) longest = std::max(longest, l.size());
  const std::size_t columns = std::clamp<std::size_t>(700 / (longest * 7 + 60), 1, 3);
  const std::size_t rows = (legend.size() + columns - 1) / columns;
  return "set terminal svg size 800," + std::to_string(400 + 20 * rows) +
         " dynamic noenhanced font 'sans,12' background '#ffffff'\n";
}

std::string Header(const Figure& f, const std::string& x_label, const std::string& y_label,
                   const std::vector<std::string>& legend) {
  return TerminalFor(legend) + "reset\nset output " + Quote(f.id + ".svg") +
         "\nset key below horizontal maxcols 3\nset grid\nset border 3\nset tics nomirror\n"
         "set xlabel " +
         Quote(x_label) + "\nset ylabel " + Quote(y_label) + "\n";
}

void AddLineChart(const Figure& f, const LineChart& c, GnuplotJob& job) {
  std::vector<std::string> legend;
  for (const Series& series : c.series) {
    if (series.in_legend && !series.points.empty()) legend.push_back(series.label);
  }
  std::string s = Header(f, c.x_label, c.y_label, legend);
  if (c.log_x) s += "set logscale x\nset mxtics 10\n";
  if (!c.x_categories.empty()) {
    s += "set xrange [-0.3:" + Num(static_cast<double>(c.x_categories.size()) - 0.7) +
         "]\nset xtics (";
    for (std::size_t i = 0; i < c.x_categories.size(); ++i) {
      s += (i ? ", " : "") + Quote(c.x_categories[i]) + " " + std::to_string(i);
    }
    s += ")\n";
  }
  if (c.y_from_zero) s += "set yrange [0:*]\n";
  if (c.steps) s += "set yrange [0:1.02]\n";
  std::string plots;
  // Bands first, so that every line is drawn over them.
  for (std::size_t k = 0; k < c.series.size(); ++k) {
    const Series& series = c.series[k];
    if (series.band.size() != series.points.size() || series.band.empty()) continue;
    const std::string file = f.id + "_" + std::to_string(k) + "_band.dat";
    std::string data;
    for (std::size_t i = 0; i < series.points.size(); ++i) {
      data += Num(series.points[i].first) + " " + Num(series.band[i].first) + " " +
              Num(series.band[i].second) + "\n";
    }
    job.data[file] = data;
    plots += std::string(plots.empty() ? "plot " : ", \\\n     ") + Quote(file) +
             " using 1:2:3 with filledcurves fc rgb " + Quote(PaletteColor(series.color)) +
             " fs transparent solid 0.2 noborder notitle";
  }
  for (std::size_t k = 0; k < c.series.size(); ++k) {
    const Series& series = c.series[k];
    if (series.points.empty()) continue;
    const std::string file = f.id + "_" + std::to_string(k) + ".dat";
    std::string data;
    for (const auto& [x, y] : series.points) data += Num(x) + " " + Num(y) + "\n";
    job.data[file] = data;
    static const int kMarkers[] = {7, 5, 9, 13, 11, 15};  // circle, square, triangles, diamond
    const std::string style = c.steps ? "with steps lw 2"
                                      : "with linespoints lw 2 pt " +
                                            std::to_string(kMarkers[series.marker % 6]) +
                                            (series.marker ? " ps 0.9" : " ps 0.5");
    plots += std::string(plots.empty() ? "plot " : ", \\\n     ") + Quote(file) + " using 1:2 " +
             style + " lc rgb " + Quote(PaletteColor(series.color)) + " dt " +
             (series.dashed ? "2" : "1") +
             (series.in_legend ? " title " + Quote(series.label) : std::string(" notitle"));
  }
  // A chart with nothing to draw still renders, saying so (gnuplot refuses an empty plot).
  const std::string empty =
      "set xrange [0:1]\nset yrange [0:1]\nset label 1 'no data' at graph 0.5,0.5 center\nplot NaN "
      "notitle";
  job.script += s + (plots.empty() ? empty : plots) + "\n";
}

// Parts of a bar (compute, communication, idle) are greys, so that no part is mistaken for
// a method: the palette's colors belong to methods.
const char* const kPartGreys[] = {"#4d4d4d", "#969696", "#d9d9d9"};

void AddStackedBars(const Figure& f, const StackedBars& c, GnuplotJob& job) {
  std::vector<std::string> legend;
  for (const auto& part : c.parts) legend.push_back(part.first);
  std::string s = Header(f, "", c.y_label, legend);
  s += "set style data histograms\nset style histogram rowstacked\nset style fill solid 0.85 "
       "border -1\n"
       "set boxwidth 0.6\nset xtics rotate by -20 left\nset yrange [0:*]\nset grid noxtics\n";
  const std::string file = f.id + ".dat";
  std::string data;
  for (std::size_t i = 0; i < c.categories.size(); ++i) {
    data += DataLabel(c.categories[i]);
    for (const auto& part : c.parts) data += " " + Num(part.second[i]);
    data += "\n";
  }
  job.data[file] = data;
  std::string plots;
  for (std::size_t k = 0; k < c.parts.size(); ++k) {
    plots += std::string(k ? ", \\\n     '' " : "plot " + Quote(file) + " ") + "using " +
             std::to_string(k + 2) + (k == 0 ? ":xtic(1)" : "") + " title " +
             Quote(c.parts[k].first) + " lc rgb " + Quote(kPartGreys[k % 3]);
  }
  job.script += s + plots + "\n";
}

void AddBars(const Figure& f, const Bars& c, GnuplotJob& job) {
  std::string s = Header(f, "", c.y_label, c.group_names);
  s += "set style fill solid 0.85 border -1\nset boxwidth 0.7\nset xtics rotate by -30 left font "
       "',10'\n"
       "set yrange [0:*]\nset xrange [-0.6:" +
       Num(static_cast<double>(c.labels.size()) - 0.4) + "]\nset grid noxtics\n";
  const std::string file = f.id + ".dat";
  std::string data;
  for (std::size_t i = 0; i < c.labels.size(); ++i) {
    const int rgb = std::stoi(PaletteColor(c.groups[i]).substr(1), nullptr, 16);
    data += std::to_string(i) + " " + DataLabel(c.labels[i]) + " " + Num(c.values[i]) + " " +
            std::to_string(rgb) + "\n";
  }
  job.data[file] = data;
  std::string plots =
      "plot " + Quote(file) + " using 1:3:4:xtic(2) with boxes lc rgb variable notitle";
  // The legend: one empty entry per group, in its color.
  for (std::size_t g = 0; g < c.group_names.size(); ++g) {
    plots += ", \\\n     NaN with boxes lc rgb " + Quote(PaletteColor(static_cast<int>(g))) +
             " title " + Quote(c.group_names[g]);
  }
  job.script += s + plots + "\n";
}

}  // namespace

std::string PaletteColor(int index) {
  static const char* kColors[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return kColors[((index % 10) + 10) % 10];
}

GnuplotJob MakeGnuplotJob(const std::vector<Figure>& figures) {
  GnuplotJob job;
  for (const Figure& f : figures) {
    if (const auto* line = std::get_if<LineChart>(&f.chart))
      AddLineChart(f, *line, job);
    else if (const auto* stacked = std::get_if<StackedBars>(&f.chart))
      AddStackedBars(f, *stacked, job);
    else if (const auto* bars = std::get_if<Bars>(&f.chart))
      AddBars(f, *bars, job);
    job.outputs.push_back(f.id + ".svg");
  }
  job.script += "unset output\n";
  return job;
}

}  // namespace locosim::report
