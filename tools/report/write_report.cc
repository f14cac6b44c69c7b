#include "tools/report/write_report.h"

#include <filesystem>

#include "sim/record/atomic_file.h"
#include "tools/report/gnuplot_runner.h"

namespace locosim::report {

namespace fs = std::filesystem;

std::string FilesDirName(const std::string& markdown_path) {
  return fs::path(markdown_path).stem().string() + "_files";
}

std::optional<std::string> WriteReport(const Document& doc, const ReportPaths& paths) {
  auto svgs = RenderFigures(doc.figures);
  if (!svgs) return svgs.error().message();
  for (const std::string& path : {paths.html, paths.markdown}) {
    const fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!path.empty() && !parent.empty()) fs::create_directories(parent, ec);
    if (ec) return "cannot create " + parent.string() + ": " + ec.message();
  }
  if (!paths.markdown.empty()) {
    const std::string files = FilesDirName(paths.markdown);
    const fs::path dir = fs::path(paths.markdown).parent_path() / files;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return "cannot create " + dir.string() + ": " + ec.message();
    for (const auto& [id, svg] : *svgs) {
      if (auto error = WriteFileAtomically((dir / (id + ".svg")).string(), svg)) return error;
    }
    // Last, so that a Markdown file never points at figures not yet written.
    if (auto error = WriteFileAtomically(paths.markdown, RenderMarkdown(doc, files))) return error;
  }
  if (!paths.html.empty()) {
    if (auto error = WriteFileAtomically(paths.html, RenderHtml(doc, *svgs))) return error;
  }
  return std::nullopt;
}

}  // namespace locosim::report
