#include "bench/node_chaos.hpp"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace petrade::bench {

namespace fs = std::filesystem;

namespace {

int parent_of(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string line;
  std::getline(in, line);
  // The command name may hold spaces; the fields after it start past ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos)
    return 0;
  std::istringstream rest(line.substr(close + 1));
  std::string state;
  int ppid = 0;
  rest >> state >> ppid;
  return ppid;
}

std::vector<std::string> command_line(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/cmdline", std::ios::binary);
  std::vector<std::string> args;
  for (std::string a; std::getline(in, a, '\0');)
    args.push_back(a);
  return args;
}

} // namespace

int node_pid(int parent, unsigned short port) {
  std::error_code ec;
  for (auto& e : fs::directory_iterator("/proc", ec)) {
    auto name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    if (parent_of(name) != parent)
      continue;
    auto args = command_line(name);
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == "--port" && args[i + 1] == std::to_string(port))
        return std::stoi(name);
  }
  return 0;
}

node_chaos::node_chaos(chaos_plan plan)
  : plan_(std::move(plan)), start_(std::chrono::steady_clock::now()), thread_([this] { run(); }) {}

node_chaos::~node_chaos() {
  stop_ = true;
  thread_.join();
  if (stopped_pid_ > 0)
    ::kill(stopped_pid_, SIGCONT);
}

std::vector<chaos_event> node_chaos::events() const {
  std::lock_guard<std::mutex> lock(m_);
  return events_;
}

void node_chaos::note(const std::string& what) {
  std::chrono::duration<double> t = std::chrono::steady_clock::now() - start_;
  std::lock_guard<std::mutex> lock(m_);
  events_.push_back({t.count(), what});
}

void node_chaos::run() {
  using clock = std::chrono::steady_clock;
  std::mt19937 rng(plan_.seed);
  auto pick = [&](std::size_t avoid) {
    std::uniform_int_distribution<std::size_t> d(0, plan_.ports.size() - 1);
    for (;;) {
      auto i = d(rng);
      if (i != avoid || plan_.ports.size() == 1)
        return i;
    }
  };
  auto next_kill = start_ + plan_.kill_every;
  auto next_stop = start_ + plan_.stop_every;
  auto resume_at = clock::time_point::max();
  std::size_t killed = plan_.ports.size();
  std::size_t stopped = plan_.ports.size();
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto now = clock::now();
    if (stopped_pid_ > 0 && now >= resume_at) {
      ::kill(stopped_pid_, SIGCONT);
      note("SIGCONT node " + std::to_string(stopped) + " (pid " + std::to_string(stopped_pid_) + ")");
      stopped_pid_ = 0;
      resume_at = clock::time_point::max();
    }
    if (now >= next_kill) {
      next_kill += plan_.kill_every;
      // Never the node that is stopped: "another" node, as the plan says.
      killed = pick(stopped_pid_ > 0 ? stopped : plan_.ports.size());
      if (auto pid = node_pid(plan_.devnet_pid, plan_.ports[killed]); pid > 0) {
        ::kill(pid, SIGKILL);
        note("SIGKILL node " + std::to_string(killed) + " (pid " + std::to_string(pid) + ")");
      } else {
        note("node " + std::to_string(killed) + " not running (restarting): no SIGKILL");
      }
    }
    if (now >= next_stop && stopped_pid_ == 0) {
      next_stop += plan_.stop_every;
      stopped = pick(killed);
      if (auto pid = node_pid(plan_.devnet_pid, plan_.ports[stopped]); pid > 0) {
        ::kill(pid, SIGSTOP);
        stopped_pid_ = pid;
        resume_at = now + plan_.stop_for;
        note("SIGSTOP node " + std::to_string(stopped) + " (pid " + std::to_string(pid) + ")");
      } else {
        note("node " + std::to_string(stopped) + " not running (restarting): no SIGSTOP");
      }
    }
  }
}

} // namespace petrade::bench
