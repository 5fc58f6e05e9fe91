// The business scenario of issue 4 through the actors, in one process and
// with the actors in a worker process: two users, a friends-only project, a
// purchase, a download of the exact bytes, a demand answered and awarded,
// and every bill summing to the on-chain balance.
#include "tests/business/business_fixture.hpp"

#include "protocol/base64.hpp"

namespace petrade::test {
namespace {

const std::vector<std::uint8_t> file_bytes = [] {
  std::vector<std::uint8_t> v;
  for (int i = 0; i < 5000; ++i)
    v.push_back(static_cast<std::uint8_t>((i * 7919) & 0xff));
  return v;
}();

json project_body(const std::string& visibility) {
  return {{"title", "Series A of Acme"},
          {"summary", "Ten percent of Acme Robotics at a pre-money of two million."},
          {"price", 300},
          {"keywords", {"robotics", "series-a"}},
          {"visibility", visibility},
          {"file", {{"name", "acme-deck.pdf"}, {"content_base64", base64_encode(file_bytes)}}}};
}

json demand_body(int bounty, int expires_in) {
  return {{"description", "Looking for a fintech seed deal"},
          {"details", "Ticket 50k to 200k, Europe only, B2B"},
          {"keywords", {"fintech", "seed"}},
          {"bounty", bounty},
          {"expires_in", expires_in}};
}

bool listed_to(BusinessFixture& f, const std::string& user, std::uint64_t id) {
  auto list = f.ok(user, "project.list");
  for (auto& p : list["projects"])
    if (p["id"] == id)
      return true;
  return false;
}

void expect_bill_matches_balance(BusinessFixture& f, const std::string& user) {
  auto bill = f.ok(user, "token.bill");
  EXPECT_EQ(bill.value("total", "?"), f.balance(user)) << user << "'s bill: " << bill.dump();
}

TEST_P(BusinessFixture, TwoUsersTradeAProjectAndADemand) {
  sign_up("alice");
  sign_up("bob");
  EXPECT_EQ(call("", "account.login", {{"username", "alice"}, {"password", "wrong password"}}).error,
            business_error::unauthenticated);
  EXPECT_TRUE(ok("", "account.login", {{"username", "alice"}, {"password", "correct horse alice"}})
                .contains("token"));

  settle(ok("alice", "token.topup", {{"amount", 1000}}));
  expect_balance("alice", "1000");

  // A publishes P for friends only; B, a stranger, cannot see it.
  settle(ok("alice", "project.publish", project_body("friends")));
  auto mine = listing("alice", "project.mine", "published")["published"];
  ASSERT_EQ(mine.size(), 1u);
  auto id = mine[0]["id"].get<std::uint64_t>();
  EXPECT_EQ(mine[0]["visibility"], "friends");
  EXPECT_FALSE(listed_to(*this, "bob", id));
  EXPECT_EQ(call("bob", "project.get", {{"id", id}}).error, business_error::not_found);
  EXPECT_EQ(call("", "project.get", {{"id", id}}).error, business_error::not_found);
  EXPECT_EQ(call("bob", "project.buy", {{"id", id}}).error, business_error::not_found);

  // Friends: B sees P but may not download it before buying.
  ok("alice", "account.friend_request", {{"to", "bob"}});
  ok("bob", "account.friend_accept", {{"from", "alice"}});
  EXPECT_TRUE(listed_to(*this, "bob", id));
  EXPECT_EQ(ok("bob", "project.list", {{"query", "ACME robotics"}})["total"], 1);
  EXPECT_EQ(ok("bob", "project.list", {{"keyword", "series-a"}})["total"], 1);
  EXPECT_EQ(ok("bob", "project.list", {{"keyword", "biotech"}})["total"], 0);
  EXPECT_EQ(ok("bob", "project.list", {{"offset", 1}})["projects"].size(), 0u);
  auto seen = ok("bob", "project.get", {{"id", id}});
  EXPECT_EQ(seen["title"], "Series A of Acme");
  EXPECT_EQ(seen["access"], false);
  auto denied = call("bob", "project.download", {{"id", id}});
  EXPECT_EQ(denied.error, business_error::forbidden) << denied.message;

  // B cannot afford it yet, tops up, buys, and downloads the exact bytes.
  EXPECT_EQ(call("bob", "project.buy", {{"id", id}}).error, business_error::insufficient_funds);
  settle(ok("bob", "token.topup", {{"amount", 500}}));
  settle(ok("bob", "project.buy", {{"id", id}}));
  expect_balance("bob", "200");
  expect_balance("alice", "1300");
  auto again = call("bob", "project.buy", {{"id", id}});
  EXPECT_EQ(again.error, business_error::conflict) << again.message;
  EXPECT_EQ(call("alice", "project.buy", {{"id", id}}).error, business_error::conflict);
  auto got = ok("bob", "project.download", {{"id", id}});
  EXPECT_EQ(got["file_name"], "acme-deck.pdf");
  EXPECT_EQ(base64_decode(got.value("content_base64", "")), file_bytes);

  // Views and downloads were recorded on chain by the viewer's key.
  json counted;
  for (int i = 0; i < 100; ++i) {
    counted = ok("alice", "project.get", {{"id", id}});
    if (counted.value("views", 0) >= 1 && counted.value("downloads", 0) >= 1)
      break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GE(counted.value("views", 0), 1) << counted.dump();
  EXPECT_EQ(counted.value("downloads", 0), 1) << counted.dump();
  EXPECT_EQ(counted.value("buyers", 0), 1) << counted.dump();

  // Only the seller delists; a buyer keeps the file afterwards.
  EXPECT_EQ(call("bob", "project.delist", {{"id", id}}).error, business_error::forbidden);
  settle(ok("alice", "project.delist", {{"id", id}}));
  EXPECT_FALSE(listed_to(*this, "bob", id));
  EXPECT_EQ(call("alice", "project.delist", {{"id", id}}).error, business_error::conflict);
  EXPECT_EQ(base64_decode(ok("bob", "project.download", {{"id", id}}).value("content_base64", "")), file_bytes);

  // B publishes demand D; A answers; B awards A.
  settle(ok("bob", "demand.publish", demand_body(100, 60)));
  auto demands = listing("", "demand.list", "demands")["demands"];
  ASSERT_EQ(demands.size(), 1u);
  auto d = demands[0]["id"].get<std::uint64_t>();
  EXPECT_EQ(demands[0]["state"], "open");
  EXPECT_EQ(demands[0]["description"], "Looking for a fintech seed deal");
  expect_balance("bob", "100");
  EXPECT_EQ(ok("", "demand.list", {{"keyword", "fintech"}, {"state", "open"}})["total"], 1);
  EXPECT_EQ(ok("", "demand.list", {{"query", "biotech"}})["total"], 0);
  EXPECT_EQ(call("bob", "demand.answer", {{"id", d}, {"text", "my own answer"}}).error, business_error::conflict);
  settle(ok("alice", "demand.answer", {{"id", d}, {"text", "Fintech seed: Payly, 120k ticket, Berlin"}}));
  EXPECT_EQ(call("alice", "demand.answer", {{"id", d}, {"text", "a second answer"}}).error, business_error::conflict);
  EXPECT_EQ(call("alice", "demand.award", {{"id", d}, {"index", 0}}).error, business_error::forbidden);
  settle(ok("bob", "demand.award", {{"id", d}, {"index", 0}}));
  auto done = ok("", "demand.get", {{"id", d}});
  EXPECT_EQ(done["state"], "awarded");
  ASSERT_EQ(done["answer_list"].size(), 1u);
  EXPECT_EQ(done["answer_list"][0]["answerer_name"], "alice");
  expect_balance("alice", "1400");
  expect_balance("bob", "100");

  for (auto* u : {"alice", "bob"})
    expect_bill_matches_balance(*this, u);
  std::map<std::string, int> kinds;
  auto bill = ok("alice", "token.bill");
  for (auto& e : bill["entries"])
    ++kinds[e.value("kind", "?")];
  EXPECT_EQ(kinds["top-up"], 1);
  EXPECT_EQ(kinds["sale"], 1);
  EXPECT_EQ(kinds["bounty"], 1);
}

TEST_P(BusinessFixture, AnExpiredDemandIsRefundedWithoutAnyoneAsking) {
  sign_up("carol");
  settle(ok("carol", "token.topup", {{"amount", 50}}));
  settle(ok("carol", "demand.publish", demand_body(30, 3)));
  expect_balance("carol", "20");
  auto demands = listing("", "demand.list", "demands")["demands"];
  ASSERT_EQ(demands.size(), 1u);
  auto id = demands[0]["id"].get<std::uint64_t>();
  auto until = std::chrono::steady_clock::now() + 60s;
  std::string state;
  while (std::chrono::steady_clock::now() < until) {
    state = ok("", "demand.get", {{"id", id}}).value("state", "?");
    if (state == "refunded")
      break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(state, "refunded");
  expect_balance("carol", "50");
  expect_bill_matches_balance(*this, "carol");
  std::map<std::string, int> kinds;
  auto bill = ok("carol", "token.bill");
  for (auto& e : bill["entries"])
    ++kinds[e.value("kind", "?")];
  EXPECT_EQ(kinds["escrow"], 1);
  EXPECT_EQ(kinds["refund"], 1);
}

TEST_P(BusinessFixture, EveryFormRuleIsEnforced) {
  sign_up("dave");
  settle(ok("dave", "token.topup", {{"amount", 40}}));
  auto expect = [&](const json& body, business_error e, const std::string& why) {
    auto r = call("dave", "demand.publish", body);
    EXPECT_EQ(r.error, e) << why << ": " << r.message;
    EXPECT_FALSE(r.message.empty()) << why;
  };
  auto short_desc = demand_body(10, 60);
  short_desc["description"] = "abcd";
  expect(short_desc, business_error::invalid, "description under 5 characters");
  auto long_details = demand_body(10, 60);
  long_details["details"] = std::string(101, 'x');
  expect(long_details, business_error::invalid, "details over 100 characters");
  auto no_keywords = demand_body(10, 60);
  no_keywords["keywords"] = json::array();
  expect(no_keywords, business_error::invalid, "no keywords");
  expect(demand_body(10, -5), business_error::invalid, "expiry in the past");
  expect(demand_body(0, 60), business_error::invalid, "zero bounty");
  expect(demand_body(41, 60), business_error::insufficient_funds, "bounty over the balance");
  auto bad_price = project_body("public");
  bad_price["price"] = 0;
  EXPECT_EQ(call("dave", "project.publish", bad_price).error, business_error::invalid);
  auto bad_vis = project_body("everyone");
  EXPECT_EQ(call("dave", "project.publish", bad_vis).error, business_error::invalid);
  EXPECT_EQ(call("", "project.publish", project_body("public")).error, business_error::unauthenticated);
  EXPECT_EQ(call("dave", "token.pause").error, business_error::forbidden);
  EXPECT_EQ(call("dave", "token.enroll", {{"address", dev_addr0}}).error, business_error::forbidden);
  EXPECT_EQ(call("dave", "project.nonsense").error, business_error::invalid);
}

TEST_P(BusinessFixture, ChainReadsAreReadTasksAndAdminsDeploy) {
  auto head = ok("", "chain.block_number")["result"].get<std::string>();
  EXPECT_EQ(head.rfind("0x", 0), 0u);
  auto block = ok("", "chain.block", {{"number", 1}})["result"];
  EXPECT_EQ(block.value("number", ""), "0x1");
  EXPECT_EQ(ok("", "chain.block", {{"hash", block["hash"]}})["result"]["number"], "0x1");
  auto tx_hash = block["transactions"][0].get<std::string>();
  EXPECT_EQ(ok("", "chain.transaction", {{"hash", tx_hash}})["result"]["hash"], tx_hash);
  EXPECT_EQ(ok("", "chain.receipt", {{"hash", tx_hash}})["result"]["status"], "0x1");
  EXPECT_TRUE(ok("", "chain.gas_price")["result"].is_string());
  EXPECT_NE(ok("", "chain.balance", {{"address", dev_addr0}})["result"], "0x0");
  EXPECT_EQ(call("", "chain.block", {{"number", 1000000}}).error, business_error::not_found);
  EXPECT_EQ(call("", "chain.receipt", {{"hash", "0x12"}}).error, business_error::invalid);
  EXPECT_EQ(call("", "chain.balance", {{"address", "nobody"}}).error, business_error::invalid);

  // A deploy task: PUSH1 0 PUSH1 0 RETURN, an empty contract.
  json code{{"bytecode", "0x60006000f3"}};
  EXPECT_EQ(call("erin", "chain.deploy", code).error, business_error::forbidden);
  EXPECT_EQ(call("", "chain.deploy", code).error, business_error::unauthenticated);
  auto r = call("root", "chain.deploy", code, "admin");
  ASSERT_TRUE(r.ok()) << r.message;
  auto s = mined(json::parse(r.body));
  EXPECT_GT(s.block, 0u);
}

TEST_P(BusinessFixture, ARestartOnAFreshDevnetDeploysAgainAndWorks) {
  sign_up("heidi");
  settle(ok("heidi", "token.topup", {{"amount", 10}}));
  // The embedded devnet is a new chain at every start: the platform must not
  // reuse nonces or contracts of the chain that is gone.
  plat.reset();
  plat = std::make_unique<platform>(config);
  plat->start();
  if (GetParam() == placement::worker_process)
    wait_until_served(60s);
  EXPECT_TRUE(std::filesystem::exists(config.db_path + ".previous"));
  sign_up("ivan");
  settle(ok("ivan", "token.topup", {{"amount", 10}}));
  expect_balance("ivan", "10");
}

INSTANTIATE_TEST_SUITE_P(Placement, BusinessFixture,
                         ::testing::Values(placement::in_process, placement::worker_process),
                         placement_name);

} // namespace
} // namespace petrade::test
