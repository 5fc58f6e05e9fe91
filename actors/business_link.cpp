#include "actors/business_link.hpp"

#include "actors/business_kit.hpp"
#include "protocol/messages.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <map>

namespace petrade {

namespace {

struct link_state {
  business_link_config cfg;
  caf::actor worker;          // set once connected
  bool attached = false;
  bool connecting = false;
  std::uint64_t next_call = 0;
  std::map<std::uint64_t, caf::response_promise> pending;
  static inline const char* name = "business_link";
};

using link_actor = caf::stateful_actor<link_state>;

void log(link_actor* self, const std::string& level, const std::string& text) {
  if (self->state.cfg.log)
    self->state.cfg.log(level, text);
}

std::string where(link_actor* self) {
  return "worker " + self->state.cfg.host + ":" + std::to_string(self->state.cfg.port);
}

/// remote_actor blocks, so it runs on a thread of its own and reports back.
void connect(link_actor* self) {
  if (self->state.connecting)
    return;
  self->state.connecting = true;
  auto host = self->state.cfg.host;
  auto port = self->state.cfg.port;
  auto link = caf::actor_cast<caf::actor>(self);
  self->system().spawn<caf::detached>([host, port, link](caf::event_based_actor* helper) {
    auto found = helper->system().middleman().remote_actor(host, port);
    if (found)
      helper->send(link, open_atom_v, *found);
    else
      helper->send(link, open_atom_v, helper->system().render(found.error()));
  });
}

void retry_later(link_actor* self) {
  self->delayed_send(self, self->state.cfg.retry_interval, tick_atom_v);
}

void fail_pending(link_actor* self, const std::string& why) {
  for (auto& [id, rp] : self->state.pending)
    rp.deliver(fail_reply(business_error::unavailable, why));
  self->state.pending.clear();
}

void attach(link_actor* self) {
  auto& st = self->state;
  self->request(st.worker, st.cfg.call_timeout, attach_atom_v, st.cfg.dispatcher, st.cfg.tx_manager,
                st.cfg.market_json)
    .then(
      [self](std::string&) {
        self->state.attached = true;
        log(self, "info", where(self) + " attached");
      },
      [self](caf::error& e) {
        log(self, "warn", where(self) + " did not attach: " + self->system().render(e));
        self->state.worker = nullptr;
        retry_later(self);
      });
}

caf::behavior link_behavior(link_actor* self, business_link_config cfg) {
  self->state.cfg = std::move(cfg);
  self->set_down_handler([self](caf::down_msg& dm) {
    if (dm.source != self->state.worker.address())
      return;
    self->state.worker = nullptr;
    self->state.attached = false;
    log(self, "warn", where(self) + " is gone (" + self->system().render(dm.reason) + "); reconnecting");
    fail_pending(self, where(self) + " went down while answering; the call may not have happened");
    retry_later(self);
  });
  connect(self);
  return {
    [self](open_atom, caf::actor& worker) {
      self->state.connecting = false;
      self->state.worker = worker;
      self->monitor(worker);
      attach(self);
    },
    [self](open_atom, std::string& why) {
      self->state.connecting = false;
      log(self, "info", "cannot reach " + where(self) + " yet: " + why);
      retry_later(self);
    },
    [self](tick_atom) {
      if (!self->state.worker)
        connect(self);
    },
    [self](call_atom, business_call& c) -> caf::result<business_reply> {
      auto& st = self->state;
      if (!st.attached)
        return fail_reply(business_error::unavailable,
                          where(self) + " is unreachable; " + c.op + " was not run, try again shortly");
      auto id = st.next_call++;
      auto rp = self->make_response_promise();
      st.pending.emplace(id, rp);
      self->request(st.worker, st.cfg.call_timeout, call_atom_v, std::move(c))
        .then(
          [self, id](business_reply& r) {
            auto it = self->state.pending.find(id);
            if (it != self->state.pending.end()) {
              it->second.deliver(std::move(r));
              self->state.pending.erase(it);
            }
          },
          [self, id](caf::error& e) {
            auto it = self->state.pending.find(id);
            if (it != self->state.pending.end()) {
              it->second.deliver(fail_reply(business_error::unavailable,
                                            where(self) + " did not answer: " + self->system().render(e)));
              self->state.pending.erase(it);
            }
          });
      return caf::delegated<business_reply>();
    },
    [self](wait_atom, std::uint64_t block) -> caf::result<caf::message> {
      if (!self->state.attached)
        return caf::make_error(caf::sec::request_receiver_down, where(self) + " is unreachable");
      return self->delegate(self->state.worker, wait_atom_v, block);
    },
    [self](status_atom) -> std::string {
      return self->state.attached ? "attached" : "connecting";
    },
  };
}

} // namespace

caf::actor spawn_business_link(caf::actor_system& sys, business_link_config cfg) {
  return sys.spawn(link_behavior, std::move(cfg));
}

} // namespace petrade
