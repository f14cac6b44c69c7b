// Preference pairs made from plain text, for the DPO objective: a proxy task whose right
// answer is known. The prompt is the start of a document (a fortune), the chosen continuation
// its true next bytes, the rejected one those same bytes corrupted by a seeded shuffle, so
// the two have the same bytes and length and differ only in order: preferring the chosen one
// means having learned how English text goes, which carries over to held-out documents.
// Torch-free.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "locosim/replicas/trainer_config.h"

namespace locosim::trainers {

struct PreferencePair {
  std::string prompt;
  std::string chosen;    // the document's own continuation
  std::string rejected;  // `chosen` corrupted: same bytes, same length, another order
};

struct PreferencePairs {
  std::vector<PreferencePair> train;
  std::vector<PreferencePair> validation;  // from held-out documents only
};

// A file's documents: the entries of a fortune file (between lines holding only "%"), or
// else its paragraphs (between blank lines), each with its runs of white space made one space
// and trimmed. Empty documents are dropped.
std::vector<std::string> SplitDocuments(std::string_view text);

// The pieces of `text` between single spaces in a random order ("shuffled_words"), or each
// word's letters but its first and last in a random order ("shuffled_letters"); a Fisher-Yates
// shuffle with draws written out here, so the result is the same on every platform.
// REQUIRES: corruption is one of those two.
std::string Corrupt(std::string_view text, std::string_view corruption, std::mt19937_64& rng);

// The pairs of every document of the files under `path` (as TextFiles lists them) that has
// at least prompt_tokens + response_tokens bytes and whose corruption differs from it (eight
// tries). The last validation_fraction of each file's documents are held out, so no held-out
// prompt is trained on. The shuffles draw from StreamSeed(seed, "preference_pairs", 0).
// Throws TrainerError when the path is missing or either split would be empty.
PreferencePairs MakePreferencePairs(const std::string& path, const ObjectiveConfig& objective,
                                    double validation_fraction, std::uint64_t seed);

}  // namespace locosim::trainers
