// The indexer on a real one-node devnet, reading through the platform's
// dispatcher: a whole market history becomes read models whose bills match
// PetToken.balanceOf; a reorg (anvil's snapshot and revert) is undone; and
// how fast it catches up on a long chain. Chain writes are signed here and
// sent straight to the node, so a revert cannot confuse a transaction manager.
#include "actors/indexer_actor.hpp"
#include "actors/platform.hpp"
#include "devnet/devnet.hpp"
#include "protocol/eth/abi.hpp"
#include "protocol/eth/contract_artifact.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"
#include "protocol/eth/key.hpp"
#include "protocol/eth/transaction.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "protocol/messages.hpp"
#include "storage/database.hpp"
#include "storage/read_model.hpp"
#include "tests/support/tools.hpp"

#include <caf/all.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using json = nlohmann::json;
using args = std::vector<eth::abi::value>;

eth::private_key key(int i) { return eth::private_key::from_hex(test::dev_keys[i]); }
eth::hash256 tag(const std::string& text) { return eth::keccak256(std::string_view(text)); }

class IndexerTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    token_art = eth::load_contract_artifact("PetToken");
    market_art = eth::load_contract_artifact("ProjectMarket");
    board_art = eth::load_contract_artifact("DemandBoard");
    scratch = new test::scratch_dir("indexer");
    devnet::devnet_config net;
    net.nodes = 1;
    net.base_port = test::free_port_range(1);
    net.data_dir = scratch->path() + "/devnet";
    cluster = new devnet::cluster(net);
    cluster->start();
    platform_config cfg;
    auto node = cluster->nodes()[0];
    cfg.external.push_back({"node0", node.url, node.submit_url, {}, {}});
    cfg.dispatcher.chain_id = 31337;
    cfg.supervisor.probe_interval = 200ms;
    plat = new platform(cfg);
    plat->start();
    for (int i = 0; i < 100 && !admitted(); ++i)
      std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(admitted()) << plat->status_json();
  }
  static void TearDownTestSuite() {
    delete plat;
    delete cluster;
    delete scratch;
  }

  static bool admitted() {
    auto nodes = json::parse(plat->status_json()).at("cluster").at("nodes");
    return nodes.size() == 1 && nodes[0].value("admitted", false);
  }

  void SetUp() override {
    node = jsonrpc::client::create(io, cluster->nodes()[0].url);
    db = std::make_unique<storage::database>(scratch->path() + "/db-" + name());
    rm = std::make_unique<storage::read_model>(*db);
    token = deploy(token_art, {});
    market = deploy(market_art, {token});
    board = deploy(board_art, {token});
    from_block = head() - 2;
  }

  void TearDown() override {
    if (indexer) {
      caf::scoped_actor self{plat->system()};
      self->send_exit(indexer, caf::exit_reason::user_shutdown);
      self->wait_for(indexer);
    }
  }

  static std::string name() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  json rpc(const std::string& method, json params = json::array()) {
    return node->call_sync(method, std::move(params));
  }
  std::uint64_t head() {
    return static_cast<std::uint64_t>(eth::from_quantity(rpc("eth_blockNumber").get<std::string>()));
  }

  // Signs with dev key `from`, sends, and returns the mined receipt.
  json send(int from, std::optional<eth::address> to, const eth::bytes& data) {
    auto k = key(from);
    eth::transaction tx;
    tx.chain_id = 31337;
    tx.nonce = static_cast<std::uint64_t>(eth::from_quantity(
      rpc("eth_getTransactionCount", {k.address().hex(), "pending"}).get<std::string>()));
    tx.max_priority_fee_per_gas = 1;
    tx.max_fee_per_gas = 10'000'000'000ULL;
    json call{{"from", k.address().hex()}, {"data", eth::to_hex(data)}};
    if (to)
      call["to"] = to->hex();
    tx.gas_limit = 2 * static_cast<std::uint64_t>(
                     eth::from_quantity(rpc("eth_estimateGas", json::array({call})).get<std::string>()));
    tx.to = to;
    tx.data = data;
    tx.sign(k);
    auto hash = cluster->send_raw_transaction(0, eth::to_hex(tx.raw()));
    for (int i = 0; i < 1000; ++i) {
      auto r = rpc("eth_getTransactionReceipt", {hash});
      if (!r.is_null()) {
        EXPECT_EQ(r.at("status"), "0x1") << hash;
        return r;
      }
      std::this_thread::sleep_for(5ms);
    }
    throw std::runtime_error("transaction " + hash + " was not mined");
  }

  eth::address deploy(const eth::contract_artifact& art, const args& a) {
    auto r = send(0, std::nullopt, art.deploy_data(a));
    return eth::address::parse(r.at("contractAddress").get<std::string>());
  }
  json send(int from, const eth::address& to, const eth::contract_artifact& art,
            const std::string& fn, const args& a) {
    return send(from, std::optional(to), art.abi.function(fn).encode_call(a));
  }
  std::string balance(const eth::address& who) {
    auto& f = token_art.abi.function("balanceOf");
    auto out = rpc("eth_call", {json{{"to", token.hex()}, {"data", eth::to_hex(f.encode_call({who}))}},
                                "latest"});
    return eth::to_decimal(f.decode_output(eth::from_hex(out.get<std::string>()))[0].as_uint());
  }

  void start_indexer(std::uint32_t blocks_per_step = 50, std::chrono::milliseconds gone_after = 10s) {
    indexer_config cfg;
    cfg.gone_after = gone_after;
    cfg.db = db.get();
    cfg.chain = chain::access{plat->dispatcher(), plat->tx_manager()};
    cfg.token = token;
    cfg.market = market;
    cfg.board = board;
    cfg.from_block = from_block;
    cfg.poll_interval = 50ms;
    cfg.blocks_per_step = blocks_per_step;
    cfg.log = [this](const std::string& level, const std::string& text) {
      std::lock_guard<std::mutex> lock(log_mutex);
      logs.push_back(level + ": " + text);
      if (level == "error")
        std::cerr << "indexer " << level << ": " << text << "\n";
    };
    indexer = spawn_indexer(plat->system(), cfg);
  }

  // Waits until the indexer has applied the chain's current head.
  std::uint64_t wait_indexed(std::chrono::seconds limit = 30s) {
    auto target = head();
    std::uint64_t got = 0;
    caf::scoped_actor self{plat->system()};
    self->request(indexer, limit, wait_atom_v, target)
      .receive([&](std::uint64_t n) { got = n; },
               [&](caf::error& e) { ADD_FAILURE() << "wait for " << target << ": " << to_string(e); });
    return got;
  }

  json status() {
    std::string text;
    caf::scoped_actor self{plat->system()};
    self->request(indexer, 10s, status_atom_v)
      .receive([&](const std::string& s) { text = s; },
               [&](caf::error& e) { ADD_FAILURE() << "status: " << to_string(e); });
    return json::parse(text.empty() ? "{}" : text);
  }

  std::vector<std::string> kinds(const eth::address& who) {
    std::vector<std::string> out;
    for (auto& e : rm->bill(who))
      out.push_back(e.at("kind").get<std::string>() + " " + e.at("amount").get<std::string>());
    return out;
  }

  // Every address's bill sums to its token balance.
  void expect_bills_match_balances() {
    for (auto who : {key(0).address(), key(1).address(), key(2).address(), market, board, token})
      EXPECT_EQ(rm->bill_total(who), balance(who)) << who.hex();
  }

  // Members 1 and 2, 1000 and 500 PET, and a project of member 2 at 300.
  void open_market() {
    send(0, token, token_art, "setMarket", {market, true});
    send(0, token, token_art, "setMarket", {board, true});
    for (int i : {1, 2})
      send(0, token, token_art, "register", {key(i).address()});
    send(0, token, token_art, "mint", {key(1).address(), 1000u, tag("pay-1")});
    send(0, token, token_art, "mint", {key(2).address(), 500u, tag("pay-2")});
    send(2, market, market_art, "publish",
         {300u, tag("content"), tag("keywords"), tag("details"), std::uint8_t{1}});
  }

  static inline test::scratch_dir* scratch = nullptr;
  static inline devnet::cluster* cluster = nullptr;
  static inline platform* plat = nullptr;
  static inline eth::contract_artifact token_art, market_art, board_art;

  jsonrpc::io_runner io{1};
  std::shared_ptr<jsonrpc::client> node;
  std::unique_ptr<storage::database> db;
  std::unique_ptr<storage::read_model> rm;
  eth::address token, market, board;
  std::uint64_t from_block = 0;
  caf::actor indexer;
  std::mutex log_mutex;
  std::vector<std::string> logs;
};

TEST_F(IndexerTest, MarketHistoryBecomesReadModelsAndBillsMatchBalances) {
  start_indexer();
  open_market();
  auto a1 = key(1).address(), a2 = key(2).address();
  auto buy = send(1, market, market_art, "buy", {1u});
  send(1, market, market_art, "recordView", {1u});
  send(1, market, market_art, "recordDownload", {1u});
  auto now = static_cast<std::uint64_t>(eth::from_quantity(
    rpc("eth_getBlockByNumber", {"latest", false}).at("timestamp").get<std::string>()));
  send(1, board, board_art, "publish", {100u, now + 3600, tag("demand-1"), tag("kw-1")});
  send(2, board, board_art, "answer", {1u, tag("answer-1")});
  send(1, board, board_art, "award", {1u, 0u});
  send(2, board, board_art, "publish", {50u, now + 60, tag("demand-2"), tag("kw-2")});
  rpc("evm_increaseTime", {120});
  rpc("evm_mine");
  send(0, board, board_art, "refund", {2u});
  send(1, token, token_art, "transfer", {a2, 10u});
  send(2, token, token_art, "burn", {5u});
  send(0, token, token_art, "pause", {});
  ASSERT_GE(wait_indexed(), head());

  auto p = rm->project(1);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->at("seller"), a2.hex());
  EXPECT_EQ(p->at("price"), "300");
  EXPECT_EQ(p->at("content_hash"), eth::to_hex(tag("content")));
  EXPECT_EQ(p->at("details_hash"), eth::to_hex(tag("details")));
  EXPECT_EQ(p->at("visibility"), 1);
  EXPECT_EQ(p->at("listed"), true);
  EXPECT_EQ(p->at("buyers"), 1);
  EXPECT_EQ(p->at("views"), 1);
  EXPECT_EQ(p->at("downloads"), 1);
  EXPECT_TRUE(rm->has_access(1, a1));
  EXPECT_EQ(rm->buyers(1), std::vector<std::string>{a1.hex()});

  auto d1 = rm->demand(1), d2 = rm->demand(2);
  ASSERT_TRUE(d1 && d2);
  EXPECT_EQ(d1->at("state"), "awarded");
  EXPECT_EQ(d1->at("awarded_to"), a2.hex());
  EXPECT_EQ(d1->at("answers"), 1);
  EXPECT_EQ(d1->at("expiry"), now + 3600);
  EXPECT_EQ(d2->at("state"), "refunded");
  EXPECT_TRUE(d2->at("awarded_to").is_null());
  auto answers = rm->answers(1);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].at("answerer"), a2.hex());
  EXPECT_EQ(answers[0].at("content_hash"), eth::to_hex(tag("answer-1")));

  EXPECT_EQ(kinds(a1), (std::vector<std::string>{"top-up 1000", "purchase -300", "escrow -100",
                                                 "transfer-out -10"}));
  EXPECT_EQ(kinds(a2), (std::vector<std::string>{"top-up 500", "sale 300", "bounty 100",
                                                 "escrow -50", "refund 50", "transfer-in 10",
                                                 "burn -5"}));
  EXPECT_EQ(kinds(board), (std::vector<std::string>{"escrow 100", "bounty -100", "escrow 50",
                                                    "refund -50"}));
  auto sale = rm->bill(a2)[1];
  EXPECT_EQ(sale.at("ref"), 1);
  EXPECT_EQ(sale.at("counterparty"), a1.hex());
  EXPECT_EQ(sale.at("tx"), buy.at("transactionHash"));
  EXPECT_EQ(rm->bill_total(a1), "590");
  expect_bills_match_balances();

  EXPECT_EQ(*rm->member(a1), (json{{"registered", true}, {"frozen", false}}));
  EXPECT_EQ(rm->member(board)->at("registered"), true);
  EXPECT_TRUE(rm->paused());
  auto s = status();
  EXPECT_GE(s.at("indexed_block").get<std::uint64_t>(), head());
  EXPECT_EQ(s.at("reorgs"), 0);
  EXPECT_EQ(s.at("events"), 28);   // every log of the three contracts, the constructor's too
  caf::scoped_actor self{plat->system()};
  self->request(indexer, 10s, call_atom_v, business_call{"indexer.status", "", "system", "{}", "t"})
    .receive([&](const business_reply& r) { EXPECT_EQ(json::parse(r.body).at("reorgs"), 0); },
             [&](caf::error& e) { ADD_FAILURE() << to_string(e); });
}

TEST_F(IndexerTest, ReorgUndoesReplacedBlocksAndAppliesTheNewOnes) {
  open_market();
  start_indexer();
  wait_indexed();
  auto a1 = key(1).address(), a2 = key(2).address();
  auto snapshot = rpc("evm_snapshot");
  auto buy = send(1, market, market_art, "buy", {1u});
  auto bought_in = static_cast<std::uint64_t>(eth::from_quantity(buy.at("blockNumber").get<std::string>()));
  rpc("evm_mine");
  auto old_tip = rpc("eth_getBlockByNumber", {"latest", false}).at("hash");
  wait_indexed();
  ASSERT_TRUE(rm->has_access(1, a1));
  ASSERT_EQ(kinds(a1).back(), "purchase -300");

  // The purchase and the block after it are replaced by a transfer and more blocks.
  ASSERT_EQ(rpc("evm_revert", json::array({snapshot})), true);
  ASSERT_EQ(head(), bought_in - 1);
  send(1, token, token_art, "transfer", {a2, 7u});
  rpc("anvil_mine", {"0x3"});
  ASSERT_NE(rpc("eth_getBlockByNumber", {eth::to_quantity(bought_in + 1), false}).at("hash"), old_tip);
  ASSERT_GE(wait_indexed(), head());

  EXPECT_FALSE(rm->has_access(1, a1));
  EXPECT_TRUE(rm->buyers(1).empty());
  EXPECT_EQ(rm->project(1)->at("buyers"), 0);
  EXPECT_EQ(kinds(a1), (std::vector<std::string>{"top-up 1000", "transfer-out -7"}));
  EXPECT_EQ(kinds(a2), (std::vector<std::string>{"top-up 500", "transfer-in 7"}));
  EXPECT_EQ(rm->block_hash(bought_in + 1), rpc("eth_getBlockByNumber",
                                               {eth::to_quantity(bought_in + 1), false}).at("hash"));
  expect_bills_match_balances();
  EXPECT_EQ(status().at("reorgs"), 1);
  std::lock_guard<std::mutex> lock(log_mutex);
  for (auto& line : logs)
    if (line.find("reorg") != std::string::npos)
      std::cout << line << "\n";
}

TEST_F(IndexerTest, BlocksTheChainLostAndNeverRegrewAreUndone) {
  open_market();
  start_indexer(50, 1s);
  wait_indexed();
  auto a1 = key(1).address();
  auto snapshot = rpc("evm_snapshot");
  send(1, market, market_art, "buy", {1u});
  rpc("evm_mine");
  auto lost_top = head();
  ASSERT_EQ(wait_indexed(), lost_top);
  ASSERT_TRUE(rm->has_access(1, a1));

  // A sealer killed before any follower imported its last two blocks comes
  // back without them, and nothing new is mined: no block ever replaces them.
  ASSERT_EQ(rpc("evm_revert", json::array({snapshot})), true);
  auto now = head();
  ASSERT_LT(now, lost_top);
  for (auto until = std::chrono::steady_clock::now() + 20s;
       rm->indexed_block() != now && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(100ms);
  EXPECT_EQ(rm->indexed_block(), now) << "the lost blocks stay in the read models";
  EXPECT_FALSE(rm->has_access(1, a1));
  expect_bills_match_balances();
  EXPECT_EQ(status().at("reorgs"), 1);
}

TEST_F(IndexerTest, CatchesUpOnALongChain) {
  open_market();
  const std::uint64_t empty = 1000;   // anvil needs ~4 ms per mined block
  rpc("anvil_mine", {eth::to_quantity(empty)});
  for (int i = 0; i < 20; ++i)
    send(1, token, token_art, "transfer", {key(2).address(), 1u});
  auto blocks = head() - from_block + 1;
  auto t0 = std::chrono::steady_clock::now();
  start_indexer(100);
  ASSERT_GE(wait_indexed(60s), head());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(kinds(key(1).address()).size(), 21u);
  expect_bills_match_balances();
  std::cout << blocks << " blocks indexed in " << ms << " ms ("
            << (ms ? blocks * 1000 / static_cast<std::uint64_t>(ms) : blocks) << " blocks/s)\n";
}

} // namespace
