#include "locosim/data/preference_pairs.h"

#include <filesystem>

#include "locosim/data/sample_stream.h"
#include "locosim/data/text_corpus.h"
#include "locosim/trainers/error.h"

namespace locosim::trainers {
namespace {

bool IsWhiteSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string CollapseSpace(std::string_view text) {
  std::string out;
  bool gap = false;
  for (char c : text) {
    if (IsWhiteSpace(c)) {
      gap = !out.empty();
      continue;
    }
    if (gap) out += ' ';
    gap = false;
    out += c;
  }
  return out;
}

// Uniform in [0, n), unbiased, the same on every platform. REQUIRES: n >= 1.
std::size_t UniformBelow(std::size_t n, std::mt19937_64& rng) {
  const std::uint64_t range = n;
  const std::uint64_t limit = std::mt19937_64::max() - std::mt19937_64::max() % range;
  std::uint64_t x = rng();
  while (x >= limit) x = rng();
  return static_cast<std::size_t>(x % range);
}

template <typename T>
void Shuffle(std::vector<T>& items, std::mt19937_64& rng) {
  for (std::size_t i = items.size(); i > 1; --i)
    std::swap(items[i - 1], items[UniformBelow(i, rng)]);
}

std::vector<std::string> SplitOnSpaces(std::string_view text) {
  std::vector<std::string> pieces(1);
  for (char c : text) {
    if (c == ' ')
      pieces.emplace_back();
    else
      pieces.back() += c;
  }
  return pieces;
}

}  // namespace

std::vector<std::string> SplitDocuments(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t begin = 0; begin <= text.size();) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  bool fortune = false;
  for (std::string_view line : lines) fortune = fortune || line == "%";
  std::vector<std::string> documents;
  std::string current;
  auto flush = [&] {
    std::string document = CollapseSpace(current);
    if (!document.empty()) documents.push_back(std::move(document));
    current.clear();
  };
  for (std::string_view line : lines) {
    const bool separator =
        fortune ? line == "%" : CollapseSpace(line).empty();  // "%" or a blank line
    if (separator) {
      flush();
    } else {
      current.append(line);
      current += '\n';
    }
  }
  flush();
  return documents;
}

std::string Corrupt(std::string_view text, std::string_view corruption, std::mt19937_64& rng) {
  std::vector<std::string> words = SplitOnSpaces(text);
  if (corruption == "shuffled_words") {
    Shuffle(words, rng);
  } else {
    for (std::string& word : words) {
      if (word.size() < 4) continue;
      std::vector<char> inner(word.begin() + 1, word.end() - 1);
      Shuffle(inner, rng);
      std::copy(inner.begin(), inner.end(), word.begin() + 1);
    }
  }
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += (i ? " " : "") + words[i];
  return out;
}

PreferencePairs MakePreferencePairs(const std::string& path, const ObjectiveConfig& objective,
                                    double validation_fraction, std::uint64_t seed) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    throw TrainerError("text data not found: no file or folder " + path + " (the default corpus, " +
                       kFortunesPath + ", comes with the Debian package `fortunes`)");
  }
  const auto prompt = static_cast<std::size_t>(objective.prompt_tokens);
  const auto response = static_cast<std::size_t>(objective.response_tokens);
  std::mt19937_64 rng(StreamSeed(seed, "preference_pairs", 0));
  PreferencePairs pairs;
  for (const auto& file : TextFiles(path)) {
    std::vector<std::string> documents = SplitDocuments(ReadTextFile(file));
    std::erase_if(documents, [&](const std::string& d) { return d.size() < prompt + response; });
    const auto held_out = static_cast<std::size_t>(double(documents.size()) * validation_fraction);
    for (std::size_t i = 0; i < documents.size(); ++i) {
      PreferencePair pair{
          documents[i].substr(0, prompt), documents[i].substr(prompt, response), {}};
      for (int attempt = 0; attempt < 8 && pair.rejected.empty(); ++attempt) {
        std::string rejected = Corrupt(pair.chosen, objective.rejected, rng);
        if (rejected != pair.chosen) pair.rejected = std::move(rejected);
      }
      if (pair.rejected.empty()) continue;  // nothing to reorder, e.g. one long word
      auto& split = i + held_out < documents.size() ? pairs.train : pairs.validation;
      split.push_back(std::move(pair));
    }
  }
  const std::string sizes = std::to_string(objective.prompt_tokens) + " + " +
                            std::to_string(objective.response_tokens) + " bytes";
  if (pairs.train.empty()) {
    throw TrainerError("no preference pairs: no document of the text at " + path +
                       " has a prompt and response of " + sizes);
  }
  if (pairs.validation.empty()) {
    throw TrainerError("no held-out preference pairs in the text at " + path + " (validation " +
                       "fraction " + std::to_string(validation_fraction) + " of its documents of " +
                       sizes + " or more)");
  }
  return pairs;
}

}  // namespace locosim::trainers
