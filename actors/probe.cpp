#include "actors/probe.hpp"

#include "actors/probes/cgroup_probe.hpp"
#include "actors/probes/geth_metrics.hpp"
#include "actors/probes/proc_probe.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace petrade {

namespace {

// Nothing to measure: cpu and mem stay 0 (the other dimensions still work).
class null_probe final : public probe {
public:
  void sample(callback done) override {
    probe_sample s;
    s.ok = true;
    done(std::move(s));
  }
  probe_kind kind() const override { return probe_kind::none; }
};

} // namespace

const char* to_string(probe_kind k) {
  switch (k) {
    case probe_kind::none:
      return "none";
    case probe_kind::cgroup:
      return "cgroup";
    case probe_kind::proc:
      return "proc";
    case probe_kind::geth_metrics:
      return "geth_metrics";
  }
  return "?";
}

probe_kind parse_probe_kind(const std::string& text) {
  for (auto k : {probe_kind::none, probe_kind::cgroup, probe_kind::proc, probe_kind::geth_metrics})
    if (text == to_string(k))
      return k;
  throw std::invalid_argument("unknown probe kind \"" + text
                              + "\" (expected none, cgroup, proc or geth_metrics)");
}

std::unique_ptr<probe> make_probe(const probe_config& cfg, jsonrpc::io_runner* io) {
  switch (cfg.kind) {
    case probe_kind::none:
      return std::make_unique<null_probe>();
    case probe_kind::proc:
      return probes::make_proc_probe(cfg);
    case probe_kind::cgroup:
      if (!cfg.cgroup && cfg.cgroup_dir.empty())
        throw std::invalid_argument("a cgroup probe needs a node_cgroup or a cgroup folder");
      return probes::make_cgroup_probe(cfg);
    case probe_kind::geth_metrics:
      if (!io)
        throw std::invalid_argument("a geth_metrics probe needs an io_runner");
      return probes::make_geth_metrics_probe(cfg, *io);
  }
  throw std::invalid_argument("bad probe kind");
}

double cpu_meter::update(double cpu_seconds, clock::time_point now) {
  double cores = 0;
  if (has_last_ && cpu_seconds >= last_seconds_ && now > last_at_) {
    auto wall = std::chrono::duration<double>(now - last_at_).count();
    cores = (cpu_seconds - last_seconds_) / wall;
  }
  has_last_ = true;
  last_seconds_ = cpu_seconds;
  last_at_ = now;
  return cores;
}

double normalise(double value, double limit) {
  if (!(limit > 0) || !std::isfinite(value))
    return 0;
  return std::clamp(value / limit, 0.0, 1.0);
}

double machine_memory_bytes() {
  static const double bytes = static_cast<double>(::sysconf(_SC_PHYS_PAGES))
                              * static_cast<double>(::sysconf(_SC_PAGESIZE));
  return bytes;
}

void normalise_sample(probe_sample& s, double cpu_cores, double mem_limit_bytes) {
  s.cpu = normalise(s.cpu_cores, cpu_cores);
  s.mem = normalise(s.mem_bytes, mem_limit_bytes);
}

} // namespace petrade
