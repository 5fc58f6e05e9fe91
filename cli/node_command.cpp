// `petrade node add|remove|cordon|uncordon`: change a running platform's
// nodes through its control port (issue 10). Every change is kept in the
// platform's cluster file, so a restart serves with the same nodes.
#include "cli/commands.hpp"
#include "cli/options.hpp"

#include "actors/platform.hpp"
#include "protocol/node_ops.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

namespace petrade::cli {

namespace {

constexpr const char* help = R"(usage: petrade node add --devnet [--control-port PORT]
       petrade node add --url URL [--name NAME] [--submit-url URL] [--control-port PORT]
       petrade node remove NODE [--control-port PORT]
       petrade node cordon NODE [--control-port PORT]
       petrade node uncordon NODE [--control-port PORT]

Changes the nodes of the platform started by `petrade up` (control port,
default 7545) while it runs. NODE is a node's name (node2) or id (2).
  add --devnet   starts a new follower of the embedded devnet
  add --url      serves with an external JSON-RPC endpoint on the same chain
A new node takes work once it has caught up. remove drains the node first:
its tasks in flight finish or move to other nodes. cordon keeps the node
watched but gives it no new task; uncordon lifts that.
)";

} // namespace

int node_command(const args& a) {
  unsigned short port = 7545;
  nlohmann::json spec = nlohmann::json::object();
  option_parser p("petrade node", a);
  while (p.next()) {
    if (p.is("--help")) {
      std::cout << help;
      return 0;
    } else if (p.is("--control-port")) {
      port = static_cast<unsigned short>(p.integer(1024, 65535));
    } else if (p.is("--devnet")) {
      spec["devnet"] = true;
    } else if (p.is("--url")) {
      spec["url"] = p.value();
    } else if (p.is("--name")) {
      spec["name"] = p.value();
    } else if (p.is("--submit-url")) {
      spec["submit_url"] = p.value();
    } else {
      return p.unknown();
    }
  }
  if (p.failed())
    return 2;
  auto& pos = p.positional();
  auto op = pos.empty() ? std::string() : pos[0];
  caf::message request;
  if (op == "add" && pos.size() == 1) {
    if (spec.value("devnet", false) == spec.contains("url")) {
      p.error("add needs either --devnet or --url URL");
      return 2;
    }
    request = caf::make_message(join_atom_v, spec.dump());
  } else if ((op == "remove" || op == "cordon" || op == "uncordon") && pos.size() == 2) {
    if (!spec.empty()) {
      p.error(op + " takes only the node (and --control-port)");
      return 2;
    }
    request = op == "remove" ? caf::make_message(leave_atom_v, pos[1])
                             : caf::make_message(cordon_atom_v, pos[1], op == "cordon");
  } else {
    p.error(op.empty() ? "which operation? add, remove, cordon or uncordon (--help)"
                       : "unknown operation or arguments: " + op + " (--help)");
    return 2;
  }
  // Removing waits for the node's tasks in flight to finish or move on.
  auto answer = nlohmann::json::parse(ask_platform(port, request, std::chrono::minutes(6)));
  if (answer.contains("error")) {
    std::cerr << "petrade node " << op << ": " << answer.value("error", std::string()) << "\n";
    return 1;
  }
  std::cout << answer.dump() << "\n";
  return 0;
}

} // namespace petrade::cli
