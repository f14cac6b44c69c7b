// Checkpoints, so that a run killed part-way (kill -9, a lost machine) can be resumed and give
// the results an uninterrupted run would have, bit for bit outside summary.json's "host".
//
// What is saved is only what cannot be recomputed cheaply: the data plane's state (weights,
// optimizer state, data streams) every K rounds, and a journal of every answer the data plane
// gave (sim/engine/journaled_data_plane.h). The control plane (the clock, the network, the
// methods) is not saved: it is deterministic, so a resumed run re-simulates it from t = 0,
// answering data-plane calls from the journal up to the checkpoint, then loads the state and
// goes on. Methods finished before the kill are re-simulated the same way from their whole
// journals. This is why measured step times (wall-clock, not reproducible) cannot checkpoint.
//
// A store is a folder:
//   checkpoint.json   the manifest, replaced atomically: the commit point of each checkpoint
//   journal-M.txt     method M's journal (only its first journal_bytes count for the method
//                     in progress; the rest was written after its last checkpoint)
//   state-M-C/        method M's data-plane state at its checkpoint C (C counts from 1)
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/engine/journaled_data_plane.h"

namespace locosim {

// Where one method's journal stood at a checkpoint (or at its end).
struct JournalMark {
  std::int64_t calls = 0;
  std::int64_t bytes = 0;
};

struct CheckpointManifest {
  static constexpr int kFormat = 1;
  nlohmann::ordered_json request;     // what the caller needs to rerun (the CLI's own)
  std::vector<JournalMark> finished;  // per method before `method`, its whole journal
  int method = 0;                     // the method in progress
  int checkpoint = 0;                 // its last checkpoint; 0 = none yet (start it afresh)
  JournalMark mark;                   // its journal at that checkpoint
};

// One method's journaled data plane, while the method runs.
class MethodJournal {
 public:
  // Replays `replay` of the journal at `journal_path` (what follows it is cut off), then goes
  // on live if `then_live`.
  MethodJournal(const std::string& journal_path, const JournalMark& replay, bool then_live,
                DataPlane& live);
  JournaledDataPlane& data() { return *data_; }
  // The journal so far, flushed to the file.
  JournalMark Flush();

 private:
  std::string path_;
  std::ifstream replay_;
  std::ofstream journal_;
  std::unique_ptr<JournaledDataPlane> data_;
};

class CheckpointStore {
 public:
  // A new store in `dir` (created, must not exist) for a run that has not started.
  static CheckpointStore Create(const std::string& dir, nlohmann::ordered_json request);
  // The store a killed run left in `dir`; throws CheckpointError if there is none or it cannot
  // be read.
  static CheckpointStore Open(const std::string& dir);

  const std::string& dir() const { return dir_; }
  const CheckpointManifest& manifest() const { return manifest_; }
  // Whether method `m` is to be replayed whole (it finished before the run was killed).
  bool finished(int m) const { return m < manifest_.method; }

  // For the engine (sim/engine/scenario_runner.cc), method by method in order: the journaled
  // data plane around `live` (a fresh data plane), set to replay what this store holds of
  // method `m`.
  std::unique_ptr<MethodJournal> BeginMethod(int m, DataPlane& live);
  // Called every K rounds of method `m`: saves a checkpoint, or, at the checkpoint this
  // store was resumed from, loads it into the live data plane. Checkpoints before that one
  // were replayed, and are passed over.
  void AtCheckpoint(int m, MethodJournal& journal);
  // Method `m` has run to its end: its journal is whole, and the next method starts afresh.
  void EndMethod(int m, MethodJournal& journal);

 private:
  CheckpointStore(std::string dir, CheckpointManifest manifest);
  void Commit();  // writes the manifest atomically
  std::string StateDir(int m, int c) const;

  std::string dir_;
  CheckpointManifest manifest_;
  int resumed_method_ = -1;  // the method and checkpoint this store was opened at
  int resumed_checkpoint_ = 0;
  int checkpoints_seen_ = 0;  // of the method in progress, at this run's AtCheckpoint calls
};

}  // namespace locosim
