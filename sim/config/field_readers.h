// Readers for the fields that scenario sections and method specs share: a choice among
// names, a number or an integer in a range, an optional field. Each fails with the field's
// JSON path and what was expected (sim/config/json_reader.h).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/json_reader.h"

namespace locosim {

// The value if it is one of `choices`; else fails, suggesting the nearest.
std::string Choice(const JsonReader& r, std::span<const std::string_view> choices);
std::string Choice(const JsonReader& r, std::initializer_list<std::string_view> choices);
std::string Choice(const JsonReader& r, const std::vector<std::string>& choices);

double NumberIn(const JsonReader& r, double lo, double hi, const std::string& what);
int IntIn(const JsonReader& r, std::int64_t lo, std::int64_t hi, const std::string& what);

// Sets `field` from r[key] when present.
template <typename T, typename Read>
void Optional(const JsonReader& r, std::string_view key, T& field, Read read) {
  if (auto v = r.OptionalField(key)) field = read(*v);
}

}  // namespace locosim
