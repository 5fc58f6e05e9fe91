// The soak's verdict and its two renderings: Markdown for people (the
// closing note, docs/reliability.md) and JSON for scripts.
#include "bench/soak.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace petrade::bench {

bool soak_report::passed() const {
  // While the platform itself is down nothing can answer a read: the read
  // rate is judged in the node-fault soak only.
  return lost == 0 && doubled == 0 && bill_mismatches == 0
         && (platform_restarts > 0 || read_rate() >= 0.999);
}

namespace {

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

} // namespace

std::string soak_report::markdown() const {
  std::ostringstream out;
  out << "| measure | value |\n|---|---|\n"
      << "| load ran | " << fixed(seconds, 1) << " s |\n"
      << "| platform restarts after SIGKILL | " << platform_restarts << " |\n"
      << "| reads (GET) ok | " << reads_ok << " / " << reads << " = " << fixed(100 * read_rate(), 3) << " % |\n"
      << "| writes (POST) ok | " << posts_ok << " / " << posts << " |\n"
      << "| acknowledged writes (a task id) | " << acknowledged << " |\n"
      << "| mined | " << mined << " |\n"
      << "| mined, reverted | " << reverted << " |\n"
      << "| **lost** | **" << lost << "** |\n"
      << "| transactions in the soak's blocks | " << chain_txs << " |\n"
      << "| **doubled** (on chain, no task) | **" << doubled << "** |\n"
      << "| bills equal to the on-chain balance | " << bills - bill_mismatches << " / " << bills << " |\n";
  if (!lbh.empty()) {
    double lo = 1, hi = 0, sum = 0;
    for (auto& [t, v] : lbh) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      sum += v;
    }
    out << "| LBH min / mean / max (" << lbh.size() << " samples) | " << fixed(lo, 3) << " / "
        << fixed(sum / double(lbh.size()), 3) << " / " << fixed(hi, 3) << " |\n";
  }
  out << "\nverdict: " << (passed() ? "PASSED" : "FAILED") << "\n";
  if (!ends.empty()) {
    out << "\nacknowledged writes by final state:";
    for (auto& [state, n] : ends)
      out << " " << state << " " << n << ";";
    out << "\n";
  }
  if (!failures.empty()) {
    out << "\nrequest failures (reason @op):\n";
    for (auto& [why, n] : failures)
      out << "- " << why << ": " << n << "\n";
  }
  if (!events.empty()) {
    out << "\nfaults:\n";
    for (auto& e : events)
      out << "- " << fixed(e.at, 1) << " s " << e.what << "\n";
  }
  if (!lbh.empty()) {
    out << "\nLBH over time (s: lbh):";
    for (std::size_t i = 0; i < lbh.size(); i += std::max<std::size_t>(1, lbh.size() / 60))
      out << " " << fixed(lbh[i].first, 0) << ":" << fixed(lbh[i].second, 2);
    out << "\n";
  }
  if (!findings.empty()) {
    out << "\nfindings (first 50):\n";
    for (std::size_t i = 0; i < findings.size() && i < 50; ++i)
      out << "- " << findings[i] << "\n";
  }
  return out.str();
}

std::string soak_report::json() const {
  nlohmann::json j{{"seconds", seconds},         {"platform_restarts", platform_restarts},
                   {"reads", reads},             {"reads_ok", reads_ok},
                   {"read_rate", read_rate()},   {"posts", posts},
                   {"posts_ok", posts_ok},       {"acknowledged", acknowledged},
                   {"mined", mined},             {"reverted", reverted},
                   {"lost", lost},               {"doubled", doubled},
                   {"chain_txs", chain_txs},     {"bills", bills},
                   {"bill_mismatches", bill_mismatches}, {"failures", failures},
                   {"ends", ends},               {"findings", findings},
                   {"passed", passed()}};
  for (auto& [t, v] : lbh)
    j["lbh"].push_back({t, v});
  for (auto& e : events)
    j["faults"].push_back({{"at", e.at}, {"what", e.what}});
  return j.dump(2);
}

} // namespace petrade::bench
