// The report as a person sees it: headless Chromium opens the HTML report of two runs from a
// file:// URL. The screenshot must show the plots, and the page must have fetched nothing.
//
// "Fetched nothing" is checked two independent ways, each with a control page that does
// fetch, so that a check that can never fire cannot pass by accident:
//   1. the console: the report's Content-Security-Policy blocks any fetch and Chromium logs
//      the violation ("violates the following Content Security Policy");
//   2. the net log (--log-net-log): every URL request the page started. Chromium's own
//      background requests (updates, sign-in) carry the initiator "not an origin"; a request
//      from the page carries the page's origin ("null" for file://). None may appear.
// --host-resolver-rules="MAP * ~NOTFOUND" keeps every request, Chromium's own included, from
// leaving the machine: names never resolve.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/cli/run_cli.h"
#include "tests/report/fake_runs.h"
#include "tests/report/png_image.h"
#include "tools/report/gnuplot_script.h"

namespace locosim::testing {
namespace {

namespace fs = std::filesystem;

const char* kChromium = "/usr/bin/chromium";

struct Browsed {
  std::string console;  // Chromium's log, console messages included
  nlohmann::json netlog;
  std::string screenshot;
};

Browsed Browse(const std::string& html, const std::string& name) {
  const std::string dir = TempDir() + "/browser-" + name;
  fs::create_directories(dir);
  Browsed b{"", nullptr, dir + "/screenshot.png"};
  const std::string command = std::string("timeout 120 ") + kChromium +
                              " --headless --no-sandbox --disable-gpu --disable-quic "
                              "--no-first-run --disable-background-networking"
                              " --disable-component-update --disable-sync --disable-extensions "
                              "--host-resolver-rules='MAP * ~NOTFOUND'"
                              " --user-data-dir=" +
                              dir + "/profile --enable-logging=stderr --v=0 --log-net-log=" + dir +
                              "/netlog.json" + " --screenshot=" + b.screenshot +
                              " --window-size=1200,5200 file://" + fs::absolute(html).string() +
                              " >" + dir + "/stdout.txt 2>" + dir + "/console.txt";
  const int status = std::system(command.c_str());
  EXPECT_EQ(status, 0) << command << "\n" << ReadText(dir + "/console.txt");
  b.console = ReadText(dir + "/console.txt");
  b.netlog = nlohmann::json::parse(ReadText(dir + "/netlog.json"), nullptr, false);
  EXPECT_FALSE(b.netlog.is_discarded()) << dir << "/netlog.json is not JSON";
  std::error_code ec;
  fs::remove_all(dir + "/profile", ec);  // tens of MB per launch
  return b;
}

// URLs of requests the page itself started (see the file comment).
std::vector<std::string> PageRequests(const nlohmann::json& netlog) {
  std::vector<std::string> urls;
  if (!netlog.is_object() || !netlog.contains("constants")) return urls;
  const int start_job = netlog["constants"]["logEventTypes"].value("URL_REQUEST_START_JOB", -1);
  for (const auto& event : netlog["events"]) {
    if (event.value("type", -2) != start_job || !event.contains("params")) continue;
    const auto& p = event["params"];
    // The job's end event has no URL; its begin event names the URL and who asked for it.
    if (p.contains("url") && p.value("initiator", "") != "not an origin") urls.push_back(p["url"]);
  }
  return urls;
}

bool CspBlockedSomething(const std::string& console) {
  return console.find("violates the following Content Security Policy") != std::string::npos;
}

struct PixelCounts {
  long colored = 0;                // clearly not gray: lines, bars, legend keys
  std::vector<long> palette_hits;  // per palette color
};

PixelCounts CountPixels(const Image& image, int palette_size) {
  PixelCounts c;
  c.palette_hits.assign(palette_size, 0);
  std::vector<std::array<int, 3>> palette;
  for (int k = 0; k < palette_size; ++k) {
    const int rgb = std::stoi(report::PaletteColor(k).substr(1), nullptr, 16);
    palette.push_back({rgb >> 16, (rgb >> 8) & 255, rgb & 255});
  }
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const std::uint8_t* p = image.at(x, y);
      const int hi = std::max({p[0], p[1], p[2]}), lo = std::min({p[0], p[1], p[2]});
      if (hi - lo > 60) ++c.colored;
      for (int k = 0; k < palette_size; ++k) {
        if (std::abs(p[0] - palette[k][0]) + std::abs(p[1] - palette[k][1]) +
                std::abs(p[2] - palette[k][2]) <
            24) {
          ++c.palette_hits[k];
        }
      }
    }
  }
  return c;
}

class ReportInBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kChromium))
        << "chromium not found at " << kChromium
        << ": install the Debian package chromium (tools/setup installs it)";
  }
};

TEST_F(ReportInBrowser, ShowsThePlotsAndFetchesNothing) {
  const std::string html = TempDir() + "/browser_report.html";
  const auto made = RunLocosim("report " + FakeRunDir("fast_net", {Gbps(10)}) + " " +
                               FakeRunDir("slow_net", {Mbps(100)}) + " -o " + html);
  ASSERT_EQ(made.exit_status, 0) << made.err;
  const Browsed b = Browse(html, "report");

  EXPECT_FALSE(CspBlockedSomething(b.console)) << b.console;
  EXPECT_EQ(PageRequests(b.netlog), std::vector<std::string>{});

  std::string error;
  const auto image = ReadPng(b.screenshot, &error);
  ASSERT_TRUE(image) << error;
  // Six series (2 runs x 3 methods), each in its palette color in the line plots, the CDF
  // (the bars' parts are greys, and tied link bars are not drawn): every one of them must
  // be on screen, and plenty of color overall.
  const PixelCounts counts = CountPixels(*image, 6);
  EXPECT_GT(counts.colored, 15000) << "the screenshot looks blank: " << b.screenshot;
  for (int k = 0; k < 6; ++k) {
    EXPECT_GT(counts.palette_hits[k], 300)
        << "series color " << report::PaletteColor(k) << " missing from " << b.screenshot;
  }
}

// The controls: pages that do try to fetch, so both detectors are seen to fire.
TEST_F(ReportInBrowser, DetectorsSeeAPageThatFetches) {
  const std::string img = "<img src=\"http://127.0.0.1:9/fetched.png\" alt=\"x\">";
  const std::string csp = TempDir() + "/control_csp.html";
  WriteText(csp,
            "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
            "content=\"default-src "
            "'none'; style-src 'unsafe-inline'; img-src data:\"></head><body>" +
                img + "</body></html>");
  EXPECT_TRUE(CspBlockedSomething(Browse(csp, "control-csp").console));

  const std::string open = TempDir() + "/control_open.html";
  WriteText(open, "<!DOCTYPE html><html><body>" + img + "</body></html>");
  const Browsed b = Browse(open, "control-open");
  EXPECT_EQ(PageRequests(b.netlog), std::vector<std::string>{"http://127.0.0.1:9/fetched.png"});

  // And a page without plots is what "blank" looks like to the pixel count.
  std::string error;
  const auto image = ReadPng(b.screenshot, &error);
  ASSERT_TRUE(image) << error;
  EXPECT_LT(CountPixels(*image, 6).colored, 2000);
}

}  // namespace
}  // namespace locosim::testing
