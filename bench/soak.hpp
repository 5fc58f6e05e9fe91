// The chaos soak (issue 9): the table 5.1 mix and the business mix through
// the platform's API on a 3-node devnet while nodes are SIGKILLed and
// SIGSTOPped, or while the platform itself is SIGKILLed and restarted. Then
// every acknowledged write is followed to its end and the chain is read
// block by block: nothing acknowledged may be lost, nothing may be done twice,
// and every user's bill must still sum to the on-chain balance.
#pragma once

#include "bench/node_chaos.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace petrade::bench {

struct soak_options {
  std::string exe;                 // the petrade binary
  std::string dir;                 // devnet, platform config, journal, logs
  int seconds = 60;                // how long the load runs
  std::size_t clients = 16;        // half on each mix
  std::size_t users = 24;
  unsigned short base_port = 19545;
  unsigned short http_port = 19080;
  unsigned short control_port = 19040;
  bool node_faults = true;         // SIGKILL every 10 s, SIGSTOP 3 s every 15 s
  int platform_kills = 0;          // SIGKILLs of the platform, at random moments
  unsigned seed = 1;
};

struct soak_report {
  double seconds = 0;
  std::size_t reads = 0, reads_ok = 0;          // GET requests
  std::size_t posts = 0, posts_ok = 0;          // every POST
  std::size_t acknowledged = 0;                 // POSTs answered with a task id
  std::size_t mined = 0;                        // acknowledged, and on the chain
  std::size_t reverted = 0;                     // acknowledged, mined, status 0
  std::size_t lost = 0;                         // acknowledged, not on the chain at the end
  std::size_t doubled = 0;                      // chain transactions no task accounts for
  std::size_t chain_txs = 0;                    // transactions in the soak's blocks
  std::size_t bills = 0, bill_mismatches = 0;   // users checked, bills off the balance
  std::map<std::string, std::size_t> failures;  // request failures, "reason @op" → count
  std::map<std::string, std::size_t> ends;      // acknowledged writes by final state
  std::vector<std::string> findings;            // lost and doubled ones, named
  std::vector<std::pair<double, double>> lbh;   // (seconds, LBH) once a second
  std::vector<chaos_event> events;
  int platform_restarts = 0;

  double read_rate() const { return reads ? double(reads_ok) / double(reads) : 1.0; }
  /// lost = 0, doubled = 0, bills = balances, and reads ≥ 99.9 % unless the
  /// platform itself was killed.
  bool passed() const;
  std::string markdown() const;
  std::string json() const;
};

soak_report run_soak(const soak_options& o);

} // namespace petrade::bench
