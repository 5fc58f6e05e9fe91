// petrade: one binary, one subcommand per operator task.
#include "cli/commands.hpp"

#include <cstring>
#include <exception>
#include <functional>
#include <iostream>

namespace {

struct subcommand {
  const char* name;
  const char* summary;
  std::function<int(const petrade::cli::args&)> run;
};

const subcommand subcommands[] = {
  {"up", "start the platform: nodes, node actors, supervisor, dispatcher",
   petrade::cli::up_command},
  {"status", "show a running platform's nodes, zones, LBH and mailboxes",
   petrade::cli::status_command},
  {"node", "add, remove, cordon or uncordon a node of a running platform",
   petrade::cli::node_command},
  {"devnet", "start N local anvil nodes (sealer + followers) and keep them in sync",
   petrade::cli::devnet_command},
  {"account", "manage keystore accounts: new, list, import",
   petrade::cli::account_command},
  {"worker", "run the business actors in a process of their own for a platform",
   petrade::cli::worker_command},
  {"bench", "run the benchmark: table 5.1 mix, baselines, targets (bench/results/)",
   petrade::cli::bench_command},
  {"soak", "run the chaos soak: node or platform faults under load, nothing lost or doubled",
   petrade::cli::soak_command},
};

void usage(std::ostream& out) {
  out << "usage: petrade <command> [options]\n\ncommands:\n";
  for (auto& c : subcommands)
    out << "  " << c.name << std::string(10 - std::strlen(c.name), ' ') << c.summary << "\n";
  out << "\n'petrade <command> --help' describes a command's options.\n";
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  petrade::cli::args rest(argv + 2, argv + argc);
  for (auto& c : subcommands)
    if (c.name == std::string_view(argv[1])) {
      try {
        return c.run(rest);
      } catch (const std::exception& e) {
        std::cerr << "petrade " << c.name << ": " << e.what() << "\n";
        return 1;
      }
    }
  std::cerr << "petrade: unknown command '" << argv[1] << "'\n";
  usage(std::cerr);
  return 2;
}
