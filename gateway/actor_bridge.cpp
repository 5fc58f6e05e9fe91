#include "gateway/actor_bridge.hpp"

#include "protocol/messages.hpp"
#include "protocol/node_ops.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

namespace petrade::gateway {

namespace {

/// One request, one answer: the spawned actor ends once the reply (or the
/// timeout) has been handed on.
template <class Reply, class... Ts>
void ask(caf::actor_system& sys, const caf::actor& target, std::chrono::milliseconds timeout,
         std::function<void(Reply)> ok, std::function<void(std::string)> fail, Ts... xs) {
  if (!target) {
    fail("the service is not running");
    return;
  }
  sys.spawn([=, &sys](caf::event_based_actor* self) {
    self->request(target, timeout, xs...)
      .then([ok](Reply& r) { ok(std::move(r)); },
            [fail, &sys](caf::error& e) { fail(sys.render(e)); });
  });
}

} // namespace

actor_bridge::actor_bridge(caf::actor_system& sys, actor_handles handles)
  : sys_(sys), handles_(std::move(handles)) {}

void actor_bridge::call(business_call c, std::chrono::milliseconds timeout,
                        std::function<void(business_reply)> done) {
  auto fail = [done](std::string why) {
    business_reply r;
    r.error = business_error::unavailable;
    r.message = "the business service did not answer: " + why;
    done(std::move(r));
  };
  ask<business_reply>(sys_, handles_.business, timeout, done, fail, call_atom_v, std::move(c));
}

void actor_bridge::status(const caf::actor& who, std::chrono::milliseconds timeout,
                          std::function<void(std::string)> done, failure fail) {
  ask<std::string>(sys_, who, timeout, std::move(done), std::move(fail), status_atom_v);
}

void actor_bridge::task_state(std::uint64_t id, bool wait, std::chrono::milliseconds timeout,
                              std::function<void(write_status)> done, failure fail) {
  if (wait)
    ask<write_status>(sys_, handles_.tx_manager, timeout, std::move(done), std::move(fail),
                      wait_atom_v, id);
  else
    ask<write_status>(sys_, handles_.tx_manager, timeout, std::move(done), std::move(fail),
                      status_atom_v, id);
}

void actor_bridge::record_owner(std::uint64_t id, const std::string& user,
                                std::chrono::milliseconds timeout, std::function<void(bool)> done,
                                failure fail) {
  ask<bool>(sys_, handles_.tx_manager, timeout, std::move(done), std::move(fail), owner_atom_v, id,
            user);
}

void actor_bridge::indexed(std::uint64_t block, std::chrono::milliseconds timeout,
                           std::function<void()> done, failure fail) {
  ask<std::uint64_t>(
    sys_, handles_.business, timeout, [done](std::uint64_t) { done(); }, std::move(fail),
    wait_atom_v, block);
}

void actor_bridge::submit(task t, std::chrono::milliseconds timeout,
                          std::function<void(task_result)> done) {
  auto id = t.id;
  auto fail = [done, id](std::string why) {
    task_result r;
    r.id = id;
    r.error = task_error::unreachable;
    r.message = "the dispatcher did not answer: " + why;
    done(std::move(r));
  };
  ask<task_result>(sys_, handles_.dispatcher, timeout, std::move(done), fail, submit_atom_v,
                   std::move(t));
}

void actor_bridge::node_operation(node_op op, const std::string& arg, std::chrono::milliseconds timeout,
                                  std::function<void(std::string)> done, failure fail) {
  auto& c = handles_.control;
  switch (op) {
    case node_op::add:
      return ask<std::string>(sys_, c, timeout, std::move(done), std::move(fail), join_atom_v, arg);
    case node_op::remove:
      return ask<std::string>(sys_, c, timeout, std::move(done), std::move(fail), leave_atom_v, arg);
    case node_op::cordon:
    case node_op::uncordon:
      return ask<std::string>(sys_, c, timeout, std::move(done), std::move(fail), cordon_atom_v, arg,
                              op == node_op::cordon);
  }
}

} // namespace petrade::gateway
