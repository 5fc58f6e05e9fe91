// `petrade up`: the platform in one process on the embedded devnet (or on
// external nodes), until SIGINT or SIGTERM.
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/stop_signals.hpp"
#include "protocol/log.hpp"

#include "actors/platform.hpp"
#include "actors/platform_config.hpp"
#include "actors/strategy.hpp"
#include "devnet/devnet.hpp"
#include "gateway/gateway.hpp"

#include <nlohmann/json.hpp>


#include <filesystem>
#include <iostream>

namespace petrade::cli {

namespace {

constexpr const char* help = R"(usage: petrade up [--config FILE] [--nodes N] [--base-port P] [--cpu-quota CORES]
                  [--external URL[,SUBMIT_URL]]... [--strategy NAME]
                  [--control-port PORT] [--probe-interval-ms MS] [--log-format text|json]
                  [--journal DIR] [--http-port PORT] [--data-dir DIR] [--cluster-file FILE]

Starts the platform: the embedded anvil devnet or the external JSON-RPC
endpoints given with --external (or the config file's "nodes"), one
node actor per node, the supervisor and the dispatcher. `petrade status`
reads its state through the control port (default 7545, loopback only).
With --journal (or "transactions": {"journal": DIR} in the config) the
transaction manager runs too: writes are journalled in RocksDB at DIR
before they are acknowledged, and a restart finishes what was acknowledged.
Strategies: round_robin, least_inflight, p2c, thesis, state_feedback (default).
The config file (keys: docs/operations.md; example: config/petrade.json) sets the devnet,
the state-feedback weights and limits, the dispatcher and the supervisor;
flags override it. With a "gateway" section (or --http-port) the HTTP
gateway serves the web app, the REST API, /rpc and /metrics.
`petrade node` adds, removes and cordons nodes while it runs; those changes
are kept in the cluster file (default: DATA_DIR/cluster.json for the
devnet, beside the journal for external nodes) and win over the flags and
the config at the next start. Delete the file to start from those again.
)";

void log_line(const std::string& level, const std::string& component, const std::string& text) {
  log::line(level, component, text);
}

} // namespace

int up_command(const args& a) {
  platform_config cfg;
  cfg.control_port = 7545;
  std::optional<gateway::gateway_config> web;
  std::string origin = "command line";
  option_parser p("petrade up", a);
  // Devnet flags apply to the embedded devnet, created on first use.
  auto net = [&]() -> devnet::devnet_config& {
    if (!cfg.devnet)
      cfg.devnet = devnet::devnet_config{};
    return *cfg.devnet;
  };
  // The file is read first, wherever --config stands: flags override it
  // whether they come before or after it.
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "--config" && i + 1 < a.size())
      origin = a[i + 1];
    else if (a[i].rfind("--config=", 0) == 0)
      origin = a[i].substr(9);
  }
  if (origin != "command line") {
    cfg = load_platform_config(origin);
    web = gateway::load_gateway_config(origin);
  }
  while (p.next()) {
    if (p.is("--help")) {
      std::cout << help;
      return 0;
    } else if (p.is("--config")) {
      p.value();   // read above
    } else if (p.is("--nodes")) {
      net().nodes = static_cast<int>(p.integer(1, 16));
    } else if (p.is("--base-port")) {
      net().base_port = static_cast<unsigned short>(p.integer(1024, 65535));
    } else if (p.is("--cpu-quota")) {
      net().cpu_quota = p.number(0, 64);
    } else if (p.is("--data-dir")) {
      net().data_dir = p.value();
    } else if (p.is("--external")) {
      auto v = p.value();
      external_node e;
      auto comma = v.find(',');
      e.url = v.substr(0, comma);
      if (comma != std::string::npos)
        e.submit_url = v.substr(comma + 1);
      e.name = "node" + std::to_string(cfg.external.size());
      cfg.external.push_back(e);
    } else if (p.is("--strategy")) {
      cfg.dispatcher.strategy = p.value();
      auto names = strategy_names();
      if (std::find(names.begin(), names.end(), cfg.dispatcher.strategy) == names.end()) {
        std::string known;
        for (auto& n : names)
          known += (known.empty() ? "" : ", ") + n;
        p.error("--strategy '" + cfg.dispatcher.strategy + "': expected one of " + known);
      }
    } else if (p.is("--journal")) {
      cfg.db_path = p.value();
    } else if (p.is("--http-port")) {
      if (!web)
        web = gateway::gateway_config{};
      web->server.port = static_cast<unsigned short>(p.integer(0, 65535));
    } else if (p.is("--control-port")) {
      cfg.control_port = static_cast<unsigned short>(p.integer(1024, 65535));
    } else if (p.is("--cluster-file")) {
      cfg.cluster_file = p.value();
    } else if (p.is("--log-format")) {
      try {
        log::set_format(log::parse_format(p.value()));
      } catch (const std::invalid_argument& e) {
        p.error(e.what());
      }
    } else if (p.is("--probe-interval-ms")) {
      cfg.supervisor.probe_interval = std::chrono::milliseconds(p.integer(50, 60000));
    } else {
      return p.unknown();
    }
  }
  if (p.failed())
    return 2;
  if (!cfg.external.empty())
    cfg.devnet.reset();
  else if (!cfg.devnet)
    cfg.devnet = devnet::devnet_config{};
  settle(cfg, origin);
  // Nodes changed at runtime (`petrade node`) are kept beside the data.
  if (cfg.cluster_file.empty() && cfg.devnet)
    cfg.cluster_file = cfg.devnet->data_dir + "/cluster.json";
  else if (cfg.cluster_file.empty() && !cfg.db_path.empty())
    cfg.cluster_file = (std::filesystem::path(cfg.db_path).parent_path() / "cluster.json").string();

  block_stop_signals();

  platform plat(cfg, log_line);
  plat.start();
  std::cout << "petrade up: " << plat.node_urls().size() << " node(s), strategy "
            << cfg.dispatcher.strategy << ", control port " << plat.control_port() << "\n";
  auto urls = plat.node_urls();
  for (std::size_t i = 0; i < urls.size(); ++i)
    std::cout << "  node" << i << "  " << urls[i] << "\n";
  std::unique_ptr<gateway::gateway> http;
  if (web) {
    gateway::actor_handles actors{plat.business(), plat.tx_manager(), plat.dispatcher(), plat.supervisor(), plat.control()};
    http = std::make_unique<gateway::gateway>(
      plat.system(), actors, *web,
      [](const std::string& level, const std::string& text, const std::string& id) {
        log::line(level, "gateway", text, id);
      });
    std::cout << "  web app, REST API, /rpc and /metrics on " << http->base_url() << "\n";
  }
  std::cout << "'petrade status' shows zones and load; Ctrl-C stops everything." << std::endl;

  log_line("info", "platform", "stopping on " + wait_for_stop_signal());
  if (http)
    http->stop();   // first: no request may reach actors that are going away
  plat.stop();
  return 0;
}

} // namespace petrade::cli
