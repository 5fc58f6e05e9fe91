// One platform under test: `petrade up` in a process of its own on a config
// the bench writes (nodes, quotas, strategy, ports), started, waited for and
// stopped; plus what the kernel says about a process (CPU time, memory).
#pragma once

#include "devnet/process.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace petrade::bench {

struct platform_spec {
  int nodes = 3;
  std::string strategy = "state_feedback";
  double cpu_quota = 0.1;               // cores per node
  std::vector<double> cpu_quotas;       // per-node overrides (a slowed node)
  std::vector<std::string> external;    // JSON-RPC URLs instead of a devnet
  std::string submit_url;               // where external nodes' raw transactions go, if set
  std::string platform_key;             // hex; external nodes need the platform role's funded key
  bool keep_dir = false;                // a restart: keep the journal, keystores and sessions
  std::string log_name = "platform.log";
  unsigned short base_port = 18545;
  unsigned short http_port = 18080;
  unsigned short control_port = 17545;
  std::string dir;                      // config, journal, logs
  bool business = true;
  std::string elastic;                  // the config's "elastic" section (JSON), or empty
};

struct process_usage {
  int ppid = 0;
  double cpu_seconds = 0;     // user + system
  std::uint64_t rss = 0;      // bytes now
  std::uint64_t peak_rss = 0; // bytes, the process's high-water mark
};

/// Reads /proc/<pid>/stat and status; nothing when the process is gone.
std::optional<process_usage> usage_of(int pid);

class platform_run {
public:
  /// Writes the config, starts `petrade up` from `exe` and waits until the
  /// gateway answers /api/health; throws with the log's tail when it fails.
  platform_run(const std::string& exe, const platform_spec& spec);
  ~platform_run();
  platform_run(const platform_run&) = delete;
  platform_run& operator=(const platform_run&) = delete;

  int pid() const { return process_.pid(); }
  unsigned short http_port() const { return spec_.http_port; }
  std::vector<unsigned short> node_ports() const;
  const std::string& admin_password() const { return admin_password_; }
  const platform_spec& spec() const { return spec_; }
  void stop();
  /// SIGKILL, as a power cut would: no shutdown, nothing flushed by the
  /// platform itself. Returns once its ports are free again.
  void crash();

private:
  platform_spec spec_;
  devnet::child_process process_;
  std::string admin_password_;
};

/// The config file `petrade up` reads for `spec` (JSON text).
std::string platform_config_text(const platform_spec& spec);

} // namespace petrade::bench
