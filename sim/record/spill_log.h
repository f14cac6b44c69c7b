// An append-only log of small fixed-size records that keeps at most a bounded number in
// memory and spills the older ones to an unnamed temporary file, which the OS removes however
// the process ends. A method's sync events and trace spans grow with the number of rounds;
// kept in a SpillLog they cost a run a bounded amount of memory whatever its length.
// Reading is in order, by range-for, one buffered block of the file at a time.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace locosim {

template <class T>
class SpillLog {
  static_assert(std::is_trivially_copyable_v<T>, "records are written to the file byte for byte");

 public:
  static constexpr std::size_t kDefaultInMemory = 1 << 16;

  // `in_memory`: records held before a block of them is written out.
  explicit SpillLog(std::size_t in_memory = kDefaultInMemory) : in_memory_(in_memory) {}
  SpillLog(SpillLog&&) noexcept = default;
  SpillLog& operator=(SpillLog&&) noexcept = default;

  void push_back(const T& record) {
    recent_.push_back(record);
    if (recent_.size() >= in_memory_ && auto_spill_) SpillBefore(size());
  }
  std::size_t size() const { return spilled_ + recent_.size(); }
  bool empty() const { return size() == 0; }
  std::size_t spilled() const { return spilled_; }
  std::size_t in_memory() const { return recent_.size(); }

  // For a log whose recent records are still filled in after they are appended: push_back no
  // longer spills on its own, the owner calls SpillBefore with the oldest index it may still
  // change, and changes records through Recent.
  void SpillOnlyWhenAsked() { auto_spill_ = false; }
  T& Recent(std::size_t index) {
    if (index < spilled_) throw std::logic_error("SpillLog: the record was already spilled");
    return recent_[index - spilled_];
  }
  T& back() { return recent_.back(); }
  // Writes every record before `index` to the file.
  void SpillBefore(std::size_t index) {
    if (index <= spilled_) return;
    const std::size_t count = std::min(index, size()) - spilled_;
    if (!file_) {
      file_.reset(std::tmpfile());
      if (!file_) throw std::runtime_error("cannot create a temporary file for the run's records");
    }
    if (std::fseek(file_.get(), 0, SEEK_END) != 0 ||
        std::fwrite(recent_.data(), sizeof(T), count, file_.get()) != count) {
      throw std::runtime_error("cannot write the run's records to a temporary file (disk full?)");
    }
    spilled_ += count;
    recent_.erase(recent_.begin(), recent_.begin() + static_cast<std::ptrdiff_t>(count));
  }

  class const_iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    const_iterator(const SpillLog* log, std::size_t index) : log_(log), index_(index) {}
    const T& operator*() const {
      if (index_ >= log_->spilled_) return log_->recent_[index_ - log_->spilled_];
      if (index_ < block_start_ || index_ >= block_start_ + block_.size()) Load();
      return block_[index_ - block_start_];
    }
    const T* operator->() const { return &**this; }
    const_iterator& operator++() {
      ++index_;
      return *this;
    }
    bool operator==(const const_iterator& other) const { return index_ == other.index_; }

   private:
    void Load() const {
      const std::size_t count = std::min(kReadBlock, log_->spilled_ - index_);
      block_.resize(count);
      std::FILE* file = log_->file_.get();
      if (std::fseek(file, static_cast<long>(index_ * sizeof(T)), SEEK_SET) != 0 ||
          std::fread(block_.data(), sizeof(T), count, file) != count) {
        throw std::runtime_error("cannot read back the run's spilled records");
      }
      block_start_ = index_;
    }

    const SpillLog* log_;
    std::size_t index_;
    mutable std::vector<T> block_;
    mutable std::size_t block_start_ = 0;
  };

  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size()); }

 private:
  static constexpr std::size_t kReadBlock = 1 << 12;

  struct Close {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };

  std::size_t in_memory_;
  bool auto_spill_ = true;
  std::vector<T> recent_;
  std::size_t spilled_ = 0;
  std::unique_ptr<std::FILE, Close> file_;
};

}  // namespace locosim
