// Fault injection between the dispatcher and a node actor: a proxy actor
// that passes, drops, delays or duplicates the tasks it is sent. Attach the
// proxy to the dispatcher in place of the node actor.
#pragma once

#include "protocol/messages.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <map>
#include <memory>

namespace petrade::test {

enum class fault { pass, drop, delay, duplicate };

struct fault_counters {
  int seen = 0;        // tasks that reached the proxy
  int forwarded = 0;   // copies sent on to the node actor
};

struct fault_proxy_state {
  std::map<std::uint64_t, caf::response_promise> held;   // delayed, by task id
  static inline const char* name = "fault_proxy";
};

inline caf::behavior fault_proxy(caf::stateful_actor<fault_proxy_state>* self, caf::actor node,
                                 fault mode, std::chrono::milliseconds delay,
                                 std::shared_ptr<fault_counters> counters) {
  return {
    [=](execute_atom, task& t) -> caf::result<caf::message> {
      ++counters->seen;
      switch (mode) {
        case fault::pass:
          ++counters->forwarded;
          return self->delegate(node, execute_atom_v, std::move(t));
        case fault::drop:
          // Never answered: the caller's request times out.
          return caf::delegated<caf::message>{};
        case fault::delay: {
          self->state.held.emplace(t.id, self->make_response_promise());
          self->delayed_send(self, delay, tick_atom_v, std::move(t));
          return caf::delegated<caf::message>{};   // answered from `held`
        }
        case fault::duplicate:
          counters->forwarded += 2;
          self->send(node, execute_atom_v, t);   // the extra copy's answer is dropped
          return self->delegate(node, execute_atom_v, std::move(t));
      }
      return caf::delegated<caf::message>{};
    },
    [=](tick_atom, task& t) {
      ++counters->forwarded;
      auto id = t.id;
      self->request(node, caf::infinite, execute_atom_v, std::move(t))
        .then([=](task_result r) {
          auto it = self->state.held.find(id);
          if (it != self->state.held.end()) {
            it->second.deliver(std::move(r));
            self->state.held.erase(it);
          }
        });
    },
    [](const task_result&) {
      // the answer to a duplicate: the dispatcher must see only one
    },
  };
}

} // namespace petrade::test
