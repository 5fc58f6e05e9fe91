// The mixes hold the thesis's proportions exactly over every 100 requests,
// and each operation builds the request its route documents.
#include "bench/mixes.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

namespace petrade::bench {
namespace {

std::shared_ptr<const world> sample_world() {
  auto w = std::make_shared<world>();
  w->admin_token = "admin-token";
  for (int i = 0; i < 4; ++i)
    w->users.push_back({"bench" + std::to_string(i), "token" + std::to_string(i),
                        "0x" + std::string(39, '0') + std::to_string(i), 10u + i, 20u + i, "0xhash"});
  w->demands = {7, 8};
  w->demand_owners = {2, 0};
  w->unlock_address = "0x" + std::string(40, 'a');
  w->token_contract = "0x" + std::string(40, 'b');
  w->head = 40;
  return w;
}

TEST(Mixes, Table51HoldsEachShareExactlyPerHundredRequests) {
  auto m = table51_mix(sample_world());
  std::vector<int> seen(m.ops.size());
  for (std::size_t n = 1200; n < 1300; ++n)
    ++seen[m.op_of(n)];
  EXPECT_EQ(seen, m.percent);
  EXPECT_EQ(m.percent, (std::vector<int>{20, 5, 5, 10, 5, 5, 5, 30, 5, 5, 5}));
  // Interleaved: the 30 % of sends are not one run of 30 in a row.
  int longest = 0, run = 0;
  for (std::size_t n = 0; n < 100; ++n) {
    run = m.op_of(n) == 7 ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  EXPECT_LT(longest, 5);
}

TEST(Mixes, Table51RequestsNameTheirRoutesAndCallers) {
  auto w = sample_world();
  auto m = table51_mix(w);
  std::set<std::string> targets;
  for (std::size_t n = 0; n < 100; ++n) {
    auto op = m.op_of(n);
    auto r = m.make(op, n);
    targets.insert(r.method + " " + r.target.substr(0, r.target.find_first_of("?0123456789")));
    if (m.ops[op] == "send_transaction") {
      auto body = nlohmann::json::parse(r.body);
      EXPECT_EQ(body["amount"], 1);
      EXPECT_NE(body["to"], w->users[n % 4].name);   // never to oneself
      EXPECT_EQ(r.bearer, w->users[n % 4].token);
    }
    if (m.ops[op] == "deploy_contract" || m.ops[op] == "create_account")
      EXPECT_EQ(r.bearer, "admin-token");
  }
  EXPECT_TRUE(targets.count("POST /api/admin/chain/deploy"));
  EXPECT_TRUE(targets.count("GET /api/chain/head"));
  EXPECT_TRUE(targets.count("POST /api/token/transfer"));
  EXPECT_EQ(targets.size(), 11u);
}

TEST(Mixes, BusinessBuysAndAnswersNeverRepeatAPair) {
  auto w = sample_world();
  auto m = business_mix(w);
  std::set<std::string> buys, answers;
  std::size_t n = 5000;   // a later run's numbers: runs on one platform continue the count
  while (buys.size() < 4 * 3 || answers.size() < 2 * 3) {
    auto op = m.op_of(n);
    auto r = m.make(op, n);
    if (m.ops[op] == "buy" && buys.size() < 4 * 3) {
      EXPECT_TRUE(buys.insert(r.bearer + r.target).second) << r.bearer << " " << r.target;
      auto seller_project = std::stoul(r.target.substr(std::string("/api/projects/").size()));
      auto buyer = r.bearer.back() - '0';
      EXPECT_NE(seller_project, w->users[static_cast<std::size_t>(buyer)].project);
    } else if (m.ops[op] == "answer" && answers.size() < 2 * 3) {
      EXPECT_TRUE(answers.insert(r.bearer + r.target).second) << r.bearer << " " << r.target;
      auto demand = std::stoul(r.target.substr(std::string("/api/demands/").size()));
      auto owner = w->demand_owners[demand - 7];
      EXPECT_NE(r.bearer, w->users[owner].token) << "answers its own demand";
    }
    ++n;
  }
}

TEST(Mixes, RankNumbersEachOperationsRequestsWithoutGaps) {
  auto m = business_mix(sample_world());
  std::vector<std::size_t> next(m.ops.size());
  for (std::size_t n = 0; n < 1000; ++n) {
    auto op = m.op_of(n);
    EXPECT_EQ(m.rank(n), next[op]++) << "request " << n;
  }
}

TEST(Mixes, RpcReadsAreJsonRpcCallsOnThePathGiven) {
  auto m = rpc_read_mix(sample_world(), "/rpc");
  std::set<std::string> methods;
  for (std::size_t n = 0; n < 8; ++n) {
    auto r = m.make(m.op_of(n), n);
    EXPECT_EQ(r.target, "/rpc");
    EXPECT_TRUE(r.json_rpc);
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["id"], n);
    methods.insert(body["method"]);
    if (body["method"] == "eth_getLogs")
      EXPECT_EQ(body["params"][0]["fromBlock"], "0x18");   // 16 blocks below the head
  }
  EXPECT_EQ(methods, (std::set<std::string>{"eth_call", "eth_getBalance", "eth_blockNumber", "eth_getLogs"}));
}

TEST(Mixes, SourcesNumberRequestsFromTheirBase) {
  auto m = block_number_mix("/");
  auto source = m.source(5, 1000);
  auto body = nlohmann::json::parse(source(2, 3).body);
  EXPECT_EQ(body["id"], 1000 + 2 * 5 + 3);
}

} // namespace
} // namespace petrade::bench
