// `petrade soak`: the chaos soak of docs/reliability.md, run from a process
// of its own against a devnet and a platform it starts (see bench/soak.hpp).
#include "cli/commands.hpp"
#include "cli/options.hpp"

#include "bench/soak.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace petrade::cli {

namespace {

constexpr const char* help = R"(usage: petrade soak [--seconds S] [--clients N] [--users N]
                    [--faults nodes|none] [--platform-kills K] [--seed N]
                    [--base-port P] [--http-port P] [--work-dir DIR] [--out DIR]

Starts a 3-node devnet and the platform on it, makes users, projects and
demands, then runs the table 5.1 mix and the business mix through the API
for S seconds (default 60) while faults are injected: with --faults nodes
(the default) a random node is SIGKILLed every 10 s and another SIGSTOPped
for 3 s every 15 s; with --platform-kills K the platform itself is
SIGKILLed K times at random moments and restarted on its journal. Then
every acknowledged write is followed to its end and the chain is read block
by block. Prints a report (also report.md and report.json in --out, default
run/soak): lost and doubled writes must be 0, reads must succeed at least
99.9 % of the time (node faults only) and every bill must sum to the
on-chain balance. Exit 0 when all hold, 1 when one does not, 2 on bad
options.
)";

} // namespace

int soak_command(const args& a) {
  bench::soak_options o;
  std::string out = "run/soak", work = "run/soak/work";
  option_parser p("petrade soak", a);
  while (p.next()) {
    if (p.is("--help")) {
      std::cout << help;
      return 0;
    } else if (p.is("--seconds")) {
      o.seconds = static_cast<int>(p.integer(5, 24 * 3600));
    } else if (p.is("--clients")) {
      o.clients = static_cast<std::size_t>(p.integer(2, 2000));
    } else if (p.is("--users")) {
      o.users = static_cast<std::size_t>(p.integer(4, 1000));
    } else if (p.is("--faults")) {
      auto v = p.value();
      if (v != "nodes" && v != "none")
        p.error("--faults '" + v + "': expected nodes or none");
      o.node_faults = v == "nodes";
    } else if (p.is("--platform-kills")) {
      o.platform_kills = static_cast<int>(p.integer(0, 100));
    } else if (p.is("--seed")) {
      o.seed = static_cast<unsigned>(p.integer(0, 1LL << 31));
    } else if (p.is("--base-port")) {
      o.base_port = static_cast<unsigned short>(p.integer(2048, 60000));
    } else if (p.is("--http-port")) {
      o.http_port = static_cast<unsigned short>(p.integer(2048, 65535));
      o.control_port = static_cast<unsigned short>(o.http_port > 2048 ? o.http_port - 40 : o.http_port + 40);
    } else if (p.is("--work-dir")) {
      work = p.value();
    } else if (p.is("--out")) {
      out = p.value();
    } else {
      return p.unknown();
    }
  }
  if (p.failed())
    return 2;
  o.exe = std::filesystem::read_symlink("/proc/self/exe").string();
  o.dir = std::filesystem::absolute(work).string();
  std::filesystem::remove_all(o.dir);
  auto r = bench::run_soak(o);
  std::filesystem::create_directories(out);
  std::ofstream(out + "/report.md") << r.markdown();
  std::ofstream(out + "/report.json") << r.json() << "\n";
  std::cout << r.markdown();
  return r.passed() ? 0 : 1;
}

} // namespace petrade::cli
