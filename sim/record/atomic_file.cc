#include "sim/record/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace locosim {

std::optional<std::string> WriteFileAtomically(const std::string& path,
                                               const std::string& content) {
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return "cannot write " + temp + ": " + std::strerror(errno);
    out << content;
    out.flush();
    if (!out) {
      std::remove(temp.c_str());
      return "cannot write " + temp + ": " + std::strerror(errno);
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::remove(temp.c_str());
    return "cannot rename " + temp + " to " + path + ": " + ec.message();
  }
  return std::nullopt;
}

}  // namespace locosim
