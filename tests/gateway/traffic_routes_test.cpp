// Gateway management over real HTTP (issue 10): a route group switched off
// answers 503 and comes back; route and client limits take effect on the
// next request, without a restart; the snapshot counts requests and errors
// per route.
#include "tests/gateway/gateway_fixture.hpp"

#include <thread>

namespace petrade::test {
namespace {

class TrafficRoutes : public served_suite {
protected:
  gateway_client api{*served};

  json route(const json& snapshot, const std::string& key) {
    for (auto& r : snapshot["routes"])
      if (r.value("route", "") == key)
        return r;
    return json::object();
  }
};

TEST_F(TrafficRoutes, ASwitchedOffGroupAnswers503AndComesBack) {
  auto admin = api.admin();
  auto off = api.post("/api/admin/gateway/groups/projects", json{{"on", false}}, admin);
  ASSERT_EQ(off.status, 200) << off.body;
  auto refused = api.get("/api/projects");
  EXPECT_EQ(refused.status, 503);
  EXPECT_NE(refused.body.find("'projects' routes are switched off"), std::string::npos) << refused.body;
  EXPECT_EQ(api.get("/api/health").status, 200) << "another group was switched off too";
  EXPECT_EQ(api.ok("/api/admin/gateway", admin)["groups"]["projects"]["on"], false);

  EXPECT_EQ(api.post("/api/admin/gateway/groups/admin", json{{"on", false}}, admin).status, 409);
  EXPECT_EQ(api.post("/api/admin/gateway/groups/nothing", json{{"on", false}}, admin).status, 404);
  EXPECT_EQ(api.post("/api/admin/gateway/groups/projects", json::object(), admin).status, 400);

  ASSERT_EQ(api.post("/api/admin/gateway/groups/projects", json{{"on", true}}, admin).status, 200);
  EXPECT_EQ(api.get("/api/projects").status, 200);
}

TEST_F(TrafficRoutes, LimitsTakeEffectOnTheNextRequest) {
  auto admin = api.admin();
  auto set = api.post("/api/admin/gateway/limits", json{{"route", "GET /api/health"}, {"rate", 0.2}, {"burst", 1}}, admin);
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(route(json::parse(set.body), "GET /api/health")["limit"]["rate"], 0.2);
  EXPECT_EQ(api.get("/api/health").status, 200);
  auto limited = api.get("/api/health");
  EXPECT_EQ(limited.status, 429);
  EXPECT_NE(limited.body.find("GET /api/health takes at most"), std::string::npos) << limited.body;
  EXPECT_FALSE(limited.header("retry-after").empty());
  EXPECT_EQ(api.get("/api/projects").status, 200) << "the limit of one route held back another";
  ASSERT_EQ(api.post("/api/admin/gateway/limits", json{{"route", "GET /api/health"}, {"remove", true}}, admin).status, 200);
  EXPECT_EQ(api.get("/api/health").status, 200);

  // This client (the test, on 127.0.0.1): 3 requests saved up, 1 a second.
  ASSERT_EQ(api.post("/api/admin/gateway/limits", json{{"client", "127.0.0.1"}, {"rate", 1}, {"burst", 3}}, admin).status, 200);
  int served_before_429 = 0;
  while (served_before_429 < 10 && api.get("/api/health").status == 200)
    ++served_before_429;
  EXPECT_LE(served_before_429, 4) << "the client limit did not apply";
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(api.post("/api/admin/gateway/limits", json{{"client", "127.0.0.1"}, {"remove", true}}, admin).status, 200);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(api.get("/api/health").status, 200);
}

TEST_F(TrafficRoutes, TheSnapshotCountsRequestsAndErrorsPerRoute) {
  auto admin = api.admin();
  for (int i = 0; i < 5; ++i)
    api.get("/api/health");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(api.get("/api/projects/987654").status, 404);
  auto s = api.ok("/api/admin/gateway", admin);
  auto health = route(s, "GET /api/health");
  EXPECT_GE(health.value("requests", 0), 5) << health.dump();
  EXPECT_GT(health.value("requests_per_s", 0.0), 0.0);
  EXPECT_EQ(health.value("group", ""), "health");
  auto missing = route(s, "GET /api/projects/{id}");
  EXPECT_GE(missing.value("client_errors", 0), 3) << missing.dump();
  EXPECT_GT(missing.value("error_rate", 0.0), 0.0);
  EXPECT_EQ(s["window_s"], 10);
}

TEST_F(TrafficRoutes, BadChangesAreRefusedWithTheirReason) {
  auto admin = api.admin();
  auto says = [&](const json& body, int status, const std::string& text) {
    auto r = api.post("/api/admin/gateway/limits", body, admin);
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_NE(r.body.find(text), std::string::npos) << r.body;
  };
  says(json{{"rate", "fast"}}, 400, "'rate' must be a number");
  says(json{{"route", "GET /nowhere"}, {"rate", 1}}, 404, "no route 'GET /nowhere'");
  says(json{{"remove", true}}, 400, "default limit cannot be removed");
  says(json{{"route", "GET /api/health"}, {"client", "1.2.3.4"}, {"rate", 1}}, 400, "not both");
  says(json{{"rate", -1}}, 400, "'rate'");
  says(json{{"speed", 3}}, 400, "unknown field 'speed'");
  EXPECT_EQ(api.get("/api/health").status, 200);
}

} // namespace
} // namespace petrade::test
