#include "actors/probes/proc_probe.hpp"

#include "devnet/cgroup.hpp"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace petrade::probes {

namespace {


// The n-th (0-based) space-separated field of `text`.
std::optional<std::uint64_t> field(std::string_view text, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t k = 0;; ++k) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n'))
      ++i;
    if (i >= text.size())
      return std::nullopt;
    auto end = text.find_first_of(" \n", i);
    if (end == std::string_view::npos)
      end = text.size();
    if (k == n) {
      std::uint64_t v = 0;
      auto [p, ec] = std::from_chars(text.data() + i, text.data() + end, v);
      if (ec != std::errc{} || p != text.data() + end)
        return std::nullopt;
      return v;
    }
    i = end;
  }
}

class proc_probe final : public probe {
public:
  explicit proc_probe(const probe_config& cfg)
    : pid_(cfg.pid), pid_source_(cfg.pid_source), cpu_cores_(cfg.cpu_cores > 0 ? cfg.cpu_cores : 1),
      mem_limit_(cfg.mem_limit_bytes > 0 ? cfg.mem_limit_bytes : machine_memory_bytes()) {}

  void sample(callback done) override {
    probe_sample s;
    auto pid = pid_source_ ? pid_source_() : pid_;
    if (pid != last_pid_) {   // a new process: its counters start over
      meter_.reset();
      last_pid_ = pid;
    }
    if (pid <= 0) {
      s.error = "no process to probe";
    } else if (auto r = read_proc(pid, &s.error)) {
      s.ok = true;
      s.cpu_cores = meter_.update(r->cpu_seconds);
      s.mem_bytes = r->rss_bytes;
      normalise_sample(s, cpu_cores_, mem_limit_);
    }
    done(std::move(s));
  }

  probe_kind kind() const override { return probe_kind::proc; }

private:
  int pid_;
  std::function<int()> pid_source_;
  double cpu_cores_;
  double mem_limit_;
  int last_pid_ = -1;
  cpu_meter meter_;
};

} // namespace

std::optional<std::uint64_t> parse_proc_stat_ticks(std::string_view stat) {
  auto close = stat.rfind(')');
  if (close == std::string_view::npos)
    return std::nullopt;
  // After "pid (comm)": field 3 (state) is index 0, utime (14) index 11,
  // stime (15) index 12.
  auto rest = stat.substr(close + 1);
  auto utime = field(rest, 11);
  auto stime = field(rest, 12);
  if (!utime || !stime) {
    return std::nullopt;
  }
  return *utime + *stime;
}

std::optional<std::uint64_t> parse_proc_statm_resident(std::string_view statm) {
  return field(statm, 1);
}

std::optional<proc_reading> read_proc(int pid, std::string* why) {
  auto base = "/proc/" + std::to_string(pid);
  auto stat = devnet::read_kernel_file(base + "/stat");
  auto statm = devnet::read_kernel_file(base + "/statm");
  if (!stat || !statm) {
    if (why)
      *why = "process " + std::to_string(pid) + " is gone";
    return std::nullopt;
  }
  auto ticks = parse_proc_stat_ticks(*stat);
  auto pages = parse_proc_statm_resident(*statm);
  if (!ticks || !pages) {
    if (why)
      *why = "cannot parse " + base + "/stat or statm";
    return std::nullopt;
  }
  static const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  static const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  return proc_reading{static_cast<double>(*ticks) / hz, static_cast<double>(*pages) * page};
}

std::unique_ptr<probe> make_proc_probe(const probe_config& cfg) {
  return std::make_unique<proc_probe>(cfg);
}

} // namespace petrade::probes
