// Everything one method's run produced, in virtual time. Wall-clock figures are kept apart,
// in the host section of the results (sim/record/).
#pragma once

#include <string>
#include <vector>

#include "sim/core/units.h"
#include "sim/dataplane/data_plane.h"
#include "sim/record/spill_log.h"

namespace locosim {

struct Span {
  enum class Kind { kCompute, kCommunicate, kIdle, kDown };
  Kind kind;
  int replica;
  int round;
  SimTime start;
  SimTime end;
};

// One replica's passage through one sync point.
struct SyncEvent {
  int replica;
  int round;
  SimTime arrived;  // reached the sync point
  SimTime started;  // its group's collective began (all members had arrived)
  SimTime done;     // its part of the collective finished; it resumes computing
};

struct EvalPoint {
  int round;     // rounds completed by every replica (0 = before training)
  int step;      // inner steps per replica
  SimTime time;  // when the last replica completed that round
  EvalMetrics metrics;
};

struct TrainLoss {
  int replica;
  int round;  // 1-based: the round whose inner phase (or DDP step) produced it
  int step;
  SimTime time;
  double loss;
};

struct ReplicaTotals {
  SimTime compute, communicate, idle;
  SimTime down;          // failed, until it computes again (the model's transfer included)
  SimTime end;           // compute + communicate + idle + down
  SimTime lost_compute;  // of `compute`: phases a failure cut short
};

// One failure of one replica.
struct FaultEvent {
  int replica;
  SimTime failed;  // when it went down (a failure at a sync point waits for its end)
  SimTime back;    // when it computed again; 0 if it never did
  SimTime lost_compute;
  bool ended;  // no live peer was left to rejoin from: it stopped there
};

struct MethodRun {
  std::string name;
  std::string kind;
  int inner_steps = 0;  // H
  int rounds = 0;
  Bytes payload;            // per model-sized message, uncompressed
  Bytes wire_payload;       // the same as the method encodes it (sim/methods/compression_field.h)
  Bytes sync_message;       // the largest one sync sends per replica (Method::sync_message_bytes)
  std::string compression;  // the encoding, as resolved JSON text ("\"none\"" or an object)
  std::vector<ReplicaTotals> replicas;
  std::vector<FaultEvent> faults;  // in the order they happened
  // These grow with the number of rounds; their older records live on disk.
  SpillLog<SyncEvent> syncs;
  SpillLog<Span> spans;
  std::vector<EvalPoint> evals;
  SpillLog<TrainLoss> train_losses;   // filled in as phases finish: the runner spills it
  double bytes_sent = 0;              // by all replicas, payload bytes
  std::vector<double> channel_bytes;  // per channel
  double wall_seconds = 0;            // host time of the run (kept out of simulated results)
};

}  // namespace locosim
