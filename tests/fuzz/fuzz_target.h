// What the fuzz targets share. A parser of user files may succeed or refuse the input with a
// ConfigError (the CLI's exit 2); anything else is a finding: a crash, a sanitizer report, an
// exception of another type (uncaught, so libFuzzer sees the abort), or a broken property
// checked with FUZZ_CHECK.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace locosim::fuzz {

inline std::string AsText(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

[[noreturn]] inline void PropertyFailed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n", file, line, what);
  std::abort();
}

}  // namespace locosim::fuzz

#define FUZZ_CHECK(condition) \
  ((condition) ? (void)0 : ::locosim::fuzz::PropertyFailed(#condition, __FILE__, __LINE__))
