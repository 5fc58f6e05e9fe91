#include "actors/probes/cgroup_probe.hpp"

#include "devnet/cgroup.hpp"


#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace petrade::probes {

namespace {

bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}


// A file holding one number ("max" and the like give nullopt).
std::optional<double> number(const std::string& path) {
  auto s = devnet::read_kernel_file(path);
  if (!s)
    return std::nullopt;
  std::istringstream in(*s);
  double v = 0;
  if (!(in >> v))
    return std::nullopt;
  return v;
}

// The memory cgroup of this process, relative to the memory controller's root.
std::string own_memory_path() {
  std::ifstream f("/proc/self/cgroup");
  std::string line;
  while (std::getline(f, line)) {
    auto a = line.find(':');
    auto b = line.find(':', a == std::string::npos ? a : a + 1);
    if (a == std::string::npos || b == std::string::npos)
      continue;
    auto list = "," + line.substr(a + 1, b - a - 1) + ",";
    if (list.find(",memory,") != std::string::npos) {
      auto p = line.substr(b + 1);
      return p == "/" ? "" : p;
    }
  }
  return "";
}

// On v1, `dir` = <root>/<controller>/<rel>: the same group under `other`.
std::string sibling(const std::string& dir, const std::string& other) {
  auto slash = dir.find_last_of('/');
  auto name = dir.substr(slash + 1);
  for (auto controller : {"/cpu,cpuacct/", "/cpuacct,cpu/", "/cpu/"}) {
    auto at = dir.find(controller);
    if (at == std::string::npos)
      continue;
    auto candidate = dir.substr(0, at) + "/" + other + "/" + dir.substr(at + std::string(controller).size());
    if (exists(candidate))
      return candidate;
    if (other == "memory") {   // devnet groups sit below this process's memory group
      auto mine = dir.substr(0, at) + "/memory" + own_memory_path() + "/" + name;
      if (exists(mine))
        return mine;
    }
    break;
  }
  return "";
}

class cgroup_probe final : public probe {
public:
  cgroup_probe(const probe_config& cfg, std::optional<cgroup_files> files)
    : group_(cfg.cgroup), files_(std::move(files)), cpu_cores_(cfg.cpu_cores),
      mem_limit_(cfg.mem_limit_bytes) {}

  void sample(callback done) override {
    cgroup_reading r;
    if (group_) {
      if (auto ns = group_->cpu_usage_ns())
        r.cpu_seconds = static_cast<double>(*ns) / 1e9;
      if (auto m = group_->memory_bytes())
        r.mem_bytes = static_cast<double>(*m);
      if (auto l = group_->memory_limit())
        r.mem_limit = static_cast<double>(*l);
      if (group_->cpus() > 0)
        r.quota_cores = group_->cpus();
    } else {
      r = read_cgroup(*files_);
    }
    probe_sample s;
    if (!r.cpu_seconds) {
      s.error = "cannot read the cgroup's CPU counter";
      done(std::move(s));
      return;
    }
    s.ok = true;
    s.cpu_cores = meter_.update(*r.cpu_seconds);
    s.mem_bytes = r.mem_bytes.value_or(0);
    auto cores = cpu_cores_ > 0 ? cpu_cores_ : r.quota_cores.value_or(1.0);
    auto limit = mem_limit_ > 0 ? mem_limit_ : r.mem_limit.value_or(machine_memory_bytes());
    normalise_sample(s, cores, limit);
    done(std::move(s));
  }

  probe_kind kind() const override { return probe_kind::cgroup; }

private:
  const devnet::node_cgroup* group_;
  std::optional<cgroup_files> files_;
  double cpu_cores_;
  double mem_limit_;
  cpu_meter meter_;
};

} // namespace

std::optional<cgroup_files> locate_cgroup(const std::string& dir) {
  cgroup_files f;
  if (exists(dir + "/cpu.stat") && (exists(dir + "/cgroup.controllers") || exists(dir + "/memory.current"))) {
    f.version = 2;
    f.cpu_usage = dir + "/cpu.stat";
    f.mem_usage = dir + "/memory.current";
    f.mem_limit = dir + "/memory.max";
    f.cpu_quota = dir + "/cpu.max";
    return f;
  }
  f.version = 1;
  auto acct = exists(dir + "/cpuacct.usage") ? dir : sibling(dir, "cpuacct");
  if (acct.empty() || !exists(acct + "/cpuacct.usage"))
    return std::nullopt;
  f.cpu_usage = acct + "/cpuacct.usage";
  auto mem = exists(dir + "/memory.usage_in_bytes") ? dir : sibling(dir, "memory");
  if (!mem.empty()) {
    f.mem_usage = mem + "/memory.usage_in_bytes";
    f.mem_limit = mem + "/memory.limit_in_bytes";
  }
  if (exists(dir + "/cpu.cfs_quota_us")) {
    f.cpu_quota = dir + "/cpu.cfs_quota_us";
    f.cpu_period = dir + "/cpu.cfs_period_us";
  }
  return f;
}

cgroup_reading read_cgroup(const cgroup_files& files) {
  cgroup_reading r;
  r.mem_bytes = number(files.mem_usage);
  if (files.version == 2) {
    if (auto stat = devnet::read_kernel_file(files.cpu_usage)) {
      std::istringstream in(*stat);
      std::string key;
      double value = 0;
      while (in >> key >> value)
        if (key == "usage_usec") {
          r.cpu_seconds = value / 1e6;
          break;
        }
    }
    if (auto max = devnet::read_kernel_file(files.cpu_quota)) {   // "max 100000" or "50000 100000"
      std::istringstream in(*max);
      std::string quota;
      double period = 0;
      if (in >> quota >> period && quota != "max" && period > 0) {
        char* end = nullptr;
        auto q = std::strtod(quota.c_str(), &end);
        if (end && *end == '\0' && q > 0)
          r.quota_cores = q / period;
      }
    }
  } else {
    if (auto ns = number(files.cpu_usage))
      r.cpu_seconds = *ns / 1e9;
    auto quota = number(files.cpu_quota);
    auto period = number(files.cpu_period);
    if (quota && period && *quota > 0 && *period > 0)
      r.quota_cores = *quota / *period;
  }
  auto limit = number(files.mem_limit);   // v2 "max" reads as none
  if (limit && *limit > 0 && *limit < machine_memory_bytes())
    r.mem_limit = limit;
  return r;
}

std::unique_ptr<probe> make_cgroup_probe(const probe_config& cfg) {
  if (cfg.cgroup)
    return std::make_unique<cgroup_probe>(cfg, std::nullopt);
  auto files = locate_cgroup(cfg.cgroup_dir);
  if (!files)
    return nullptr;
  return std::make_unique<cgroup_probe>(cfg, std::move(files));
}

} // namespace petrade::probes
