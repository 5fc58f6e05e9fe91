#include "actors/business_calls.hpp"

#include "protocol/messages.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <map>

namespace petrade::business {

using json = nlohmann::json;

void ask(caf::event_based_actor* self, const caf::actor& to, business_call call, reply_done done,
         std::chrono::milliseconds timeout) {
  auto op = call.op;
  if (!to) {
    business_reply r;
    r.error = business_error::unavailable;
    r.message = "no actor serves " + service_of(op);
    done(r);
    return;
  }
  self->request(to, timeout, call_atom_v, std::move(call))
    .then([done](business_reply& r) { done(r); },
          [done, op](caf::error& e) {
            business_reply r;
            r.error = business_error::unavailable;
            r.message = service_of(op) + " is unavailable (" + caf::to_string(e) + ")";
            done(r);
          });
}

void signer(caf::event_based_actor* self, const caf::actor& accounts, const std::string& user,
            std::function<void(const eth::address&)> ok, reply_done fail) {
  business_call c;
  c.op = "account.signer";
  c.role = "system";
  c.body = json{{"username", user}}.dump();
  ask(self, accounts, std::move(c), [ok, fail](const business_reply& r) {
    if (!r.ok()) {
      fail(r);
      return;
    }
    try {
      ok(eth::address::parse(json::parse(r.body).at("address").get<std::string>()));
    } catch (const std::exception& e) {
      business_reply bad;
      bad.error = business_error::unavailable;
      bad.message = std::string("account.signer answered without an address: ") + e.what();
      fail(bad);
    }
  });
}

void addresses_of(caf::event_based_actor* self, const caf::actor& accounts,
                  const std::vector<std::string>& users,
                  std::function<void(const std::map<std::string, eth::address>&)> ok,
                  reply_done fail) {
  business_call c;
  c.op = "account.lookup";
  c.role = "system";
  c.body = json{{"usernames", users}}.dump();
  ask(self, accounts, std::move(c), [ok, fail](const business_reply& r) {
    if (!r.ok()) {
      fail(r);
      return;
    }
    std::map<std::string, eth::address> out;
    try {
      auto answer = json::parse(r.body);   // kept alive for the loop
      for (auto& u : answer.at("users"))
        out.emplace(u.at("username").get<std::string>(),
                    eth::address::parse(u.at("address").get<std::string>()));
    } catch (const std::exception& e) {
      business_reply bad;
      bad.error = business_error::unavailable;
      bad.message = std::string("account.lookup answered badly: ") + e.what();
      fail(bad);
      return;
    }
    ok(out);
  });
}

} // namespace petrade::business
