// Plain text from a file or a folder, tokenised by byte or by character and split into
// training and validation text. Torch-free. Debian's fortunes are the default corpus.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace locosim::trainers {

inline constexpr const char* kFortunesPath = "/usr/share/games/fortunes";

enum class Vocabulary {
  kByte,  // 256 ids, one per byte value; any file is valid
  kChar,  // one id per code point that occurs in the corpus (UTF-8; a byte that is not part of
          // a valid sequence counts as the Latin-1 character of that value)
};

struct TextCorpus {
  std::vector<char32_t> symbols;         // id -> code point (kByte: the byte value)
  std::vector<std::int32_t> train;       // the head of every file, files in path order
  std::vector<std::int32_t> validation;  // the tail of every file, same order
  std::int64_t vocab_size() const { return static_cast<std::int64_t>(symbols.size()); }
  // Text of ids (kChar: UTF-8; kByte: the raw bytes).
  std::string Decode(std::span<const std::int32_t> ids) const;
};

// Reads `path` (a file, or a folder walked recursively in sorted order, skipping symlinks and
// fortune's *.dat index files) and holds out the last validation_fraction of each file's
// tokens, so both splits sample every file. The char vocabulary is built from the whole corpus.
// Throws TrainerError when the path is missing (the message names the Debian package
// `fortunes`, which installs the default), unreadable, or holds no text.
// REQUIRES: 0 <= validation_fraction < 1.
TextCorpus LoadTextCorpus(const std::string& path, Vocabulary vocabulary,
                          double validation_fraction);

// The files LoadTextCorpus reads under `root`, in order (just `root` when it is a file).
std::vector<std::filesystem::path> TextFiles(const std::filesystem::path& root);

// A file's bytes. Throws TrainerError naming the file when it cannot be read.
std::string ReadTextFile(const std::filesystem::path& file);

}  // namespace locosim::trainers
