#include "sim/methods/all_reduce_method.h"

#include "sim/config/field_readers.h"

namespace locosim {

std::string ReadAllReduceAlgorithm(const JsonReader& method) {
  std::string algorithm = "ring";
  Optional(method, "algorithm", algorithm,
           [](const JsonReader& v) { return Choice(v, AllReduceAlgorithms()); });
  return algorithm;
}

}  // namespace locosim
