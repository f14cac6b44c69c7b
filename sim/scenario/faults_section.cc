#include "sim/scenario/faults_section.h"

#include "sim/config/field_readers.h"

namespace locosim {

FaultSpec ReadFaultsSection(const JsonReader& r, int replicas) {
  r.ExpectOnlyKeys({"scheduled", "random", "all_reduce"});
  FaultSpec f;
  if (auto list = r.OptionalField("scheduled")) {
    for (std::size_t i = 0; i < list->ArraySize(); ++i) {
      const JsonReader e = list->Element(i);
      e.ExpectOnlyKeys({"replica", "at", "down_for"});
      ScheduledFault fault;
      fault.replica = IntIn(e.Field("replica"), 0, replicas - 1,
                            "a replica index in [0, replicas = " + std::to_string(replicas) + ")");
      fault.at = e.Field("at").Duration();
      fault.down_for = e.Field("down_for").Duration();
      if (fault.down_for <= SimTime()) e.Field("down_for").Fail("a positive duration");
      f.scheduled.push_back(fault);
    }
  }
  if (auto random = r.OptionalField("random")) {
    random->ExpectOnlyKeys({"mean_time_between_failures", "down_for"});
    const JsonReader mtbf = random->Field("mean_time_between_failures");
    f.mean_time_between_failures = mtbf.Duration();
    if (*f.mean_time_between_failures <= SimTime()) mtbf.Fail("a positive duration");
    Optional(*random, "down_for", f.random_down_for, [](const JsonReader& v) {
      const SimTime d = v.Duration();
      if (d <= SimTime()) v.Fail("a positive duration");
      return d;
    });
  }
  Optional(r, "all_reduce", f.all_reduce, [](const JsonReader& v) {
    return Choice(v, {"quorum", "wait"});
  });
  return f;
}

}  // namespace locosim
