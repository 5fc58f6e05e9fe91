#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/stop_signals.hpp"
#include "protocol/log.hpp"

#include "devnet/devnet.hpp"


#include <iostream>

namespace petrade::cli {

namespace {

constexpr const char* help = R"(usage: petrade devnet [--config FILE] [--nodes N] [--base-port P]
                      [--cpu-quota CORES] [--chain-id ID] [--data-dir DIR]
                      [--log-format text|json]

Starts N anvil nodes on 127.0.0.1:P..P+N-1. Node 0 seals (mines every
transaction at once); the others import each of its blocks so every node has
the same chain. A node whose process dies is restarted and catches up.
Flags override the "devnet" object of the config file (see config/petrade.json).
Ctrl-C (SIGINT) or SIGTERM stops every node.
)";

void log_line(const std::string& level, const std::string& text) {
  log::line(level, "devnet", text);
}

} // namespace

int devnet_command(const args& a) {
  devnet::devnet_config cfg;
  std::string config_file;
  option_parser p("petrade devnet", a);
  while (p.next()) {
    if (p.is("--help")) {
      std::cout << help;
      return 0;
    } else if (p.is("--config")) {
      config_file = p.value();
      cfg = devnet::load_devnet_config(config_file);
    } else if (p.is("--nodes")) {
      cfg.nodes = static_cast<int>(p.integer(1, 16));
    } else if (p.is("--base-port")) {
      cfg.base_port = static_cast<unsigned short>(p.integer(1024, 65535));
    } else if (p.is("--cpu-quota")) {
      cfg.cpu_quota = p.number(0, 64);
    } else if (p.is("--chain-id")) {
      cfg.chain_id = static_cast<std::uint64_t>(p.integer(1, 1LL << 50));
    } else if (p.is("--data-dir")) {
      cfg.data_dir = p.value();
    } else if (p.is("--log-format")) {
      try {
        log::set_format(log::parse_format(p.value()));
      } catch (const std::invalid_argument& e) {
        p.error(e.what());
      }
    } else {
      return p.unknown();
    }
  }
  if (p.failed())
    return 2;
  devnet::validate(cfg, config_file.empty() ? "command line" : config_file);

  block_stop_signals();

  devnet::cluster net(cfg, log_line);
  net.start();
  auto cg = net.cgroups();
  std::cout << "petrade devnet: " << cfg.nodes << " node(s), chain id " << cfg.chain_id
            << ", "
            << (cg == devnet::cgroup_version::none ? std::string("plain processes")
                                                    : std::string("cgroup ")
                                                        + (cg == devnet::cgroup_version::v1 ? "v1" : "v2"))
            << (cfg.cpu_quota > 0 ? ", cpu quota " + std::to_string(cfg.cpu_quota) + " cores/node"
                                  : std::string())
            << "\n";
  for (auto& n : net.nodes())
    std::cout << "  node " << n.index << "  " << devnet::to_string(n.role) << "  " << n.url
              << "  pid " << n.pid << "\n";
  std::cout << "logs in " << cfg.data_dir << "; Ctrl-C stops every node." << std::endl;

  log_line("info", "stopping on " + wait_for_stop_signal());
  net.stop();
  return 0;
}

} // namespace petrade::cli
