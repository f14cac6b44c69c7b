// What build this is, for the host section of results. Set by tools/CMakeLists.txt at
// configure time.
#pragma once

namespace locosim::cli {

inline constexpr const char* kLocosimVersion = LOCOSIM_VERSION;
inline constexpr const char* kGitRevision = LOCOSIM_GIT_REVISION;

}  // namespace locosim::cli
