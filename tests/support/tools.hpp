// Test helpers: the pinned foundry tools as reference implementations, and a
// throw-away anvil node per test.
#pragma once

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

/// anvil's default dev account 0 (mnemonic "test test ... junk").
inline constexpr const char* dev_key0 =
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
inline constexpr const char* dev_addr0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/// anvil's dev accounts 0..3 (same mnemonic), for tests that need senders.
inline constexpr const char* dev_keys[] = {
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
};

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
