// What the mixes need to exist before the clock starts: the admin's session,
// users with tokens and a listed project each, open demands, a custodial
// account to unlock, finished tasks and their transaction hashes to look up,
// and the token contract's address for the /rpc reads. Built through the
// public API, like any client would.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace petrade::bench {

struct bench_user {
  std::string name;
  std::string token;        // bearer session
  std::string address;      // the user's chain account
  std::uint64_t project = 0;
  std::uint64_t task = 0;   // the user's top-up task
  std::string tx_hash;      // and its transaction
};

struct world {
  std::string admin_token;
  std::vector<bench_user> users;
  std::vector<std::uint64_t> demands;
  std::vector<std::size_t> demand_owners;   // index into users, per demand
  std::string unlock_address;
  std::string unlock_password;
  std::string token_contract;
  std::uint64_t head = 0;   // the chain's head when the world was made
};

struct world_plan {
  std::size_t users = 16;
  std::size_t demands = 4;
  bool business = true;     // projects and demands too
};

/// Builds the world on the platform whose gateway listens on `port`, as the
/// admin whose password is `admin_password`. Throws std::runtime_error
/// naming the step that failed.
world make_world(unsigned short port, const std::string& admin_password, const world_plan& plan);

/// A public project listing at price 1, as the publish endpoint takes it.
std::string project_body(const std::string& title);

/// Waits until every task (id, its owner's session) is mined or confirmed;
/// returns how many failed.
std::size_t wait_for_tasks(unsigned short port, const std::vector<std::pair<std::uint64_t, std::string>>& tasks);

} // namespace petrade::bench
