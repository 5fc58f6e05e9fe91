// A whole platform behind its gateway, shared by a suite's tests: an anvil
// devnet, the actor core, the business actors in process, and the HTTP
// gateway on a free port. Tests speak only HTTP to it, as the web app does.
#pragma once

#include "actors/business_host.hpp"
#include "actors/platform.hpp"
#include "gateway/gateway.hpp"
#include "bench/http_client.hpp"
#include "tests/support/test_platform.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>

namespace petrade::test {

using bench::http_client;
using bench::http_reply;
using bench::read_events;


using json = nlohmann::json;
using namespace std::chrono_literals;
using headers = std::map<std::string, std::string>;

/// A followed task that made it into a block (confirmations may already be in).
inline bool landed(const json& task) {
  return task.is_object() && (task["state"] == "mined" || task["state"] == "confirmed");
}

struct served_platform {
  std::string dir;
  std::unique_ptr<platform> plat;
  std::unique_ptr<gateway::gateway> http;
  std::string admin_password = "admin password for tests";

  explicit served_platform(std::chrono::seconds session_ttl = 3600s) {
    dir = temp_dir("gateway");
    auto b = test_business_settings();
    b.admin_password = admin_password;
    b.session_ttl = session_ttl;
    auto cfg = test_platform_config(dir, b);
    plat = std::make_unique<platform>(cfg);
    plat->start();
    serve();
  }

  /// A new gateway over the same platform, on a new port: what it knew in
  /// memory is gone.
  void restart_gateway() {
    http.reset();
    serve();
  }

  void serve() {
    gateway::gateway_config g;
    g.server.port = 0;
    g.server.requests_per_second = 0;   // the rate limit has its own suite
    g.web_root = dir + "/web";
    g.cluster_interval = 200ms;
    http = std::make_unique<gateway::gateway>(
      plat->system(),
      gateway::actor_handles{plat->business(), plat->tx_manager(), plat->dispatcher(), plat->supervisor(), plat->control()},
      g);
  }

  ~served_platform() {
    http.reset();
    plat.reset();
    std::filesystem::remove_all(dir);
  }

  unsigned short port() const { return http->port(); }
};

/// A suite whose tests share one served platform (starting one takes seconds).
class served_suite : public ::testing::Test {
public:
  static void SetUpTestSuite() { served = new served_platform(); }
  static void TearDownTestSuite() {
    delete served;
    served = nullptr;
  }

protected:
  static inline served_platform* served = nullptr;
};

/// HTTP helpers over one served platform.
class gateway_client {
public:
  explicit gateway_client(served_platform& p) : p_(p), client_(p.port()) {}

  http_reply get(const std::string& target, const std::string& token = "") {
    return client_.get(target, auth(token));
  }
  http_reply post(const std::string& target, const json& body, const std::string& token = "",
                  headers extra = {}) {
    auto h = auth(token);
    h.insert(extra.begin(), extra.end());
    return client_.post(target, body.is_null() ? "" : body.dump(), h);
  }
  http_reply post_text(const std::string& target, const std::string& body, const std::string& token = "") {
    return client_.post(target, body, auth(token));
  }
  http_reply request_delete(const std::string& target, const std::string& token = "") {
    return client_.request("DELETE", target, "", auth(token));
  }
  http_client& raw() { return client_; }

  /// Registers and signs in; the session token.
  std::string sign_up(const std::string& name) {
    json creds{{"username", name}, {"password", "password of " + name}};
    auto r = post("/api/auth/register", creds);
    EXPECT_EQ(r.status, 201) << r.body;
    auto token = sign_in(name, "password of " + name);
    // The user's first write needs the enrollment (gas, whitelisting) mined.
    auto made = json::parse(r.body, nullptr, false);
    auto tasks = made.is_object() && made.contains("enrollment") ? made["enrollment"].value("tasks", json::array())
                                                                  : json::array();
    EXPECT_FALSE(tasks.empty()) << r.body;
    for (auto& t : tasks)
      EXPECT_TRUE(landed(follow("/api/tasks/" + std::to_string(t.value("task", 0)), token))) << r.body;
    return token;
  }
  std::string sign_in(const std::string& name, const std::string& password) {
    auto r = post("/api/auth/login", {{"username", name}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body).value("token", "") : "";
  }
  std::string admin() { return sign_in("admin", p_.admin_password); }

  /// A write that must be accepted (202), followed until mined and indexed.
  json write(const std::string& target, const json& body, const std::string& token) {
    auto r = post(target, body, token, {{"Idempotency-Key", next_key()}});
    EXPECT_EQ(r.status, 202) << target << " " << r.body;
    if (r.status != 202)
      return json();
    EXPECT_EQ(r.header("location"), "/api/tasks/" + std::to_string(json::parse(r.body).value("task", 0)));
    return follow(r.header("location"), token);
  }
  json follow(const std::string& location, const std::string& token) {
    for (int i = 0; i < 20; ++i) {
      auto r = get(location + "?wait=10000", token);
      EXPECT_EQ(r.status, 200) << r.body;
      auto s = json::parse(r.body);
      if (s["state"] == "failed")
        return s;
      if ((s["state"] == "mined" || s["state"] == "confirmed") && s["indexed"] == true)
        return s;
    }
    ADD_FAILURE() << location << " never settled";
    return json();
  }
  json ok(const std::string& target, const std::string& token = "") {
    auto r = get(target, token);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r.status == 200 ? json::parse(r.body) : json();
  }

private:
  static headers auth(const std::string& token) {
    return token.empty() ? headers{} : headers{{"Authorization", "Bearer " + token}};
  }
  static std::string next_key() {
    static std::atomic<int> n{0};
    return "test-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
  }
  served_platform& p_;
  http_client client_;
};

/// The JSON error code of a reply, or "" when it is not one.
inline std::string error_code(const http_reply& r) {
  auto j = json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

} // namespace petrade::test
