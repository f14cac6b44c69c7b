// What build this is, for the host section of results. The version is set by
// tools/CMakeLists.txt; the revision (commit, "-dirty" when tracked files differ) is written
// at every build by tools/cmake/write_git_revision.cmake.
#pragma once

namespace locosim::cli {

inline constexpr const char* kLocosimVersion = LOCOSIM_VERSION;
extern const char* const kGitRevision;

}  // namespace locosim::cli
