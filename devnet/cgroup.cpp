#include "devnet/cgroup.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace petrade::devnet {

namespace {

const std::string root = "/sys/fs/cgroup";

bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

bool write_file(const std::string& path, const std::string& value) {
  std::ofstream f(path);
  if (!f)
    return false;
  f << value;
  f.flush();
  return static_cast<bool>(f);
}


std::optional<std::uint64_t> read_number(const std::string& path) {
  auto s = read_kernel_file(path);
  if (!s)
    return std::nullopt;
  try {
    return std::stoull(*s);
  } catch (...) {
    return std::nullopt;
  }
}

// This process's path in the hierarchy that carries `controller` (v1), or in
// the unified hierarchy when controller is empty (v2), from /proc/self/cgroup.
std::string own_path(const std::string& controller) {
  std::ifstream f("/proc/self/cgroup");
  std::string line;
  while (std::getline(f, line)) {
    auto a = line.find(':');
    auto b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos)
      continue;
    auto list = line.substr(a + 1, b - a - 1);
    auto path = line.substr(b + 1);
    if (controller.empty() ? list.empty() : ("," + list + ",").find("," + controller + ",") != std::string::npos)
      return path == "/" ? "" : path;
  }
  return "";
}

bool make_dir(const std::string& p) {
  return ::mkdir(p.c_str(), 0755) == 0 || errno == EEXIST;
}

} // namespace

std::optional<std::string> read_kernel_file(const std::string& path) {
  if (path.empty())
    return std::nullopt;
  std::ifstream f(path);
  if (!f)
    return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

cgroup_version node_cgroup::detect() {
  if (exists(root + "/cgroup.controllers"))
    return cgroup_version::v2;
  if (exists(root + "/cpu/cgroup.procs") && exists(root + "/cpuacct/cgroup.procs"))
    return cgroup_version::v1;
  return cgroup_version::none;
}

std::unique_ptr<node_cgroup> node_cgroup::create(const std::string& name, double cpus,
                                                 std::string* why) {
  auto fail = [&](const std::string& reason) -> std::unique_ptr<node_cgroup> {
    if (why)
      *why = reason;
    return nullptr;
  };
  std::unique_ptr<node_cgroup> g(new node_cgroup);
  g->cpus_ = cpus;
  g->version_ = detect();
  switch (g->version_) {
    case cgroup_version::none:
      return fail("no cgroup hierarchy mounted at " + root);
    case cgroup_version::v1: {
      g->cpu_dir_ = root + "/cpu" + own_path("cpu") + "/" + name;
      g->cpuacct_dir_ = root + "/cpuacct" + own_path("cpuacct") + "/" + name;
      g->memory_dir_ = root + "/memory" + own_path("memory") + "/" + name;
      if (!make_dir(g->cpu_dir_) || !make_dir(g->cpuacct_dir_))
        return fail("cannot create " + g->cpu_dir_ + ": " + std::strerror(errno));
      if (exists(root + "/memory/cgroup.procs") && !make_dir(g->memory_dir_))
        g->memory_dir_.clear();
      if (!exists(root + "/memory/cgroup.procs"))
        g->memory_dir_.clear();
      // A node joins right after it starts: its pages must follow it, or its
      // memory stays charged to the launcher's group and reads as 0 here.
      if (!g->memory_dir_.empty())
        write_file(g->memory_dir_ + "/memory.move_charge_at_immigrate", "3");
      if (cpus > 0 && !write_file(g->cpu_dir_ + "/cpu.cfs_quota_us",
                                  std::to_string(static_cast<long>(cpus * 100000))))
        return fail("cannot set the CPU quota in " + g->cpu_dir_);
      if (cpus <= 0)
        write_file(g->cpu_dir_ + "/cpu.cfs_quota_us", "-1");
      break;
    }
    case cgroup_version::v2: {
      auto parent = root + own_path("");
      g->cpu_dir_ = parent + "/" + name;
      // A v2 parent must delegate the controllers to its children first.
      write_file(parent + "/cgroup.subtree_control", "+cpu +memory");
      if (!make_dir(g->cpu_dir_))
        return fail("cannot create " + g->cpu_dir_ + ": " + std::strerror(errno));
      if (cpus > 0 && !write_file(g->cpu_dir_ + "/cpu.max",
                                  std::to_string(static_cast<long>(cpus * 100000)) + " 100000"))
        return fail("cannot set cpu.max in " + g->cpu_dir_
                    + " (cpu controller not delegated)");
      break;
    }
  }
  return g;
}

node_cgroup::~node_cgroup() {
  for (auto* d : {&cpu_dir_, &cpuacct_dir_, &memory_dir_})
    if (!d->empty())
      ::rmdir(d->c_str());
}

void node_cgroup::add(pid_t pid) const {
  auto id = std::to_string(pid);
  std::vector<std::string> dirs{cpu_dir_};
  if (!cpuacct_dir_.empty() && cpuacct_dir_ != cpu_dir_)
    dirs.push_back(cpuacct_dir_);
  if (!memory_dir_.empty())
    dirs.push_back(memory_dir_);
  for (auto& d : dirs)
    if (!write_file(d + "/cgroup.procs", id))
      throw std::runtime_error("cannot move pid " + id + " into " + d);
}

std::optional<std::uint64_t> node_cgroup::cpu_usage_ns() const {
  if (version_ == cgroup_version::v1)
    return read_number(cpuacct_dir_ + "/cpuacct.usage");
  auto stat = read_kernel_file(cpu_dir_ + "/cpu.stat");
  if (!stat)
    return std::nullopt;
  std::istringstream in(*stat);
  std::string key;
  std::uint64_t value = 0;
  while (in >> key >> value)
    if (key == "usage_usec")
      return value * 1000;
  return std::nullopt;
}

std::optional<std::uint64_t> node_cgroup::memory_bytes() const {
  if (version_ == cgroup_version::v1)
    return memory_dir_.empty() ? std::nullopt
                               : read_number(memory_dir_ + "/memory.usage_in_bytes");
  return read_number(cpu_dir_ + "/memory.current");
}

std::optional<std::uint64_t> node_cgroup::memory_limit() const {
  auto limit = version_ == cgroup_version::v1
                 ? (memory_dir_.empty() ? std::nullopt
                                        : read_number(memory_dir_ + "/memory.limit_in_bytes"))
                 : read_number(cpu_dir_ + "/memory.max");   // "max" parses as none
  auto machine = static_cast<std::uint64_t>(::sysconf(_SC_PHYS_PAGES))
                 * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  if (limit && *limit < machine)
    return limit;
  return std::nullopt;
}

} // namespace petrade::devnet
