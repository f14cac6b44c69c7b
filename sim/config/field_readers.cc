#include "sim/config/field_readers.h"

namespace locosim {

std::string Choice(const JsonReader& r, std::span<const std::string_view> choices) {
  const std::string value = r.String();
  for (auto c : choices) {
    if (value == c) return value;
  }
  std::string expected = "one of";
  for (auto c : choices) expected += " \"" + std::string(c) + "\"";
  expected += ", found \"" + value + "\"";
  if (auto near = ClosestMatch(value, choices)) expected += " (did you mean \"" + *near + "\"?)";
  r.Fail(expected);
}

std::string Choice(const JsonReader& r, std::initializer_list<std::string_view> choices) {
  return Choice(r, std::span(choices.begin(), choices.size()));
}

std::string Choice(const JsonReader& r, const std::vector<std::string>& choices) {
  const std::vector<std::string_view> views(choices.begin(), choices.end());
  return Choice(r, std::span<const std::string_view>(views));
}

double NumberIn(const JsonReader& r, double lo, double hi, const std::string& what) {
  const double v = r.Number();
  if (!(v >= lo && v <= hi)) r.Fail(what + ", found " + r.raw().dump());
  return v;
}

int IntIn(const JsonReader& r, std::int64_t lo, std::int64_t hi, const std::string& what) {
  const std::int64_t v = r.Integer();
  if (v < lo || v > hi) r.Fail(what + ", found " + std::to_string(v));
  return static_cast<int>(v);
}

}  // namespace locosim
