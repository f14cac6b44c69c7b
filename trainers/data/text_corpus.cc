#include "locosim/data/text_corpus.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <system_error>

#include "locosim/trainers/error.h"

namespace locosim::trainers {
namespace fs = std::filesystem;
namespace {

// Code points of `bytes`: valid UTF-8 sequences decode, any other byte stands for itself.
std::vector<char32_t> CodePoints(const std::string& bytes) {
  std::vector<char32_t> out;
  out.reserve(bytes.size());
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char b = s[i];
    const int extra = b >= 0xF0 && b < 0xF5 ? 3 : b >= 0xE0 ? 2 : b >= 0xC2 ? 1 : 0;
    bool valid = b >= 0x80 && extra > 0 && b < 0xF5 && i + extra < n;
    char32_t cp = valid ? b & (0x3F >> extra) : b;
    for (int k = 1; valid && k <= extra; ++k) {
      valid = (s[i + k] & 0xC0) == 0x80;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (valid && b >= 0x80) {
      out.push_back(cp);
      i += extra + 1;
    } else {
      out.push_back(b);
      i += 1;
    }
  }
  return out;
}

void AppendUtf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::string ReadTextFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw TrainerError("cannot read text file " + file.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<fs::path> TextFiles(const fs::path& root) {
  if (!fs::is_directory(root)) return {root};
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_symlink() || !entry.is_regular_file()) continue;
    if (entry.path().extension() == ".dat") continue;  // fortune's binary index files
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string TextCorpus::Decode(std::span<const std::int32_t> ids) const {
  std::string out;
  for (std::int32_t id : ids) {
    const char32_t cp = symbols.at(static_cast<std::size_t>(id));
    if (symbols.size() == 256) {
      out += static_cast<char>(cp);
    } else {
      AppendUtf8(cp, out);
    }
  }
  return out;
}

TextCorpus LoadTextCorpus(const std::string& path, Vocabulary vocabulary,
                          double validation_fraction) {
  std::error_code error;
  if (!fs::exists(path, error)) {
    throw TrainerError("text data not found: no file or folder " + path + " (the default corpus, " +
                       kFortunesPath + ", comes with the Debian package `fortunes`: " +
                       "apt-get install fortunes)");
  }
  // Every file as a sequence of symbols: bytes or code points.
  std::vector<std::vector<char32_t>> files;
  for (const auto& file : TextFiles(path)) {
    const std::string bytes = ReadTextFile(file);
    if (vocabulary == Vocabulary::kChar) {
      files.push_back(CodePoints(bytes));
    } else {
      files.emplace_back(bytes.begin(), bytes.end());
      for (auto& symbol : files.back()) symbol &= 0xFF;  // char may be signed
    }
  }
  TextCorpus corpus;
  if (vocabulary == Vocabulary::kByte) {
    for (char32_t b = 0; b < 256; ++b) corpus.symbols.push_back(b);
  } else {
    std::map<char32_t, std::int32_t> ids;  // ordered, so ids follow code point order
    for (const auto& symbols : files) {
      for (char32_t cp : symbols) ids.emplace(cp, 0);
    }
    for (auto& [cp, id] : ids) {
      id = static_cast<std::int32_t>(corpus.symbols.size());
      corpus.symbols.push_back(cp);
    }
    for (auto& symbols : files) {
      for (auto& cp : symbols) cp = static_cast<char32_t>(ids.at(cp));
    }
  }
  for (const auto& tokens : files) {
    const auto held_out = static_cast<std::size_t>(double(tokens.size()) * validation_fraction);
    const auto split = tokens.begin() + static_cast<std::ptrdiff_t>(tokens.size() - held_out);
    corpus.train.insert(corpus.train.end(), tokens.begin(), split);
    corpus.validation.insert(corpus.validation.end(), split, tokens.end());
  }
  if (corpus.train.empty()) throw TrainerError("text data at " + path + " holds no text");
  return corpus;
}

}  // namespace locosim::trainers
