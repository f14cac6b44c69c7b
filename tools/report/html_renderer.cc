// The HTML rendering of a Document (document.h).
#include <regex>

#include "tools/report/document.h"

namespace locosim::report {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// gnuplot writes a standalone document; inside HTML only the <svg> element is wanted. Its
// ids (point symbols, the canvas) repeat in every figure, so each figure's are prefixed:
// otherwise a reference in one figure would resolve to another's definition.
std::string InlineSvg(const std::string& svg, const std::string& prefix) {
  const std::size_t start = svg.find("<svg");
  std::string body = start == std::string::npos ? svg : svg.substr(start);
  body = std::regex_replace(body, std::regex(R"(\bid=(['"]))"), "id=$1" + prefix);
  body = std::regex_replace(body, std::regex(R"(href=(['"])#)"), "href=$1#" + prefix);
  body = std::regex_replace(body, std::regex(R"(url\(#)"), "url(#" + prefix);
  return body;
}

// No external stylesheet, font or script: the page must render the same offline.
constexpr const char* kStyle = R"(
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.3em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.1em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.note { border-left: 4px solid #c90; background: #fff8e6; padding: 0.5em 0.9em; }
figure { margin: 1.2em 0; } figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9em; color: #555; margin-top: 0.3em; }
)";

}  // namespace

std::string RenderHtml(const Document& doc, const Svgs& svgs) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'; "
      "img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n<title>" +
      Escape(doc.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<h1>" +
      Escape(doc.title) + "</h1>\n";
  for (const Block& block : doc.blocks) {
    if (const auto* h = std::get_if<Heading>(&block)) {
      const std::string tag = "h" + std::to_string(h->level);
      out += "<" + tag + ">" + Escape(h->text) + "</" + tag + ">\n";
    } else if (const auto* p = std::get_if<Paragraph>(&block)) {
      out += std::string(p->note ? "<p class=\"note\">" : "<p>") + Escape(p->text) + "</p>\n";
    } else if (const auto* t = std::get_if<Table>(&block)) {
      out += "<table>\n<tr>";
      for (const std::string& h : t->header) out += "<th>" + Escape(h) + "</th>";
      out += "</tr>\n";
      for (const auto& row : t->rows) {
        out += "<tr>";
        for (std::size_t c = 0; c < row.size(); ++c) {
          const bool numeric = c < t->numeric.size() && t->numeric[c];
          out += std::string(numeric ? "<td class=\"n\">" : "<td>") + Escape(row[c]) + "</td>";
        }
        out += "</tr>\n";
      }
      out += "</table>\n";
    } else if (const auto* f = std::get_if<FigureRef>(&block)) {
      const Figure& figure = doc.figures.at(f->index);
      auto svg = svgs.find(figure.id);
      out += "<figure id=\"" + figure.id + "\">\n<h3>" + Escape(figure.title) + "</h3>\n";
      if (svg != svgs.end()) out += InlineSvg(svg->second, figure.id + "_");
      out += "\n<figcaption>" + Escape(figure.caption) + "</figcaption>\n</figure>\n";
    }
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace locosim::report
