#include "bench/platform_run.hpp"

#include "bench/http_client.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace petrade::bench {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::optional<process_usage> usage_of(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!pid || !std::getline(stat, text))
    return std::nullopt;
  // Fields after the command name, which may hold spaces: state is field 3,
  // the parent 4, utime and stime are fields 14 and 15.
  auto close = text.rfind(')');
  if (close == std::string::npos)
    return std::nullopt;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  process_usage u;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i == 4)
      u.ppid = std::stoi(field);
    else if (i >= 14)
      ticks += std::stod(field);
  u.cpu_seconds = ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    auto kb = [&] { return std::stoull(line.substr(line.find(':') + 1)) * 1024; };
    if (line.rfind("VmRSS:", 0) == 0)
      u.rss = kb();
    else if (line.rfind("VmHWM:", 0) == 0)
      u.peak_rss = kb();
  }
  return u;
}

std::string platform_config_text(const platform_spec& s) {
  json cfg;
  if (s.external.empty()) {
    cfg["devnet"] = {{"nodes", s.nodes}, {"base_port", s.base_port}, {"cpu_quota", s.cpu_quota},
                     {"data_dir", s.dir + "/devnet"}};
    if (!s.cpu_quotas.empty())
      cfg["devnet"]["cpu_quotas"] = s.cpu_quotas;
  } else {
    for (auto& url : s.external) {
      cfg["nodes"].push_back({{"url", url}});
      if (!s.submit_url.empty())
        cfg["nodes"].back()["submit_url"] = s.submit_url;
    }
  }
  // Mailboxes big enough to hold the largest burst: the experiment asks
  // whether everything offered completes, so nothing is refused as busy.
  cfg["dispatcher"] = {{"strategy", s.strategy},
                       {"capacity", {{"read", 65536}, {"deploy", 16384}, {"account", 16384}, {"contract", 65536}}},
                       {"queue_timeout_ms", 600'000}};
  cfg["control"] = {{"port", s.control_port}};
  if (!s.elastic.empty())
    cfg["elastic"] = json::parse(s.elastic);
  // A 0.1-core node gets 10 ms of CPU per 100 ms: under a burst its answer
  // to a probe can take seconds though it is working. The default timeout
  // (300 ms) reads that as down, and the supervisor restarted busy nodes;
  // a sealer mining a 5000-write burst answered nothing for over 5 s (the
  // default repair_after), so the bench waits 30 s before calling it down.
  cfg["supervisor"] = {{"probe_timeout_ms", 3000}, {"repair_after", 60}};
  cfg["gateway"] = {{"address", "127.0.0.1"}, {"port", s.http_port}, {"web_root", s.dir + "/no-web-app"},
                    {"requests_per_second", 0}, {"call_timeout_ms", 600'000}};
  if (s.business) {
    cfg["transactions"] = {{"journal", s.dir + "/journal"}, {"confirmations", 1},
                           {"node_call_timeout_ms", 600'000}};
    // geth's "light" scrypt for custodial keystores (geth --lightkdf): the
    // standard one costs a second of CPU per create or unlock and would
    // measure scrypt, not the platform.
    cfg["business"] = {{"key_secret_file", s.dir + "/custody.secret"},
                       {"admin", {{"username", "admin"}, {"password_file", s.dir + "/admin.password"}}},
                       {"keystore_scrypt_n", 4096},
                       {"password_scrypt_n", 1024},
                       {"call_timeout_ms", 600'000}};
    if (!s.external.empty())
      cfg["business"]["platform_key_file"] = s.dir + "/platform.key";
  }
  return cfg.dump(2);
}

platform_run::platform_run(const std::string& exe, const platform_spec& spec) : spec_(spec) {
  if (!spec_.keep_dir)
    fs::remove_all(spec_.dir);
  fs::create_directories(spec_.dir);
  if (!spec_.platform_key.empty()) {
    std::ofstream key(spec_.dir + "/platform.key");
    key << spec_.platform_key << "\n";
  }
  auto config = spec_.dir + "/petrade.json";
  std::ofstream(config) << platform_config_text(spec_);
  auto log = spec_.dir + "/" + spec_.log_name;
  process_ = devnet::child_process::spawn({exe, "up", "--config", config}, log);
  auto tail = [&] {
    std::ifstream in(log);
    std::string all((std::istreambuf_iterator<char>(in)), {});
    return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    if (!process_.running())
      throw std::runtime_error("the platform under test exited; its log ends:\n" + tail());
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("the platform under test did not answer in 120 s; its log ends:\n" + tail());
    if (devnet::wait_for_port(spec_.http_port, std::chrono::milliseconds(200))) {
      try {
        http_client c(spec_.http_port);
        if (c.get("/api/health").status == 200)
          break;
      } catch (const std::exception&) {
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (spec_.business) {
    std::ifstream in(spec_.dir + "/admin.password");
    std::getline(in, admin_password_);
  }
}

platform_run::~platform_run() {
  stop();
}

void platform_run::stop() {
  if (process_.pid() > 0)
    process_.stop(std::chrono::milliseconds(15'000));
  // Its nodes die with it, but not at once: the next platform must not find
  // their ports still taken.
  auto ports = node_ports();
  ports.push_back(spec_.http_port);
  ports.push_back(spec_.control_port);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (auto p : ports)
    while (!devnet::port_free(p) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

void platform_run::crash() {
  process_.signal(SIGKILL);
  for (int i = 0; i < 300 && process_.running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  for (auto p : {spec_.http_port, spec_.control_port})
    for (int i = 0; i < 300 && !devnet::port_free(p); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

std::vector<unsigned short> platform_run::node_ports() const {
  std::vector<unsigned short> ports;
  for (int i = 0; i < spec_.nodes; ++i)
    ports.push_back(static_cast<unsigned short>(spec_.base_port + i));
  return ports;
}

} // namespace petrade::bench
