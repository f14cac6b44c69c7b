// Shared pieces of the "malformed input" tests: a case is a valid document with one edit,
// and the JSON path and expectation its error must name.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "sim/config/json_reader.h"
#include "sim/core/config_error.h"

namespace locosim::testing {

struct BadCase {
  std::string name;
  std::string text;
  std::string path;      // expected JSON path in the error
  std::string expected;  // a fragment of the expectation
};
inline void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

// `text` with its first `from` replaced by `to`; the test fails if `from` is absent.
inline std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// Parses `text` as file `file` and hands the document to `load` (TopologyFromJson, ...).
template <typename Load>
auto ParseAs(const std::string& text, const std::string& file, Load load)
    -> decltype(load(nlohmann::json(), file)) {
  try {
    return load(ParseJsonText(text, file), file);
  } catch (const ConfigException& e) {
    return e.error;
  }
}

// Checks that `result` failed naming `file`, c.path and c.expected, in one line.
template <typename R>
void ExpectRejected(const R& result, const BadCase& c, const std::string& file) {
  ASSERT_FALSE(result.ok()) << c.name << " was accepted";
  EXPECT_EQ(result.error().file, file);
  EXPECT_EQ(result.error().path, c.path) << result.error().message();
  EXPECT_NE(result.error().expected.find(c.expected), std::string::npos)
      << result.error().message();
  EXPECT_EQ(result.error().message().find('\n'), std::string::npos);
}

}  // namespace locosim::testing
