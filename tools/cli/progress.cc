#include "tools/cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace locosim::cli {

Progress::Progress(int methods, std::string prefix)
    : tty_(::isatty(2) == 1), methods_(methods), prefix_(std::move(prefix)) {}

void Progress::operator()(const std::string& method, double fraction) {
  if (fraction == 0.0) {
    ++index_;
    last_quarter_ = -1;
  } else if (fraction >= 1.0 && last_quarter_ == 4) {
    return;  // already reported done
  }
  if (tty_) {
    const int width = 30;
    const int filled = static_cast<int>(fraction * width);
    std::fprintf(stderr, "\r%s[%d/%d] %-12s [%s%s] %3d%%", prefix_.c_str(), index_, methods_,
                 method.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), static_cast<int>(fraction * 100));
    if (fraction >= 1.0 && last_quarter_ != 4) std::fprintf(stderr, "\n");
    if (fraction >= 1.0) last_quarter_ = 4;
    return;
  }
  const int quarter = static_cast<int>(fraction * 4);
  if (fraction == 0.0 || quarter > last_quarter_) {
    std::fprintf(stderr, "%s[%d/%d] %s: %d%%\n", prefix_.c_str(), index_, methods_, method.c_str(),
                 quarter * 25);
    last_quarter_ = quarter;
  }
}

}  // namespace locosim::cli
