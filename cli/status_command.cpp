// `petrade status`: what a running platform sees of its cluster.
#include "cli/commands.hpp"
#include "cli/options.hpp"

#include "actors/platform.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace petrade::cli {

namespace {

constexpr const char* help = R"(usage: petrade status [--json] [--control-port PORT]

Asks the platform started by `petrade up` (control port, default 7545) for
its nodes, their state vectors, zones, LBH, the health margin and the
dispatcher's mailbox depths.
)";

std::string fixed(double v, int digits = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// The repair phase, and what an operator asked of the node (petrade node).
std::string repair_of(const nlohmann::json& n) {
  auto out = n.value("repair", std::string("?"));
  for (const char* flag : {"joining", "cordoned", "leaving"})
    if (n.value(flag, false))
      out += std::string(", ") + flag;
  return out;
}

void print_table(const nlohmann::json& j) {
  auto& c = j.at("cluster");
  std::cout << "LBH " << fixed(c.value("lbh", 0.0)) << "   r̄ " << fixed(c.value("r_bar", 0.0))
            << "   health margin " << fixed(c.value("margin", 0.0)) << "   max head "
            << c.value("max_head", 0) << "\n\n";
  std::printf("%-6s %-4s %-5s %5s  %5s %5s %5s %5s %5s %5s  %8s  %s\n", "node", "zone", "admit",
              "load", "cpu", "mem", "lag", "lat", "err", "infl", "head", "repair");
  for (auto& n : c.at("nodes")) {
    auto& s = n.at("state");
    std::printf("%-6s %-4s %-5s %5s  %5s %5s %5s %5s %5s %5s  %8llu  %s\n",
                n.value("name", std::string("?")).c_str(),
                n.value("zone", std::string("?")).c_str(),
                n.value("admitted", false) ? "yes" : "no", fixed(n.value("load", 0.0)).c_str(),
                fixed(s.value("cpu", 0.0)).c_str(), fixed(s.value("mem", 0.0)).c_str(),
                fixed(s.value("lag", 0.0)).c_str(), fixed(s.value("latency", 0.0)).c_str(),
                fixed(s.value("errors", 0.0)).c_str(), fixed(s.value("inflight", 0.0)).c_str(),
                static_cast<unsigned long long>(n.value("head", 0ULL)), repair_of(n).c_str());
  }
  auto& d = j.at("dispatcher");
  std::cout << "\ndispatcher: strategy " << d.value("strategy", std::string("?"))
            << (d.value("paused", false) ? " (paused)" : "") << "; mailboxes";
  for (const char* kind : {"read", "deploy", "account", "contract"}) {   // drain order
    auto& box = d.at("mailboxes").at(kind);
    std::cout << "  " << kind << " " << box.value("depth", 0) << "/" << box.value("capacity", 0);
  }
  std::cout << "\n";
}

} // namespace

int status_command(const args& a) {
  bool as_json = false;
  unsigned short port = 7545;
  option_parser p("petrade status", a);
  while (p.next()) {
    if (p.is("--help")) {
      std::cout << help;
      return 0;
    } else if (p.is("--json")) {
      as_json = true;
    } else if (p.is("--control-port")) {
      port = static_cast<unsigned short>(p.integer(1024, 65535));
    } else {
      return p.unknown();
    }
  }
  if (p.failed())
    return 2;
  auto text = fetch_status(port, std::chrono::seconds(10));
  if (as_json) {
    std::cout << text << "\n";
    return 0;
  }
  print_table(nlohmann::json::parse(text));
  return 0;
}

} // namespace petrade::cli
