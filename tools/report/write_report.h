// Draws a Document's figures with gnuplot and writes the HTML page and the Markdown twin.
// Every file is written atomically (sim/record/atomic_file.h): a reader never sees half a
// report. The Markdown's SVGs go to a folder beside it named after it: report.md ->
// report_files/.
#pragma once

#include <optional>
#include <string>

#include "tools/report/document.h"

namespace locosim::report {

struct ReportPaths {
  std::string html;      // "" = no HTML
  std::string markdown;  // "" = no Markdown
};

// "report_files" for "out/report.md".
std::string FilesDirName(const std::string& markdown_path);

// Returns a one-line error (gnuplot missing or failing, a file that cannot be written), or
// nullopt.
std::optional<std::string> WriteReport(const Document& doc, const ReportPaths& paths);

}  // namespace locosim::report
