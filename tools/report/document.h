// A report as plain blocks, rendered twice: to one self-contained HTML page and to a
// Markdown twin whose figures are SVG files beside it. The builders (run_report.h,
// sweep_report.h) say what to show; the renderers say how.
#pragma once

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "tools/report/chart.h"

namespace locosim::report {

struct Heading {
  int level = 2;  // 1..3
  std::string text;
};

struct Paragraph {
  std::string text;   // plain text; renderers escape it
  bool note = false;  // a caveat the reader must not miss (rendered as a callout)
};

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> numeric;  // per column: right-aligned (empty = all left)
};

struct FigureRef {
  std::size_t index;  // into Document::figures
};

using Block = std::variant<Heading, Paragraph, Table, FigureRef>;

struct Document {
  std::string title;
  std::vector<Block> blocks;
  std::vector<Figure> figures;
};

// Figure id -> its SVG, as gnuplot wrote it.
using Svgs = std::map<std::string, std::string>;

// One HTML file that fetches nothing: styles inline, each SVG inlined (ids made unique per
// figure), and a Content-Security-Policy that forbids any fetch a browser might try.
std::string RenderHtml(const Document& doc, const Svgs& svgs);

// Markdown; figure i is an image at `files_dir`/<id>.svg (a path relative to the .md).
std::string RenderMarkdown(const Document& doc, const std::string& files_dir);

}  // namespace locosim::report
