// A load of tasks fired at once: every read at the dispatcher, every write
// at the transaction manager (which signs, journals, acknowledges and follows
// it), with every answer collected, failures included.
#pragma once

#include "actors/platform.hpp"
#include "protocol/eth/key.hpp"
#include "protocol/eth/uint256.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/messages.hpp"
#include "protocol/task.hpp"
#include "protocol/write_request.hpp"

#include "tests/support/tools.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <vector>

namespace petrade::test {

struct load_outcome {
  std::vector<task_result> reads;
  std::vector<write_status> writes;
};

// Fires every read (at the dispatcher) and every write (at the transaction
// manager, which signs, journals, acknowledges and follows it) at once, and
// collects the answers.
inline caf::behavior load_driver(caf::event_based_actor* self, caf::actor dispatcher, caf::actor txm,
                          std::vector<task> reads, std::vector<write_request> writes,
                          std::promise<load_outcome>* done) {
  auto out = std::make_shared<load_outcome>();
  auto left = std::make_shared<std::size_t>(reads.size() + writes.size());
  auto one_done = [=] {
    if (--*left == 0) {
      done->set_value(*out);
      self->quit();
    }
  };
  for (auto& t : reads)
    self->request(dispatcher, std::chrono::seconds(60), submit_atom_v, t)
      .then([=](task_result r) { out->reads.push_back(std::move(r)); one_done(); },
            [=](caf::error& e) {
              task_result r;
              r.id = t.id;
              r.error = task_error::unreachable;
              r.message = to_string(e);
              out->reads.push_back(r);
              one_done();
            });
  for (auto& w : writes)
    self->request(txm, std::chrono::seconds(60), submit_atom_v, w)
      .then([=](write_status s) { out->writes.push_back(std::move(s)); one_done(); },
            [=](caf::error& e) {
              write_status s;
              s.state = "error";
              s.error = to_string(e);
              out->writes.push_back(s);
              one_done();
            });
  return {[](tick_atom) {}};
}

/// Registers the devnet's dev keys with the platform's transaction manager,
/// so that writes from them are signed; the keys, in test::dev_keys' order.
inline std::vector<eth::private_key> unlock_dev_keys(platform& plat) {
  std::vector<eth::private_key> keys;
  caf::scoped_actor self{plat.system()};
  for (auto& k : dev_keys) {
    keys.push_back(eth::private_key::from_hex(k));
    self->request(plat.tx_manager(), std::chrono::seconds(10), unlock_atom_v, keys.back().address().hex(),
                  std::string(k))
      .receive([](const std::string&) {}, [](caf::error&) {});
  }
  return keys;
}

/// How many transactions `who` has sent, as the node answers.
inline std::uint64_t tx_count(jsonrpc::client& node, const std::string& who) {
  return static_cast<std::uint64_t>(eth::from_quantity(
    node.call_sync("eth_getTransactionCount", nlohmann::json::array({who, "latest"})).get<std::string>()));
}

} // namespace petrade::test
