// Text and Fashion-MNIST loading, splits, vocabularies, batches and per-replica streams.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "locosim/data/dataset.h"
#include "locosim/data/fashion_mnist.h"
#include "locosim/data/sample_stream.h"
#include "locosim/data/text_corpus.h"
#include "locosim/trainers/error.h"

namespace locosim::trainers {
namespace {
namespace fs = std::filesystem;

// A fresh folder under the test's temporary directory, removed at the end.
class TempDir {
 public:
  TempDir()
      : path_(fs::temp_directory_path() / ("locosim_data_test_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return path_ / name;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(TextCorpus, ByteVocabularyHoldsOutTheTailOfEveryFile) {
  TempDir dir;
  dir.Write("a.txt", "0123456789");
  dir.Write("b.txt", "abcdefghij");
  dir.Write("b.dat", "binary index, skipped");
  fs::create_symlink(dir.path() / "a.txt", dir.path() / "a.u8");  // skipped too
  const TextCorpus corpus = LoadTextCorpus(dir.path().string(), Vocabulary::kByte, 0.2);
  EXPECT_EQ(corpus.vocab_size(), 256);
  EXPECT_EQ(corpus.Decode(corpus.train), "01234567abcdefgh");
  EXPECT_EQ(corpus.Decode(corpus.validation), "89ij");
}

TEST(TextCorpus, CharVocabularyIsTheCorpusCodePoints) {
  TempDir dir;
  // "café €" and a stray byte that is not UTF-8.
  const auto file = dir.Write("t.txt", "caf\xc3\xa9 \xe2\x82\xac\xff");
  const TextCorpus corpus = LoadTextCorpus(file.string(), Vocabulary::kChar, 0.001);
  // ' ', 'a', 'c', 'f', U+00E9, U+00FF (the stray byte as Latin-1), U+20AC; sorted.
  EXPECT_EQ(corpus.symbols, (std::vector<char32_t>{' ', 'a', 'c', 'f', 0xE9, 0xFF, 0x20AC}));
  EXPECT_EQ(corpus.train.size(), 7u);
  EXPECT_EQ(corpus.Decode(corpus.train), "caf\xc3\xa9 \xe2\x82\xac\xc3\xbf");
}

TEST(TextCorpus, MissingPathIsAnErrorNamingTheDefaultsDebianPackage) {
  try {
    LoadTextCorpus("/nonexistent/locosim/text", Vocabulary::kByte, 0.1);
    FAIL() << "expected TrainerError";
  } catch (const TrainerError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("/nonexistent/locosim/text"), std::string::npos) << message;
    EXPECT_NE(message.find("`fortunes`"), std::string::npos) << message;
  }
}

TEST(TextCorpus, FortunesAreTheDefaultAndLoad) {
  const TextCorpus corpus = LoadTextCorpus(kFortunesPath, Vocabulary::kChar, 0.1);
  EXPECT_GT(corpus.train.size(), 1'000'000u);
  EXPECT_GT(corpus.validation.size(), 100'000u);
  EXPECT_LT(corpus.vocab_size(), 256);
  const auto files = TextFiles(kFortunesPath);
  for (const auto& f : files) {
    EXPECT_NE(f.extension(), ".dat");
    EXPECT_FALSE(fs::is_symlink(f));
  }
}

TEST(TextDataset, WindowsPredictTheNextToken) {
  TextCorpus corpus;
  for (char32_t b = 0; b < 256; ++b) corpus.symbols.push_back(b);
  corpus.train = {1, 2, 3, 4, 5, 6};
  corpus.validation = {7, 8, 9, 10};
  const auto data = MakeTextDataset(corpus, 3);
  EXPECT_EQ(data->size(Split::kTrain), 3);
  EXPECT_EQ(data->size(Split::kValidation), 1);
  const std::vector<std::int64_t> indices = {2, 0};
  const Batch batch = data->MakeBatch(Split::kTrain, indices);
  EXPECT_TRUE(torch::equal(batch.inputs, torch::tensor({3, 4, 5, 1, 2, 3}).view({2, 3})));
  EXPECT_TRUE(torch::equal(batch.targets, torch::tensor({4, 5, 6, 2, 3, 4}).view({2, 3})));
}

TEST(TextDataset, SplitShorterThanContextIsAnError) {
  TextCorpus corpus;
  corpus.symbols = {'a'};
  corpus.train = {0, 0, 0, 0, 0};
  corpus.validation = {0, 0};
  EXPECT_THROW(MakeTextDataset(corpus, 4), TrainerError);
}

TEST(FashionMnist, LoadsTheDebianFiles) {
  const FashionMnist data = LoadFashionMnist(kFashionMnistPath);
  EXPECT_EQ(data.train.count, 60000);
  EXPECT_EQ(data.test.count, 10000);
  EXPECT_EQ(data.train.rows, 28);
  EXPECT_EQ(data.train.cols, 28);
  EXPECT_EQ(data.train.pixels.size(), 60000u * 784u);
  std::set<int> labels(data.test.labels.begin(), data.test.labels.end());
  EXPECT_EQ(labels.size(), 10u);
}

TEST(FashionMnist, MissingFilesNameTheDebianPackage) {
  try {
    LoadFashionMnist("/nonexistent/fashion-mnist");
    FAIL() << "expected TrainerError";
  } catch (const TrainerError& e) {
    EXPECT_NE(std::string(e.what()).find("dataset-fashion-mnist"), std::string::npos) << e.what();
  }
}

TEST(FashionMnist, NotAnIdxFileIsAnError) {
  TempDir dir;
  const auto file = dir.Write("junk.gz", "this is not IDX");
  EXPECT_THROW(ReadIdx(file.string()), TrainerError);
}

TEST(ImageDataset, OrderByLabelMakesContiguousSlicesNonIid) {
  const auto data = MakeImageDataset(LoadFashionMnist(kFashionMnistPath), true);
  // First and last tenth of the training indices: one label each.
  std::vector<std::int64_t> first = {0, 1000, 5999}, last = {54000, 59999};
  EXPECT_TRUE(torch::all(data->MakeBatch(Split::kTrain, first).targets == 0).item<bool>());
  EXPECT_TRUE(torch::all(data->MakeBatch(Split::kTrain, last).targets == 9).item<bool>());
  const Batch batch = data->MakeBatch(Split::kValidation, first);
  EXPECT_EQ(batch.inputs.sizes(), (std::vector<std::int64_t>{3, 1, 28, 28}));
}

TEST(SampleStream, SameSeedSameStreamAndIndicesStayInRange) {
  SampleStream a(StreamSeed(5, "data", 2), 100, 200), b(StreamSeed(5, "data", 2), 100, 200);
  SampleStream other(StreamSeed(5, "data", 3), 100, 200);
  const auto xs = a.Next(1000);
  EXPECT_EQ(xs, b.Next(1000));
  EXPECT_NE(xs, other.Next(1000));
  for (auto x : xs) {
    EXPECT_GE(x, 100);
    EXPECT_LT(x, 200);
  }
  EXPECT_EQ(a.drawn(), 1000);
}

TEST(SampleStream, RestoredStateContinuesExactly) {
  SampleStream a(42, 0, 1'000'000);
  a.Next(17);
  SampleStream b(0, 0, 1'000'000);
  b.RestoreState(a.SaveState());
  EXPECT_EQ(a.Next(50), b.Next(50));
  EXPECT_EQ(b.drawn(), 67);
  EXPECT_THROW(b.RestoreState("garbage"), TrainerError);
}

}  // namespace
}  // namespace locosim::trainers
