#include "bench/world.hpp"

#include "bench/http_client.hpp"
#include "protocol/base64.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace petrade::bench {

using json = nlohmann::json;

namespace {

std::map<std::string, std::string> auth(const std::string& token) {
  return {{"authorization", "Bearer " + token}, {"content-type", "application/json"}};
}

json expect(const http_reply& r, int status, const std::string& step) {
  if (r.status != status)
    throw std::runtime_error("bench setup: " + step + " answered " + std::to_string(r.status) + ": " + r.body);
  return json::parse(r.body, nullptr, false);
}

} // namespace

std::string project_body(const std::string& title) {
  return json{{"title", title},
          {"summary", "A benchmark listing of ten percent at one million."},
          {"price", 1},
          {"keywords", {"bench"}},
          {"visibility", "public"},
          {"file", {{"name", "deck.pdf"}, {"content_base64", [&] { std::string t = "%PDF-1.4 " + title; return base64_encode({t.begin(), t.end()}); }()}}}}.dump();
}

std::size_t wait_for_tasks(unsigned short port, const std::vector<std::pair<std::uint64_t, std::string>>& tasks) {
  http_client c(port);
  std::size_t failed = 0;
  for (auto& [id, token] : tasks) {
    for (int tries = 0;; ++tries) {
      auto r = c.get("/api/tasks/" + std::to_string(id) + "?wait=10000", auth(token));
      auto j = expect(r, 200, "following task " + std::to_string(id));
      auto state = j.value("state", "");
      if (state == "mined" || state == "confirmed")
        break;
      if (state == "failed" || tries > 30) {
        ++failed;
        break;
      }
    }
  }
  return failed;
}

world make_world(unsigned short port, const std::string& admin_password, const world_plan& plan) {
  http_client c(port);
  world w;
  auto login = [&](const std::string& name, const std::string& password) {
    auto j = expect(c.post("/api/auth/login", json{{"username", name}, {"password", password}}.dump(),
                           {{"content-type", "application/json"}}), 200, "login of " + name);
    return j.value("token", "");
  };
  w.admin_token = login("admin", admin_password);
  std::vector<std::pair<std::uint64_t, std::string>> waits;
  auto task_of = [](const json& j) { return j.value("task", std::uint64_t{0}); };
  for (std::size_t i = 0; i < plan.users; ++i) {
    bench_user u;
    u.name = "bench" + std::to_string(i);
    auto creds = json{{"username", u.name}, {"password", "password of " + u.name}}.dump();
    auto made = expect(c.post("/api/auth/register", creds, {{"content-type", "application/json"}}), 201,
                       "registering " + u.name);
    u.token = login(u.name, "password of " + u.name);
    for (auto& t : made["enrollment"].value("tasks", json::array()))
      waits.emplace_back(task_of(t), u.token);
    w.users.push_back(u);
  }
  if (wait_for_tasks(port, waits))
    throw std::runtime_error("bench setup: a user's enrollment failed");
  waits.clear();
  for (auto& u : w.users) {
    u.address = expect(c.get("/api/me", auth(u.token)), 200, "reading " + u.name).value("address", "");
    auto t = expect(c.post("/api/token/topup", json{{"amount", 1'000'000}}.dump(), auth(u.token)), 202,
                    "topping up " + u.name);
    u.task = task_of(t);
    waits.emplace_back(u.task, u.token);
  }
  if (wait_for_tasks(port, waits))
    throw std::runtime_error("bench setup: a top-up failed");
  waits.clear();
  for (auto& u : w.users) {
    auto t = expect(c.get("/api/tasks/" + std::to_string(u.task), auth(u.token)), 200, "reading a task");
    u.tx_hash = t.value("tx", "");
    if (plan.business)
      waits.emplace_back(task_of(expect(c.post("/api/projects", project_body("Listing of " + u.name),
                                               auth(u.token)), 202, "publishing")), u.token);
  }
  for (std::size_t i = 0; plan.business && i < plan.demands; ++i) {
    json d{{"description", "Looking for a benchmark seed deal"}, {"details", "Any ticket"},
           {"keywords", {"bench"}}, {"bounty", 1}, {"expires_in", 86400}};
    auto& u = w.users[i % w.users.size()];
    waits.emplace_back(task_of(expect(c.post("/api/demands", d.dump(), auth(u.token)), 202, "posting a demand")),
                       u.token);
  }
  if (wait_for_tasks(port, waits))
    throw std::runtime_error("bench setup: publishing failed");
  if (plan.business) {
    for (auto& u : w.users) {
      // The read models follow the chain; wait until the listing is indexed.
      for (int tries = 0; u.project == 0 && tries < 100; ++tries) {
        auto mine = expect(c.get("/api/projects/mine", auth(u.token)), 200, "listing projects");
        auto pub = mine.value("published", json::array());
        if (!pub.empty())
          u.project = pub[0].value("id", std::uint64_t{0});
        else
          ::usleep(100'000);
      }
      if (u.project == 0)
        throw std::runtime_error("bench setup: " + u.name + "'s project never appeared");
    }
    for (int tries = 0; w.demands.size() < plan.demands && tries < 100; ++tries) {
      w.demands.clear();
      w.demand_owners.clear();
      auto open = expect(c.get("/api/demands?state=open"), 200, "listing demands");
      for (auto& d : open.value("demands", json::array())) {
        auto owner = d.value("owner_name", std::string());
        auto u = std::find_if(w.users.begin(), w.users.end(), [&](auto& x) { return x.name == owner; });
        if (u == w.users.end())
          continue;   // not one of the bench's users
        w.demands.push_back(d.value("id", std::uint64_t{0}));
        w.demand_owners.push_back(static_cast<std::size_t>(u - w.users.begin()));
      }
      if (w.demands.size() < plan.demands)
        ::usleep(100'000);
    }
  }
  w.unlock_password = "unlock me";
  w.unlock_address = expect(c.post("/api/admin/accounts", json{{"password", w.unlock_password}}.dump(),
                                   auth(w.admin_token)), 201, "creating an account").value("address", "");
  w.token_contract = expect(c.get("/api/admin/token", auth(w.admin_token)), 200, "reading the token").value("token", "");
  auto head = expect(c.get("/api/chain/head"), 200, "reading the head");
  w.head = std::stoull(head.value("result", "0x0"), nullptr, 16);
  return w;
}

} // namespace petrade::bench
