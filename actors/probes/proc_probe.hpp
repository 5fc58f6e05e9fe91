// The proc probe: CPU and memory of one process from /proc/<pid>/stat and
// /proc/<pid>/statm (Linux).
#pragma once

#include "actors/probe.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace petrade::probes {

/// utime + stime in clock ticks from the text of /proc/<pid>/stat. The
/// command name (field 2) may hold spaces and parentheses, so fields are
/// counted from the last ')'. nullopt for malformed text.
std::optional<std::uint64_t> parse_proc_stat_ticks(std::string_view stat);
/// Resident pages (field 2) from the text of /proc/<pid>/statm.
std::optional<std::uint64_t> parse_proc_statm_resident(std::string_view statm);

struct proc_reading {
  double cpu_seconds = 0;   // cumulative user + system time
  double rss_bytes = 0;
};

/// Reads both files of `pid`; nullopt (and `why`) when the process is gone.
std::optional<proc_reading> read_proc(int pid, std::string* why = nullptr);

std::unique_ptr<probe> make_proc_probe(const probe_config& cfg);

} // namespace petrade::probes
