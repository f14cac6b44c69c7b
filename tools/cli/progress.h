// Progress of a long run on stderr: a bar on a terminal, a line per quarter otherwise (so a
// CI log is not flooded).
#pragma once

#include <string>

namespace locosim::cli {

class Progress {
 public:
  // `methods`: how many methods will report; `prefix` starts every line (e.g. "point 3/8 ").
  explicit Progress(int methods, std::string prefix = "");
  // Fraction 0 starts the next method; 1 ends it.
  void operator()(const std::string& method, double fraction);

 private:
  bool tty_;
  int methods_;
  std::string prefix_;
  int index_ = 0;
  int last_quarter_ = -1;
};

}  // namespace locosim::cli
