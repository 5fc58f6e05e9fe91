// `petrade bench`: the thesis's table 5.1 experiment and its baselines, run
// from a process of its own against platforms it starts (see bench/).
#include "cli/commands.hpp"
#include "cli/options.hpp"

#include "bench/profile.hpp"

#include <sys/resource.h>

#include <filesystem>
#include <iostream>
#include <sstream>

namespace petrade::cli {

namespace {

constexpr const char* help = R"(usage: petrade bench [--profile quick|full] [--out DIR] [--work-dir DIR]
                     [--quota CORES] [--base-port P] [--nodes 1,3,...]
                     [--concurrency 200,1200,...] [--strategies a,b,...]
                     [--parts matrix,hetero,proxy,elastic]

Runs the benchmark: the thesis's table 5.1 mix (and the business and /rpc
read mixes) at each concurrency against `petrade up` on 1..N anvil nodes
under a CPU quota each, with each strategy; nginx (least_conn, round robin)
and the nodes called directly on the same nodes; one slowed node; the
proxy's own cost against an instant upstream; raw transaction ingestion
against business writes. --parts runs only some of these: matrix (the
cells of nodes × strategies with their baselines), hetero (the slowed
node), proxy (the instant upstream), elastic (the elastic pool's load
step, once per strategy; only when named). The quick profile takes under ten minutes, the
full one about an hour. Results: DIR (default bench/results/<profile>):
runs.csv, targets.csv, report.md and SVG charts. Exit 0 when every target
was met, 1 when one was missed, 2 on bad options.
)";

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty())
      out.push_back(part);
  return out;
}

} // namespace

int bench_command(const args& a) {
  bench::bench_options o;
  o.p = bench::quick_profile();
  std::string out, work = "run/bench";
  std::vector<std::string> nodes, concurrency, strategies;
  option_parser p("petrade bench", a);
  while (p.next()) {
    if (p.is("--help")) {
      std::cout << help;
      return 0;
    } else if (p.is("--profile")) {
      auto v = p.value();
      if (v == "quick")
        o.p = bench::quick_profile();
      else if (v == "full")
        o.p = bench::full_profile();
      else
        p.error("--profile '" + v + "': expected quick or full");
    } else if (p.is("--out")) {
      out = p.value();
    } else if (p.is("--work-dir")) {
      work = p.value();
    } else if (p.is("--quota")) {
      o.quota = p.number(0.01, 64);
    } else if (p.is("--base-port")) {
      o.base_port = static_cast<unsigned short>(p.integer(2048, 60000));
    } else if (p.is("--nodes")) {
      nodes = split(p.value());
    } else if (p.is("--concurrency")) {
      concurrency = split(p.value());
    } else if (p.is("--strategies")) {
      strategies = split(p.value());
    } else if (p.is("--parts")) {
      o.parts = split(p.value());
      for (auto& part : o.parts)
        if (part != "matrix" && part != "hetero" && part != "proxy" && part != "elastic")
          p.error("--parts '" + part + "': expected matrix, hetero, proxy or elastic");
    } else {
      return p.unknown();
    }
  }
  auto numbers = [&](const std::vector<std::string>& list, const char* option, long lo, long hi) {
    std::vector<long> v;
    for (auto& s : list) {
      char* end = nullptr;
      long n = std::strtol(s.c_str(), &end, 10);
      if (*end || n < lo || n > hi)
        p.error(std::string(option) + " '" + s + "': expected integers from " + std::to_string(lo) + " to "
                + std::to_string(hi));
      v.push_back(n);
    }
    return v;
  };
  if (!nodes.empty()) {
    o.p.nodes.clear();
    for (long n : numbers(nodes, "--nodes", 1, 16))
      o.p.nodes.push_back(static_cast<int>(n));
  }
  if (!concurrency.empty()) {
    o.p.concurrency.clear();
    for (long n : numbers(concurrency, "--concurrency", 1, 100000))
      o.p.concurrency.push_back(static_cast<std::size_t>(n));
  }
  if (!strategies.empty())
    o.p.strategies = o.p.hetero_strategies = strategies;
  if (p.failed())
    return 2;
  // Ten thousand clients and the platform's sockets for them: both
  // processes need more descriptors than the usual soft limit.
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
  o.exe = std::filesystem::read_symlink("/proc/self/exe").string();
  o.out_dir = out.empty() ? "bench/results/" + o.p.name : out;
  o.work_dir = std::filesystem::absolute(work).string();
  return bench::run_profile(o);
}

} // namespace petrade::cli
