#include "sim/config/json_reader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <vector>

#include "sim/config/quantity.h"

namespace locosim {
namespace {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string TypeName(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

}  // namespace

std::optional<std::string> ClosestMatch(std::string_view word,
                                        std::span<const std::string_view> candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (auto c : candidates) {
    const std::size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  return best;
}

void JsonReader::Fail(const std::string& expected) const {
  throw ConfigException{ConfigError{*file_, path_, expected}};
}

void JsonReader::ExpectObject() const {
  if (!value_->is_object()) Fail("an object, found " + TypeName(*value_));
}

void JsonReader::ExpectOnlyKeys(std::span<const std::string_view> known) const {
  ExpectObject();
  for (const auto& [key, _] : value_->items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string expected = "no key \"" + key + "\"";
    if (auto near = ClosestMatch(key, known)) {
      expected += " (did you mean \"" + *near + "\"?)";
    } else {
      expected += "; known keys:";
      for (auto k : known) expected += " " + std::string(k);
    }
    Fail(expected);
  }
}

bool JsonReader::Has(std::string_view key) const {
  if (!value_->is_object()) return false;
  const auto it = value_->find(key);
  return it != value_->end() && !it->is_null();
}

JsonReader JsonReader::Field(std::string_view key) const {
  ExpectObject();
  const auto it = value_->find(key);
  if (it == value_->end()) Fail("a field \"" + std::string(key) + "\"");
  return JsonReader(*it, *file_, path_ + "." + std::string(key));
}

std::optional<JsonReader> JsonReader::OptionalField(std::string_view key) const {
  ExpectObject();
  const auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return std::nullopt;
  return JsonReader(*it, *file_, path_ + "." + std::string(key));
}

JsonReader JsonReader::FieldOrEmptyObject(std::string_view key) const {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  if (auto field = OptionalField(key)) return *field;
  return JsonReader(kEmpty, *file_, path_ + "." + std::string(key));
}

std::size_t JsonReader::ArraySize() const {
  if (!value_->is_array()) Fail("an array, found " + TypeName(*value_));
  return value_->size();
}

JsonReader JsonReader::Element(std::size_t i) const {
  ArraySize();
  return JsonReader((*value_)[i], *file_, path_ + "[" + std::to_string(i) + "]");
}

std::string JsonReader::String() const {
  if (!value_->is_string()) Fail("a string, found " + TypeName(*value_));
  return value_->get<std::string>();
}

double JsonReader::Number() const {
  if (!value_->is_number()) Fail("a number, found " + TypeName(*value_));
  return value_->get<double>();
}

std::int64_t JsonReader::Integer() const {
  // nlohmann keeps integers above INT64_MAX as unsigned, and 1e19 or 1e30 as doubles: both
  // must be refused here, since get<int64_t>() would wrap the one and a cast of the other is
  // undefined behaviour.
  const std::string expected = "an integer from -9223372036854775808 to 9223372036854775807";
  if (value_->is_number_unsigned()) {
    const auto u = value_->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      Fail(expected + ", found " + value_->dump());
    return static_cast<std::int64_t>(u);
  }
  if (value_->is_number_integer()) return value_->get<std::int64_t>();
  if (value_->is_number_float()) {
    const double d = value_->get<double>();
    // 2^63 is exactly representable; every double in [-2^63, 2^63) converts without overflow.
    constexpr double kTwoToThe63 = 9223372036854775808.0;
    if (!(d >= -kTwoToThe63 && d < kTwoToThe63)) Fail(expected + ", found " + value_->dump());
    if (d == std::trunc(d)) return static_cast<std::int64_t>(d);
  }
  Fail("an integer, found " + (value_->is_number() ? value_->dump() : TypeName(*value_)));
}

std::int64_t JsonReader::PositiveInteger() const {
  const std::int64_t v = Integer();
  if (v <= 0) Fail("a positive integer, found " + std::to_string(v));
  return v;
}

bool JsonReader::Boolean() const {
  if (!value_->is_boolean()) Fail("true or false, found " + TypeName(*value_));
  return value_->get<bool>();
}

BitsPerSecond JsonReader::Rate() const {
  const std::string expected =
      "a positive rate with a unit, such as \"10Gbps\" or \"100Mbps\" (bps, Kbps, Mbps, Gbps, "
      "Tbps)";
  if (!value_->is_string()) Fail(expected + ", found " + TypeName(*value_));
  const auto rate = ParseRate(value_->get<std::string>());
  if (!rate) Fail(expected + ", found \"" + value_->get<std::string>() + "\"");
  return *rate;
}

SimTime JsonReader::Duration() const {
  const std::string expected =
      "a non-negative duration with a unit, such as \"20ms\" or \"150us\" (ns, us, ms, s, min)";
  if (!value_->is_string()) Fail(expected + ", found " + TypeName(*value_));
  const auto d = ParseDuration(value_->get<std::string>());
  if (!d) Fail(expected + ", found \"" + value_->get<std::string>() + "\"");
  return *d;
}

Bytes JsonReader::ByteCount() const {
  const std::string expected =
      "a non-negative size, such as \"64MiB\" or \"1e9B\" (B, KB, MB, GB, KiB, MiB, GiB), or an "
      "integer number of bytes";
  if (value_->is_number_integer() && value_->get<std::int64_t>() >= 0) {
    return Bytes(value_->get<std::int64_t>());
  }
  if (!value_->is_string()) Fail(expected + ", found " + value_->dump());
  const auto b = ParseBytes(value_->get<std::string>());
  if (!b) Fail(expected + ", found \"" + value_->get<std::string>() + "\"");
  return *b;
}

nlohmann::json ParseJsonText(const std::string& text, const std::string& file) {
  // A key given twice in one object would silently take the last value: refuse it.
  std::vector<std::set<std::string>> keys;  // one set per open object
  const auto no_duplicate_keys = [&](int, nlohmann::json::parse_event_t event,
                                     nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) keys.emplace_back();
    if (event == Event::object_end && !keys.empty()) keys.pop_back();
    if (event == Event::key && !keys.empty() &&
        !keys.back().insert(parsed.get<std::string>()).second) {
      throw ConfigException{ConfigError{file, "",
                                        "JSON objects without duplicate keys; \"" +
                                            parsed.get<std::string>() + "\" is given twice"}};
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text, no_duplicate_keys);
  } catch (const nlohmann::json::exception& e) {
    // A syntax error, or a number out of the range of a double (1e400). e.what() reads
    // "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    std::string what = e.what();
    const auto cut = what.find("] ");
    if (cut != std::string::npos) what = what.substr(cut + 2);
    throw ConfigException{
        ConfigError{file, "", "valid JSON with numbers a double can hold (" + what + ")"}};
  }
}

nlohmann::json ReadJsonFile(const std::string& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw ConfigException{ConfigError{file, "", "a JSON file, found a folder"}};
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigException{ConfigError{file, "", "a readable file (cannot open it)"}};
  std::ostringstream text;
  text << in.rdbuf();
  return ParseJsonText(text.str(), file);
}

}  // namespace locosim
