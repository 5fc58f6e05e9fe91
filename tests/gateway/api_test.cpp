// The REST API over real HTTP against a whole platform: the business
// scenario as two users, and every kind of bad input answered with its
// documented 4xx JSON error while nothing changes.
#include "tests/gateway/gateway_fixture.hpp"

#include "protocol/base64.hpp"

namespace petrade::test {
namespace {

class GatewayApi : public served_suite {
protected:
  gateway_client api{*served};
};

const std::string deck_text = "%PDF-1.4 the Acme deck";
const std::vector<std::uint8_t> deck(deck_text.begin(), deck_text.end());

json project(const std::string& visibility, const std::string& title = "Series A of Acme") {
  return {{"title", title},
          {"summary", "Ten percent of Acme Robotics at two million."},
          {"price", 300},
          {"keywords", {"robotics", "series-a"}},
          {"visibility", visibility},
          {"file", {{"name", "deck.pdf"}, {"content_base64", base64_encode(deck)}}}};
}

json demand(int bounty) {
  return {{"description", "Looking for a fintech seed deal"},
          {"details", "Ticket 50k to 200k, Europe only"},
          {"keywords", {"fintech", "seed"}},
          {"bounty", bounty},
          {"expires_in", 3600}};
}

std::uint64_t newest_project(gateway_client& api, const std::string& token) {
  auto mine = api.ok("/api/projects/mine", token)["published"];
  return mine.empty() ? 0 : mine.back()["id"].get<std::uint64_t>();
}

TEST_F(GatewayApi, TwoUsersTradeAProjectAndADemand) {
  auto alice = api.sign_up("alice");
  auto bob = api.sign_up("bob");
  EXPECT_EQ(api.ok("/api/me", alice)["username"], "alice");
  EXPECT_TRUE(landed(api.write("/api/token/topup", {{"amount", 1000}}, alice)));
  api.write("/api/token/topup", {{"amount", 500}}, bob);

  api.write("/api/projects", project("friends"), alice);
  auto id = newest_project(api, alice);
  ASSERT_NE(id, 0u);
  auto path = "/api/projects/" + std::to_string(id);
  EXPECT_EQ(api.get(path, bob).status, 404);
  EXPECT_EQ(api.post(path + "/buy", json(), bob).status, 404);

  EXPECT_EQ(api.post("/api/contacts/requests", {{"to", "bob"}}, alice).status, 200);
  EXPECT_EQ(api.ok("/api/contacts/requests", bob).dump().find("alice") != std::string::npos, true);
  EXPECT_EQ(api.post("/api/contacts/requests/alice/accept", json(), bob).status, 200);
  EXPECT_EQ(api.ok(path, bob)["title"], "Series A of Acme");
  auto denied = api.get(path + "/file", bob);
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(error_code(denied), "forbidden");

  EXPECT_TRUE(landed(api.write(path + "/buy", json(), bob)));
  auto file = api.ok(path + "/file", bob);
  EXPECT_EQ(base64_decode(file.value("content_base64", "")), deck);
  EXPECT_EQ(api.ok("/api/token/balance", bob)["balance"], "200");
  EXPECT_EQ(api.ok("/api/token/balance", alice)["balance"], "1300");

  api.write("/api/demands", demand(100), bob);
  auto demands = api.ok("/api/demands?owner=bob&state=open")["demands"];
  ASSERT_EQ(demands.size(), 1u);
  auto d = "/api/demands/" + std::to_string(demands[0]["id"].get<std::uint64_t>());
  api.write(d + "/answers", {{"text", "Payly, Berlin, 120k"}}, alice);
  auto not_owner = api.post(d + "/award", {{"index", 0}}, alice);
  EXPECT_EQ(not_owner.status, 403);
  api.write(d + "/award", {{"index", 0}}, bob);
  EXPECT_EQ(api.ok(d)["state"], "awarded");
  EXPECT_EQ(api.ok("/api/token/balance", alice)["balance"], "1400");
  auto bill = api.ok("/api/token/bill", alice);
  EXPECT_NE(bill.dump().find("bounty"), std::string::npos) << bill.dump();
}

TEST_F(GatewayApi, BadInputIsRefusedWithItsErrorAndChangesNothing) {
  auto carol = api.sign_up("carol");
  auto dave = api.sign_up("dave");
  api.write("/api/token/topup", {{"amount", 100}}, carol);
  api.write("/api/token/topup", {{"amount", 100}}, dave);
  api.write("/api/projects", project("public", "Dave's public round"), dave);
  api.write("/api/projects", project("private", "Dave's private round"), dave);
  api.write("/api/demands", demand(10), dave);
  auto dave_projects = api.ok("/api/projects/mine", dave)["published"];
  ASSERT_EQ(dave_projects.size(), 2u);
  auto pub = "/api/projects/" + std::to_string(dave_projects[0]["id"].get<std::uint64_t>());
  auto priv = "/api/projects/" + std::to_string(dave_projects[1]["id"].get<std::uint64_t>());
  auto dave_demand = "/api/demands/" + std::to_string(api.ok("/api/demands/mine", dave)["published"][0]["id"].get<std::uint64_t>());
  auto dave_task = api.post("/api/token/topup", {{"amount", 1}}, dave).header("location");
  ASSERT_FALSE(dave_task.empty());
  auto before = [&] {
    return json{api.ok("/api/token/balance", carol), api.ok("/api/token/balance", dave),
                api.ok("/api/projects/mine", carol), api.ok("/api/demands/mine", carol),
                api.ok(pub, dave)["state"], api.ok(dave_demand)["state"]};
  };
  api.follow(dave_task, dave);
  auto snapshot = before();

  struct bad {
    std::string what;
    http_reply reply;
    int status;
    std::string code;
  };
  auto forged = std::string(64, 'a');
  auto huge = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
  std::string badsum = dev_addr0;
  badsum[3] = badsum[3] == 'F' ? 'f' : 'F';   // one letter's case: the checksum breaks
  std::vector<bad> cases{
    {"malformed JSON", api.post_text("/api/token/topup", "{\"amount\": 5", carol), 400, "bad_request"},
    {"a 10 MB body", api.post_text("/api/projects", std::string(10'000'000, 'x'), carol), 413, "payload_too_large"},
    {"amount of the wrong type", api.post("/api/token/topup", {{"amount", "ten"}}, carol), 400, "bad_request"},
    {"boolean amount", api.post("/api/token/topup", {{"amount", true}}, carol), 400, "bad_request"},
    {"keywords of the wrong type", api.post("/api/demands", [] { auto b = demand(5); b["keywords"] = "fintech"; return b; }(), carol), 400, "bad_request"},
    {"an unknown field", api.post("/api/token/topup", {{"amount", 5}, {"memo", "x"}}, carol), 400, "bad_request"},
    {"an unknown query parameter", api.get("/api/token/balance?username=dave", carol), 400, "bad_request"},
    {"a negative amount", api.post("/api/token/transfer", {{"to", "dave"}, {"amount", -5}}, carol), 400, "bad_request"},
    {"2^256 as a number", api.post_text("/api/token/topup", std::string("{\"amount\":") + huge + "}", carol), 400, "bad_request"},
    {"2^256 as a string", api.post("/api/token/topup", {{"amount", huge}}, carol), 400, "invalid"},
    {"a zero amount", api.post("/api/token/burn", {{"amount", 0}}, carol), 400, "invalid"},
    {"more than the balance", api.post("/api/token/transfer", {{"to", "dave"}, {"amount", 101}}, carol), 402, "insufficient_funds"},
    {"an invalid address", api.get("/api/chain/balances/0x1234"), 400, "bad_request"},
    {"a wrongly checksummed address", api.get("/api/chain/balances/" + badsum), 400, "bad_request"},
    {"a short demand description", api.post("/api/demands", [] { auto b = demand(5); b["description"] = "abc"; return b; }(), carol), 400, "invalid"},
    {"a forged token", api.get("/api/me", forged), 401, "unauthenticated"},
    {"no token on a user route", api.post("/api/token/topup", {{"amount", 5}}), 401, "unauthenticated"},
    {"another user's private project", api.get(priv, carol), 404, "not_found"},
    {"buying another user's private project", api.post(priv + "/buy", json(), carol), 404, "not_found"},
    {"delisting another user's project", api.post(pub + "/delist", json(), carol), 403, "forbidden"},
    {"downloading a project not bought", api.get(pub + "/file", carol), 403, "forbidden"},
    {"awarding another user's demand", api.post(dave_demand + "/award", {{"index", 0}}, carol), 403, "forbidden"},
    {"following another user's task", api.get(dave_task, carol), 404, "not_found"},
    {"a non-admin on an admin route", api.get("/api/admin/accounts", carol), 403, "forbidden"},
    {"a non-admin minting", api.post("/api/admin/token/mint", {{"username", "carol"}, {"amount", 5}}, carol), 403, "forbidden"},
    {"an unknown route", api.get("/api/nothing-here", carol), 404, "not_found"},
    {"a wrong method", api.request_delete("/api/projects", carol), 405, "method_not_allowed"},
  };
  for (auto& c : cases) {
    EXPECT_EQ(c.reply.status, c.status) << c.what << ": " << c.reply.body;
    EXPECT_EQ(error_code(c.reply), c.code) << c.what << ": " << c.reply.body;
    EXPECT_NE(json::parse(c.reply.body, nullptr, false)["error"].value("message", ""), "") << c.what;
  }
  EXPECT_EQ(before(), snapshot);
  EXPECT_EQ(api.get("/api/chain/balances/" + std::string(dev_addr0)).status, 200);
}

TEST_F(GatewayApi, AWriteIsFollowedByItsOwnerOnlyAfterTheGatewayRestarts) {
  auto olga = api.sign_up("olga");
  auto pavel = api.sign_up("pavel");
  auto r = api.post("/api/token/topup", {{"amount", 5}}, olga, {{"Idempotency-Key", "olga-owner-1"}});
  ASSERT_EQ(r.status, 202) << r.body;
  auto location = r.header("location");

  served->restart_gateway();
  gateway_client fresh{*served};
  EXPECT_TRUE(landed(fresh.follow(location, olga))) << "the owner lost sight of her task";
  auto other = fresh.get(location, pavel);
  EXPECT_EQ(other.status, 404) << other.body;
  EXPECT_EQ(error_code(other), "not_found");
  EXPECT_EQ(fresh.get(location, fresh.admin()).status, 200);
  EXPECT_EQ(fresh.get(location).status, 401);
}

TEST_F(GatewayApi, LogoutEndsTheSession) {
  auto erin = api.sign_up("erin");
  EXPECT_EQ(api.get("/api/me", erin).status, 200);
  EXPECT_EQ(api.post("/api/auth/logout", json(), erin).status, 200);
  auto after = api.get("/api/me", erin);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.header("www-authenticate"), "Bearer");
}

TEST_F(GatewayApi, OperatorsSeeMetricsAndTheClusterLive) {
  auto metrics = api.get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.header("content-type").find("text/plain"), std::string::npos);
  for (auto family : {"petrade_lbh ", "petrade_health_margin ", "petrade_node_state{", "petrade_node_zone{",
                      "petrade_node_inflight{", "petrade_node_latency_seconds_bucket{", "petrade_mailbox_depth{",
                      "petrade_tasks_total{", "petrade_tx_pending ", "petrade_tx_replaced_total ",
                      "petrade_tx_confirmations "})
    EXPECT_NE(metrics.body.find(family), std::string::npos) << family;

  auto user = api.sign_up("frank");
  EXPECT_EQ(api.get("/api/cluster").status, 401);
  EXPECT_EQ(api.get("/api/cluster", user).status, 403);
  auto admin = api.admin();
  auto cluster = api.ok("/api/cluster", admin);
  EXPECT_EQ(cluster["nodes"].size(), 2u);
  EXPECT_TRUE(cluster["lbh"].is_number());
  EXPECT_TRUE(cluster["dispatcher"]["mailboxes"].contains("read"));

  auto stream = read_events(served->port(), "/api/cluster/stream", {{"Authorization", "Bearer " + admin}}, 2, 10000);
  EXPECT_NE(stream.find("text/event-stream"), std::string::npos);
  std::vector<json> events;
  const std::string marker = "event: cluster\ndata: ";
  for (auto at = stream.find(marker); at != std::string::npos; at = stream.find(marker, at + 1)) {
    auto start = at + marker.size();
    events.push_back(json::parse(stream.substr(start, stream.find('\n', start) - start)));
  }
  ASSERT_GE(events.size(), 2u) << stream;
  EXPECT_EQ(events[0]["nodes"].size(), 2u);
  // One event per interval (200 ms here), not as fast as the actors answer.
  EXPECT_GE(events[1]["at_ms"].get<std::uint64_t>() - events[0]["at_ms"].get<std::uint64_t>(), 150u);
}

TEST_F(GatewayApi, ServesTheWebAppAndNeverLeavesItsRoot) {
  std::filesystem::create_directories(served->dir + "/web/assets");
  write_file(served->dir + "/web/index.html", "<!doctype html><title>petrade</title>");
  write_file(served->dir + "/web/assets/app.js", "console.log(1)");
  write_file(served->dir + "/secret.txt", "not for the web");
  auto index = api.get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("<title>petrade</title>"), std::string::npos);
  EXPECT_EQ(api.get("/projects/12").body, index.body);   // the app routes in the browser
  auto js = api.get("/assets/app.js");
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_NE(js.header("content-type").find("javascript"), std::string::npos);
  EXPECT_EQ(api.get("/../secret.txt").body, index.body);
  EXPECT_EQ(api.get("/%2e%2e/secret.txt").body, index.body);
  EXPECT_EQ(error_code(api.get("/api/unknown")), "not_found");
}

} // namespace
} // namespace petrade::test
