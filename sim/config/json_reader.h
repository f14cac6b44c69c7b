// A strict, path-aware view of a parsed JSON document. Every accessor either returns the
// value or throws a ConfigException naming the file, the JSON path and the expectation;
// objects must declare their known keys so that a misspelt key is an error with a
// "did you mean" rather than a silently ignored setting.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sim/core/config_error.h"
#include "sim/core/units.h"

namespace locosim {

class JsonReader {
 public:
  // `file` must outlive the reader and every reader derived from it.
  JsonReader(const nlohmann::json& value, const std::string& file, std::string path = "$")
      : value_(&value), file_(&file), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  const std::string& file() const { return *file_; }
  const nlohmann::json& raw() const { return *value_; }

  [[noreturn]] void Fail(const std::string& expected) const;

  // Objects.
  void ExpectObject() const;
  // Fails on the first key not in `known`, suggesting the closest known key.
  void ExpectOnlyKeys(std::span<const std::string_view> known) const;
  void ExpectOnlyKeys(std::initializer_list<std::string_view> known) const {
    ExpectOnlyKeys(std::span(known.begin(), known.size()));
  }
  // A null field is an absent one (so `--set field=null` removes a file's field).
  bool Has(std::string_view key) const;
  JsonReader Field(std::string_view key) const;  // required
  std::optional<JsonReader> OptionalField(std::string_view key) const;
  // The field, or an empty object at its path when absent: for sections made of defaults.
  JsonReader FieldOrEmptyObject(std::string_view key) const;

  // Arrays.
  std::size_t ArraySize() const;  // fails unless an array
  JsonReader Element(std::size_t i) const;

  // Scalars.
  std::string String() const;
  double Number() const;
  std::int64_t Integer() const;
  std::int64_t PositiveInteger() const;  // > 0
  bool Boolean() const;
  BitsPerSecond Rate() const;  // "10Gbps"
  SimTime Duration() const;    // "20ms"
  Bytes ByteCount() const;     // "64MiB", or a plain non-negative integer of bytes

 private:
  const nlohmann::json* value_;
  const std::string* file_;
  std::string path_;
};

// Parses `text` as JSON; on failure throws a ConfigException naming the file and the
// parser's position.
nlohmann::json ParseJsonText(const std::string& text, const std::string& file);
// Reads and parses a file; a missing or unreadable file is a ConfigException too.
nlohmann::json ReadJsonFile(const std::string& file);

// The candidate closest to `word` by edit distance, if any is reasonably close.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        std::span<const std::string_view> candidates);
inline std::optional<std::string> ClosestMatch(std::string_view word,
                                               std::initializer_list<std::string_view> candidates) {
  return ClosestMatch(word, std::span(candidates.begin(), candidates.size()));
}

}  // namespace locosim
