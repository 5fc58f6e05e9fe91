// `petrade worker`: the business actors (accounts, token, projects, demands,
// indexer) in a process of their own, published for the platform that the
// same config file describes; runs until SIGINT or SIGTERM.
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/stop_signals.hpp"
#include "protocol/log.hpp"

#include "actors/business_worker.hpp"
#include "actors/platform_config.hpp"

#include <iostream>

namespace petrade::cli {

namespace {

constexpr const char* help = R"(usage: petrade worker --config FILE [--port PORT] [--database DIR]

Runs the business actors in this process and publishes them on the port of
the config's "business": {"worker": {...}} section (bind address "bind",
default 127.0.0.1). The platform (`petrade up --config FILE`) connects to it
there, attaches it to its dispatcher and transaction manager, and forwards
every business call. If this process dies, the platform answers
"unavailable" until it is back. The worker keeps users, sessions, files and
read models in its own database ("database", default run/worker).
)";

} // namespace

int worker_command(const args& a) {
  option_parser p("petrade worker", a);
  std::string config;
  int port = -1;
  std::string database;
  while (p.next()) {
    if (p.is("--help")) {
      std::cout << help;
      return 0;
    } else if (p.is("--config")) {
      config = p.value();
    } else if (p.is("--port")) {
      port = static_cast<int>(p.integer(1, 65535));
    } else if (p.is("--database")) {
      database = p.value();
    } else {
      return p.unknown();
    }
  }
  if (config.empty()) {
    std::cerr << "petrade worker: --config FILE is required (its \"business\" section says where to listen)\n";
    return 2;
  }
  worker_settings where;
  platform_config cfg;
  try {
    cfg = load_platform_config(config, &where);
  } catch (const std::exception& e) {
    std::cerr << "petrade worker: " << e.what() << "\n";
    return 2;
  }
  if (!cfg.business) {
    std::cerr << "petrade worker: " << config << " has no \"business\" section\n";
    return 2;
  }
  if (port > 0)
    where.port = static_cast<unsigned short>(port);
  if (!database.empty())
    where.database = database;
  if (!where.port) {
    std::cerr << "petrade worker: " << config << ": business.worker.port is not set (or pass --port)\n";
    return 2;
  }
  block_stop_signals();
  business_worker worker(*cfg.business, where,
                         [](const std::string& level, const std::string& component, const std::string& text) {
                           log::line(level, component, text);
                         });
  try {
    worker.start();
  } catch (const std::exception& e) {
    std::cerr << "petrade worker: " << e.what() << "\n";
    return 1;
  }
  auto sig = wait_for_stop_signal();
  log::line("info", "worker", "stopping on " + sig);
  worker.stop();
  return 0;
}

} // namespace petrade::cli
