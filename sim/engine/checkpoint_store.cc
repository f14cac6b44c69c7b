#include "sim/engine/checkpoint_store.h"

#include <filesystem>
#include <sstream>

#include "sim/record/atomic_file.h"

namespace locosim {
namespace {

namespace fs = std::filesystem;

constexpr const char* kManifest = "checkpoint.json";

std::string JournalPath(const std::string& dir, int m) {
  return dir + "/journal-" + std::to_string(m) + ".txt";
}

nlohmann::ordered_json MarkJson(const JournalMark& mark) {
  return {{"calls", mark.calls}, {"bytes", mark.bytes}};
}

JournalMark MarkFrom(const nlohmann::json& j) {
  return JournalMark{j.at("calls").get<std::int64_t>(), j.at("bytes").get<std::int64_t>()};
}

}  // namespace

MethodJournal::MethodJournal(const std::string& journal_path, const JournalMark& replay,
                             bool then_live, DataPlane& live)
    : path_(journal_path) {
  std::error_code ec;
  if (replay.calls == 0) {
    fs::remove(path_, ec);
  } else {
    // What was written after the checkpoint is not part of it.
    fs::resize_file(path_, static_cast<std::uintmax_t>(replay.bytes), ec);
    if (ec) throw CheckpointError("cannot open the journal " + path_ + ": " + ec.message());
    replay_.open(path_, std::ios::binary);
    if (!replay_) throw CheckpointError("cannot read the journal " + path_);
  }
  journal_.open(path_, std::ios::binary | std::ios::app);
  if (!journal_) throw CheckpointError("cannot write the journal " + path_);
  data_ = std::make_unique<JournaledDataPlane>(live, replay.calls ? &replay_ : nullptr,
                                               replay.calls, journal_, then_live);
}

JournalMark MethodJournal::Flush() {
  journal_.flush();
  std::error_code ec;
  const std::uintmax_t bytes = fs::file_size(path_, ec);
  if (!journal_ || ec) throw CheckpointError("cannot write the journal " + path_);
  return JournalMark{data_->calls(), static_cast<std::int64_t>(bytes)};
}

CheckpointStore::CheckpointStore(std::string dir, CheckpointManifest manifest)
    : dir_(std::move(dir)), manifest_(std::move(manifest)) {}

CheckpointStore CheckpointStore::Create(const std::string& dir, nlohmann::ordered_json request) {
  std::error_code ec;
  if (!fs::create_directory(dir, ec) || ec) {
    throw CheckpointError("cannot create the checkpoint folder " + dir +
                          (ec ? ": " + ec.message() : ": it exists"));
  }
  CheckpointManifest manifest;
  manifest.request = std::move(request);
  CheckpointStore store(dir, std::move(manifest));
  store.Commit();
  return store;
}

CheckpointStore CheckpointStore::Open(const std::string& dir) {
  const std::string path = dir + "/" + kManifest;
  std::ifstream in(path);
  if (!in) throw CheckpointError(path + ": no checkpoint here (cannot read it)");
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.at("format").get<int>() != CheckpointManifest::kFormat) {
      throw CheckpointError(path + ": a checkpoint of format " + j.at("format").dump() +
                            ", this build reads format " +
                            std::to_string(CheckpointManifest::kFormat));
    }
    CheckpointManifest m;
    m.request = j.at("request");
    for (const auto& f : j.at("finished")) m.finished.push_back(MarkFrom(f));
    m.method = j.at("method").get<int>();
    m.checkpoint = j.at("checkpoint").get<int>();
    m.mark = MarkFrom(j.at("mark"));
    if (m.method != static_cast<int>(m.finished.size()) || m.checkpoint < 0 ||
        (m.checkpoint == 0) != (m.mark.calls == 0)) {
      throw CheckpointError(path + ": an inconsistent checkpoint manifest");
    }
    CheckpointStore store(dir, std::move(m));
    store.resumed_method_ = store.manifest_.method;
    store.resumed_checkpoint_ = store.manifest_.checkpoint;
    return store;
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(path + ": not a checkpoint manifest (" + e.what() + ")");
  }
}

void CheckpointStore::Commit() {
  nlohmann::ordered_json j;
  j["format"] = CheckpointManifest::kFormat;
  j["request"] = manifest_.request;
  j["finished"] = nlohmann::ordered_json::array();
  for (const JournalMark& f : manifest_.finished) j["finished"].push_back(MarkJson(f));
  j["method"] = manifest_.method;
  j["checkpoint"] = manifest_.checkpoint;
  j["mark"] = MarkJson(manifest_.mark);
  if (auto error = WriteFileAtomically(dir_ + "/" + kManifest, j.dump(2) + "\n")) {
    throw CheckpointError(*error);
  }
}

std::string CheckpointStore::StateDir(int m, int c) const {
  return dir_ + "/state-" + std::to_string(m) + "-" + std::to_string(c);
}

std::unique_ptr<MethodJournal> CheckpointStore::BeginMethod(int m, DataPlane& live) {
  checkpoints_seen_ = 0;
  const std::string path = JournalPath(dir_, m);
  if (finished(m)) {
    return std::make_unique<MethodJournal>(path, manifest_.finished[static_cast<std::size_t>(m)],
                                           /*then_live=*/false, live);
  }
  const JournalMark replay = m == manifest_.method ? manifest_.mark : JournalMark{};
  return std::make_unique<MethodJournal>(path, replay, /*then_live=*/true, live);
}

void CheckpointStore::AtCheckpoint(int m, MethodJournal& journal) {
  const int c = ++checkpoints_seen_;
  if (finished(m)) return;                                      // replayed whole
  if (m == resumed_method_ && c < resumed_checkpoint_) return;  // replayed
  if (m == resumed_method_ && c == resumed_checkpoint_) {
    if (journal.data().calls() != manifest_.mark.calls) {
      throw CheckpointError(
          dir_ + ": checkpoint " + std::to_string(c) + " was taken after " +
          std::to_string(manifest_.mark.calls) + " data-plane calls, this run reached it after " +
          std::to_string(journal.data().calls()) + " (another scenario, seed or build made it)");
    }
    try {
      journal.data().LoadState(StateDir(m, c));
    } catch (const std::exception& e) {
      throw CheckpointError(std::string("cannot load the checkpoint: ") + e.what());
    }
    return;
  }
  // A new checkpoint: the state first, then the journal, then the manifest that names both.
  const std::string state = StateDir(m, c);
  std::error_code ec;
  fs::remove_all(state, ec);  // a save that a kill interrupted
  fs::create_directories(state, ec);
  if (ec) throw CheckpointError("cannot create " + state + ": " + ec.message());
  try {
    journal.data().SaveState(state);
  } catch (const std::exception& e) {
    throw CheckpointError(std::string("cannot save a checkpoint: ") + e.what());
  }
  manifest_.mark = journal.Flush();
  manifest_.checkpoint = c;
  Commit();
  if (c > 1) fs::remove_all(StateDir(m, c - 1), ec);
}

void CheckpointStore::EndMethod(int m, MethodJournal& journal) {
  if (finished(m)) {
    const JournalMark& whole = manifest_.finished[static_cast<std::size_t>(m)];
    if (journal.data().calls() != whole.calls) {
      throw CheckpointError(JournalPath(dir_, m) + ": the journal holds " +
                            std::to_string(whole.calls) + " calls, this run made " +
                            std::to_string(journal.data().calls()) +
                            " (another scenario, seed or build made it)");
    }
    return;
  }
  manifest_.finished.push_back(journal.Flush());
  manifest_.method = m + 1;
  const int last = manifest_.checkpoint;
  manifest_.checkpoint = 0;
  manifest_.mark = JournalMark{};
  Commit();
  std::error_code ec;
  if (last > 0) fs::remove_all(StateDir(m, last), ec);
}

}  // namespace locosim
