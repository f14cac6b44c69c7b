// Errors in user input are values: they name the file, the JSON path and what was expected,
// and travel back to main, which prints them on one line and exits with status 2.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace locosim {

struct ConfigError {
  std::string file;      // path of the input file, or "<inline>" / "--set" for other sources
  std::string path;      // JSON path, e.g. "$.links[3].bandwidth"; empty when not applicable
  std::string expected;  // what the input should have been

  // "FILE: at $.links[3].bandwidth: expected a rate with a unit such as \"10Gbps\""
  std::string message() const;
};

// Thrown by the readers (sim/config/json_reader.h) and caught at the load boundary of the
// module using them (scenario and topology files here; results folders and benchmark JSON in
// tools/report and tools/regress), which turns it into a Result. Never crosses a module
// boundary.
struct ConfigException {
  ConfigError error;
};

// T or the reason there is no T.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(ConfigError error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const ConfigError& error() const { return std::get<ConfigError>(v_); }

 private:
  std::variant<T, ConfigError> v_;
};

}  // namespace locosim
