#include "tests/support/tools.hpp"

#include <stdexcept>

namespace petrade::test {

std::string tool_path(const std::string& name) {
  return std::string(PETRADE_TOOLS_BIN) + "/" + name;
}

std::string build_path(const std::string& rel) {
  return std::string(PETRADE_BUILD_DIR) + "/" + rel;
}

std::string cast(const std::vector<std::string>& args) {
  std::vector<std::string> argv{tool_path("cast")};
  argv.insert(argv.end(), args.begin(), args.end());
  auto out = devnet::run_capture(argv);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
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
