// The Markdown rendering of a Document (document.h).
#include "tools/report/document.h"

namespace locosim::report {
namespace {

// Table cells: a pipe would end the cell, a newline the row.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string RenderMarkdown(const Document& doc, const std::string& files_dir) {
  std::string out = "# " + doc.title + "\n\n";
  for (const Block& block : doc.blocks) {
    if (const auto* h = std::get_if<Heading>(&block)) {
      out += std::string(static_cast<std::size_t>(h->level), '#') + " " + h->text + "\n\n";
    } else if (const auto* p = std::get_if<Paragraph>(&block)) {
      out += (p->note ? "> **Note:** " : "") + p->text + "\n\n";
    } else if (const auto* t = std::get_if<Table>(&block)) {
      out += "|";
      for (const std::string& h : t->header) out += " " + Cell(h) + " |";
      out += "\n|";
      for (std::size_t c = 0; c < t->header.size(); ++c) {
        const bool numeric = c < t->numeric.size() && t->numeric[c];
        out += numeric ? " ---: |" : " --- |";
      }
      out += "\n";
      for (const auto& row : t->rows) {
        out += "|";
        for (const std::string& cell : row) out += " " + Cell(cell) + " |";
        out += "\n";
      }
      out += "\n";
    } else if (const auto* f = std::get_if<FigureRef>(&block)) {
      const Figure& figure = doc.figures.at(f->index);
      out += "### " + figure.title + "\n\n![" + figure.title + "](" + files_dir + "/" + figure.id +
             ".svg)\n\n" + figure.caption + "\n\n";
    }
  }
  return out;
}

}  // namespace locosim::report
