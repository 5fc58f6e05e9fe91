#include "actors/chain_access.hpp"

#include "protocol/eth/abi_revert.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/messages.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <random>

namespace petrade::chain {

namespace {

using json = nlohmann::json;

} // namespace

/// Dispatcher task ids must not collide between clients, including clients in
/// other processes: every process starts its ids at a random point.
std::uint64_t next_task_id() {
  static std::atomic<std::uint64_t> next{[] {
    std::random_device rd;
    return ((std::uint64_t{rd()} << 32) | rd()) & ((1ULL << 62) - 1);
  }()};
  return next++;
}

namespace {

failure failure_of(const task_result& r) {
  failure f;
  f.error = r.error == task_error::busy ? business_error::busy : business_error::chain;
  f.message = r.message.empty() ? std::string("the node failed") : r.message;
  return f;
}

failure transport_failure(const std::string& what, const caf::error& e) {
  failure f;
  f.error = business_error::unavailable;
  f.message = what + ": " + caf::to_string(e);
  return f;
}

} // namespace

void read(caf::event_based_actor* self, const access& chain, const std::string& method,
          json params, json_done ok, failed fail) {
  task t;
  t.id = next_task_id();
  t.kind = task_kind::read;
  t.method = method;
  t.params = params.dump();
  self->request(chain.dispatcher, chain.timeout, submit_atom_v, std::move(t))
    .then(
      [ok, fail, method](task_result& r) {
        if (!r.ok()) {
          auto f = failure_of(r);
          f.message = method + ": " + f.message;
          fail(f);
          return;
        }
        json value;
        try {
          value = json::parse(r.result);
        } catch (const std::exception& e) {
          fail(failure{business_error::chain, method + ": unreadable answer (" + e.what() + ")", {}});
          return;
        }
        ok(value);
      },
      [fail, method](caf::error& e) { fail(transport_failure(method + " via the dispatcher", e)); });
}

void view(caf::event_based_actor* self, const access& chain, const eth::address& to,
          const eth::bytes& calldata, bytes_done ok, failed fail) {
  task t;
  t.id = next_task_id();
  t.kind = task_kind::read;
  t.method = "eth_call";
  t.params = json::array({json{{"to", to.hex()}, {"data", eth::to_hex(calldata)}}, "latest"}).dump();
  self->request(chain.dispatcher, chain.timeout, submit_atom_v, std::move(t))
    .then(
      [ok, fail](task_result& r) {
        if (r.error == task_error::rpc) {
          failure f;
          f.error = business_error::chain;
          f.message = r.message;
          try {
            auto data = json::parse(r.result);
            if (data.is_string()) {
              auto info = eth::abi::decode_revert(eth::from_hex(data.get<std::string>()));
              f.revert_reason = info.kind == eth::abi::revert_kind::error_string ? info.reason
                                                                                 : info.message;
              f.message = info.message;
            }
          } catch (const std::exception&) {
            // No revert data: the node's message is all there is.
          }
          fail(f);
          return;
        }
        if (!r.ok()) {
          fail(failure_of(r));
          return;
        }
        try {
          ok(eth::from_hex(json::parse(r.result).get<std::string>()));
        } catch (const std::exception& e) {
          fail(failure{business_error::chain, std::string("eth_call: unreadable answer (") + e.what() + ")", {}});
        }
      },
      [fail](caf::error& e) { fail(transport_failure("eth_call via the dispatcher", e)); });
}

void write(caf::event_based_actor* self, const access& chain, write_request req,
           status_done ok, failed fail) {
  self->request(chain.tx_manager, chain.timeout, submit_atom_v, std::move(req))
    .then(
      [ok, fail](write_status& s) {
        if (refused(s)) {
          fail(failure{s.state == "unavailable" ? business_error::busy : business_error::invalid, s.error, {}});
          return;
        }
        ok(s);
      },
      [fail](caf::error& e) { fail(transport_failure("the transaction manager", e)); });
}

write_request contract_call(const eth::address& from, const eth::address& to, const eth::bytes& data,
                            std::string idempotency_key, task_kind kind) {
  write_request req;
  req.kind = kind;
  req.from = from.hex();
  req.to = to.hex();
  req.data = eth::to_hex(data);
  req.idempotency_key = std::move(idempotency_key);
  return req;
}

void write_and_reply(caf::event_based_actor* self, const access& chain, write_request req,
                     caf::response_promise rp) {
  write(
    self, chain, std::move(req),
    [rp](const write_status& s) mutable { rp.deliver(business_reply{business_error::none, {}, task_json(s).dump()}); },
    [rp](const failure& f) mutable { rp.deliver(reply_of(f)); });
}

void settle(caf::event_based_actor* self, const access& chain, std::uint64_t task_id,
            status_done ok, failed fail, std::chrono::milliseconds timeout) {
  self->request(chain.tx_manager, timeout, wait_atom_v, task_id)
    .then([ok](write_status& s) { ok(s); },
          [fail, task_id](caf::error& e) {
            fail(transport_failure("waiting for task " + std::to_string(task_id), e));
          });
}

business_reply reply_of(const failure& why) {
  business_reply r;
  r.error = why.error;
  r.message = why.revert_reason.empty() ? why.message : why.revert_reason;
  return r;
}

nlohmann::json task_json(const write_status& s) {
  json j{{"task", s.task_id}, {"state", s.state}};
  if (!s.tx_hash.empty())
    j["tx"] = s.tx_hash;
  if (s.block)
    j["block"] = s.block;
  if (!s.error.empty())
    j["error"] = s.error;
  return j;
}

} // namespace petrade::chain
