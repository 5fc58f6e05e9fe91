#include "tests/support/tools.hpp"

#include "petrade/paths.hpp"


#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <random>
#include <stdexcept>

namespace petrade::test {

std::string tool_path(const std::string& name) {
  return std::string(paths::tools_bin) + "/" + name;
}

std::string build_path(const std::string& rel) {
  return std::string(paths::build_dir) + "/" + rel;
}

std::string source_path(const std::string& rel) {
  return std::string(paths::source_dir) + "/" + rel;
}

std::string cast(const std::vector<std::string>& args) {
  std::vector<std::string> argv{tool_path("cast")};
  argv.insert(argv.end(), args.begin(), args.end());
  auto out = devnet::run_capture(argv);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

unsigned short free_port_range(int count) {
  std::random_device rd;
  std::uniform_int_distribution<int> pick(20000, 40000);
  for (int attempt = 0; attempt < 200; ++attempt) {
    auto base = static_cast<unsigned short>(pick(rd));
    bool ok = true;
    for (int i = 0; i < count && ok; ++i)
      ok = devnet::port_free(static_cast<unsigned short>(base + i));
    if (ok)
      return base;
  }
  throw std::runtime_error("no free port range");
}

std::string temp_dir(const std::string& tag) {
  std::string templ = "/tmp/petrade-" + tag + "-XXXXXX";
  if (!::mkdtemp(templ.data()))
    throw std::runtime_error("mkdtemp failed");
  return templ;
}

scratch_dir::~scratch_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  if (std::filesystem::exists(dir))
    for (auto& e : std::filesystem::directory_iterator(dir))
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

devnet::child_process busy_child() {
  return devnet::child_process::spawn(
    {"/bin/sh", "-c", "sleep 0.3; x=$(head -c 4000000 /dev/zero | tr '\\000' a); while :; do :; done"});
}

anvil_node::anvil_node(std::vector<std::string> extra_args) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = devnet::free_port();
    std::vector<std::string> argv{tool_path("anvil"), "--host", "127.0.0.1",
                                  "--port", std::to_string(port_)};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    proc_ = devnet::child_process::spawn(argv);
    if (devnet::wait_for_port(port_, std::chrono::seconds(20)) && proc_.running())
      return;
    proc_.stop();
  }
  throw std::runtime_error("anvil did not start");
}

} // namespace petrade::test
