// Test helpers: the pinned foundry tools as reference implementations, and a
// throw-away anvil node per test.
#pragma once

#include "devnet/dev_accounts.hpp"

#include "devnet/process.hpp"

#include <string>
#include <vector>

namespace petrade::test {

/// Absolute path of an npm-installed tool (anvil, cast, solcjs).
std::string tool_path(const std::string& name);
/// Path under the build tree (contracts artifacts, the petrade binary).
std::string build_path(const std::string& rel);
/// Path under the source tree (config examples).
std::string source_path(const std::string& rel);

/// Runs `cast args...` and returns its stdout without the trailing newline.
std::string cast(const std::vector<std::string>& args);

/// anvil's dev accounts (devnet/dev_accounts.hpp), for tests that need senders.
using devnet::dev_keys;
using devnet::dev_addr0;
inline constexpr const char* dev_key0 = devnet::dev_keys[0];

/// The first of `count` consecutive loopback ports that are free now.
unsigned short free_port_range(int count);

/// A fresh directory under /tmp, removed by the caller when it wishes.
std::string temp_dir(const std::string& tag);

/// A fresh directory under /tmp, removed with everything in it at scope exit.
class scratch_dir {
public:
  explicit scratch_dir(const std::string& tag = "test") : path_(temp_dir(tag)) {}
  ~scratch_dir();
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

private:
  std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
/// The paths of the entries of `dir`, sorted; empty when it does not exist.
std::vector<std::string> files_in(const std::string& dir);

/// A child that waits a moment (time to move it into a cgroup), then holds
/// a few MB of fresh memory and spins on one core until stopped.
devnet::child_process busy_child();

/// A fresh anvil on a free loopback port, stopped when this goes away.
class anvil_node {
public:
  explicit anvil_node(std::vector<std::string> extra_args = {});
  unsigned short port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  devnet::child_process& process() { return proc_; }

private:
  unsigned short port_;
  devnet::child_process proc_;
};

} // namespace petrade::test
