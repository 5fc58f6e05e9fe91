// The platform's side of a worker process (design §2): connects to the
// business host a worker publishes, attaches it to this platform's
// dispatcher and transaction manager, and forwards business calls to it.
// While the worker is down every call fails at once with "unavailable"
// (nothing hangs); calls under way when it died fail too. The link keeps
// reconnecting and re-attaches when the worker is back.
//
// Messages: (call_atom, business_call) -> business_reply
//           (wait_atom, uint64_t block) -> uint64_t (the worker's indexer)
//           (status_atom) -> string: "attached", "connecting"
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace petrade {

struct business_link_config {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  caf::actor dispatcher;
  caf::actor tx_manager;
  std::string market_json;
  std::chrono::milliseconds call_timeout{30000};
  std::chrono::milliseconds retry_interval{500};
  std::function<void(const std::string& level, const std::string& text)> log;
};

caf::actor spawn_business_link(caf::actor_system& sys, business_link_config cfg);

} // namespace petrade
