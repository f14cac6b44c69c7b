// Runs one body per replica on a few threads, so that replicas train in parallel while every
// torch operation stays on one thread (and so gives the same bits on any machine). Private to
// replicas/.
#pragma once

#include <cstddef>
#include <functional>

namespace locosim::trainers {

// Calls body(i) for every i in [0, count), on `workers` threads (the calling one included),
// each i exactly once. Every thread runs torch single-threaded. If bodies throw, the one with
// the lowest i is rethrown after all have finished.
void ForEachInParallel(std::size_t count, std::size_t workers,
                       const std::function<void(std::size_t)>& body);

}  // namespace locosim::trainers
