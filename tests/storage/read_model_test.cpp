// storage::read_model on a real RocksDB: records derived from synthetic
// blocks of contract events, bills that sum to balances, and undo.
#include "storage/read_model.hpp"
#include "protocol/eth/uint256.hpp"
#include "storage/database.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using namespace petrade;
using namespace petrade::storage;
using json = nlohmann::json;

const std::string zero = "0x0000000000000000000000000000000000000000";
const std::string alice = "0x00000000000000000000000000000000000a11ce";
const std::string bob = "0x0000000000000000000000000000000000000b0b";
const std::string carol = "0x00000000000000000000000000000000000ca201";
const std::string board = "0x00000000000000000000000000000000000b0a4d";
const std::string h1 = "0x" + std::string(63, '0') + "1";
const std::string h2 = "0x" + std::string(63, '0') + "2";

eth::address at(const std::string& a) { return eth::address::parse(a); }

std::string block_hash(std::uint64_t n, char variant = 'a') {
  return "0x" + std::string(62, variant) + (n < 10 ? "0" : "") + std::to_string(n);
}

// Builds blocks tersely: each tx is a list of (name, args); log indexes count
// up through the block as a node numbers them.
struct block_builder {
  chain_block b;
  std::uint64_t log = 0;

  block_builder(std::uint64_t n, char variant = 'a', char parent_variant = 'a') {
    b.number = n;
    b.hash = block_hash(n, variant);
    b.parent_hash = block_hash(n - 1, parent_variant);
    b.timestamp = 1700000000 + n * 12;
  }
  block_builder& tx(const std::string& hash, std::vector<std::pair<std::string, json>> events) {
    chain_tx t{hash, {}};
    for (auto& [name, args] : events)
      t.events.push_back({name, args, log++});
    b.txs.push_back(std::move(t));
    return *this;
  }
};

json transfer(const std::string& from, const std::string& to, const std::string& v) {
  return {{"from", from}, {"to", to}, {"value", v}};
}

std::vector<std::pair<std::string, json>> mint(const std::string& to, const std::string& v) {
  return {{"TopUp", {{"to", to}, {"amount", v}, {"paymentRef", h1}}},
          {"Transfer", transfer(zero, to, v)}};
}

class ReadModel : public ::testing::Test {
protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<std::string> kinds(const std::string& who) {
    std::vector<std::string> out;
    for (auto& e : rm.bill(at(who)))
      out.push_back(e.at("kind").get<std::string>() + " " + e.at("amount").get<std::string>());
    return out;
  }

  // Blocks 1-3: members and a top-up, a project bought, a demand awarded.
  void apply_history() {
    rm.apply(block_builder(1)
               .tx("0x01", {{"Registered", {{"account", alice}}},
                            {"Registered", {{"account", bob}}}})
               .tx("0x02", mint(alice, "100"))
               .b);
    rm.apply(block_builder(2)
               .tx("0x03", {{"ProjectPublished",
                             {{"id", "1"}, {"seller", bob}, {"price", "30"}, {"contentHash", h1},
                              {"keywordsHash", h2}, {"detailsHash", h2}, {"visibility", "1"}}}})
               .tx("0x04", {{"Transfer", transfer(alice, bob, "30")},
                            {"ProjectPurchased",
                             {{"id", "1"}, {"buyer", alice}, {"seller", bob}, {"price", "30"}}}})
               .tx("0x05", {{"ProjectViewed", {{"id", "1"}, {"viewer", carol}}}})
               .b);
    rm.apply(block_builder(3)
               .tx("0x06", {{"Transfer", transfer(alice, board, "20")},
                            {"DemandPublished",
                             {{"id", "1"}, {"owner", alice}, {"bounty", "20"},
                              {"expiry", "1700009999"}, {"contentHash", h1},
                              {"keywordsHash", h2}}}})
               .tx("0x07", {{"DemandAnswered",
                             {{"id", "1"}, {"index", "0"}, {"answerer", bob},
                              {"contentHash", h2}}}})
               .tx("0x08", {{"Transfer", transfer(board, bob, "20")},
                            {"DemandAwarded", {{"id", "1"}, {"answerer", bob}, {"bounty", "20"}}}})
               .b);
  }

  std::string dir_ = test::temp_dir("read-model");
  database db{dir_ + "/db"};
  read_model rm{db};
};

TEST_F(ReadModel, EventsBecomeRecords) {
  apply_history();
  EXPECT_EQ(rm.indexed_block(), 3u);
  EXPECT_EQ(rm.block_hash(2), block_hash(2));

  auto p = rm.project(1);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, (json{{"id", 1}, {"seller", bob}, {"price", "30"}, {"content_hash", h1},
                      {"keywords_hash", h2}, {"details_hash", h2}, {"visibility", 1},
                      {"listed", true}, {"block", 2}, {"tx", "0x03"}, {"buyers", 1},
                      {"views", 1}, {"downloads", 0}}));
  EXPECT_EQ(rm.projects().size(), 1u);
  EXPECT_TRUE(rm.has_access(1, at(alice)));
  EXPECT_TRUE(rm.has_access(1, at(bob)));   // the seller
  EXPECT_FALSE(rm.has_access(1, at(carol)));
  EXPECT_EQ(rm.buyers(1), std::vector<std::string>{alice});

  auto d = rm.demand(1);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (json{{"id", 1}, {"owner", alice}, {"bounty", "20"}, {"expiry", 1700009999},
                      {"content_hash", h1}, {"keywords_hash", h2}, {"state", "awarded"},
                      {"answers", 1}, {"awarded_to", bob}, {"block", 3}, {"tx", "0x06"}}));
  auto answers = rm.answers(1);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0], (json{{"demand", 1}, {"index", 0}, {"answerer", bob},
                              {"content_hash", h2}, {"block", 3}, {"tx", "0x07"}}));

  EXPECT_EQ(*rm.member(at(alice)), (json{{"registered", true}, {"frozen", false}}));
  EXPECT_FALSE(rm.member(at(carol)));
  EXPECT_FALSE(rm.paused());
}

TEST_F(ReadModel, BillsAreClassifiedAndSumToBalances) {
  apply_history();
  EXPECT_EQ(kinds(alice), (std::vector<std::string>{"top-up 100", "purchase -30", "escrow -20"}));
  EXPECT_EQ(kinds(bob), (std::vector<std::string>{"sale 30", "bounty 20"}));
  EXPECT_EQ(kinds(board), (std::vector<std::string>{"escrow 20", "bounty -20"}));
  EXPECT_EQ(rm.bill_total(at(alice)), "50");
  EXPECT_EQ(rm.bill_total(at(bob)), "50");
  EXPECT_EQ(rm.bill_total(at(board)), "0");
  EXPECT_EQ(rm.bill_total(at(carol)), "0");

  auto sale = rm.bill(at(bob))[0];
  EXPECT_EQ(sale, (json{{"kind", "sale"}, {"amount", "30"}, {"block", 2}, {"tx", "0x04"},
                        {"ref", 1}, {"counterparty", alice}, {"time", 1700000024}}));
  auto topup = rm.bill(at(alice))[0];
  EXPECT_TRUE(topup.at("counterparty").is_null());
  EXPECT_TRUE(topup.at("ref").is_null());

  // Refund, recovery, plain transfers, burns and a self-transfer.
  rm.apply(block_builder(4)
             .tx("0x09", {{"Transfer", transfer(alice, board, "5")},
                          {"DemandPublished",
                           {{"id", "2"}, {"owner", alice}, {"bounty", "5"}, {"expiry", "1"},
                            {"contentHash", h1}, {"keywordsHash", h2}}}})
             .tx("0x0a", {{"Transfer", transfer(board, alice, "5")},
                          {"DemandRefunded", {{"id", "2"}, {"owner", alice}, {"bounty", "5"}}}})
             .tx("0x0b", {{"ForcedTransfer", {{"from", bob}, {"to", carol}, {"amount", "7"}}},
                          {"Transfer", transfer(bob, carol, "7")}})
             .tx("0x0c", {{"Transfer", transfer(carol, alice, "2")}})
             .tx("0x0d", {{"Transfer", transfer(carol, zero, "1")}})
             .tx("0x0e", {{"Transfer", transfer(alice, alice, "3")}})
             .b);
  EXPECT_EQ(kinds(carol),
            (std::vector<std::string>{"recovery-in 7", "transfer-out -2", "burn -1"}));
  EXPECT_EQ(kinds(bob).back(), "recovery-out -7");
  EXPECT_EQ(kinds(alice), (std::vector<std::string>{"top-up 100", "purchase -30", "escrow -20",
                                                    "escrow -5", "refund 5", "transfer-in 2",
                                                    "transfer-out 0"}));
  EXPECT_EQ(rm.demand(2)->at("state"), "refunded");
  EXPECT_EQ(rm.bill_total(at(alice)), "52");
  EXPECT_EQ(rm.bill_total(at(bob)), "43");
  EXPECT_EQ(rm.bill_total(at(carol)), "4");
  EXPECT_EQ(rm.bill_total(at(board)), "0");
}

TEST_F(ReadModel, TotalsAreExactBeyondSixtyFourBits) {
  auto max = eth::to_decimal(eth::uint256(~eth::uint256(0)));
  rm.apply(block_builder(1).tx("0x01", mint(alice, max)).b);
  rm.apply(block_builder(2).tx("0x02", {{"Transfer", transfer(alice, bob, "1")}}).b);
  EXPECT_EQ(rm.bill_total(at(alice)), eth::to_decimal(~eth::uint256(0) - 1));
  EXPECT_EQ(rm.bill_total(at(bob)), "1");
}

TEST_F(ReadModel, UndoRestoresEveryTouchedKey) {
  apply_history();
  auto project_before = *rm.project(1);
  ASSERT_EQ(rm.undo_last(), 3u);
  EXPECT_EQ(rm.indexed_block(), 2u);
  EXPECT_FALSE(rm.demand(1));
  EXPECT_TRUE(rm.answers(1).empty());
  EXPECT_FALSE(rm.block_hash(3));
  EXPECT_EQ(rm.bill_total(at(alice)), "70");
  EXPECT_EQ(rm.bill_total(at(bob)), "30");
  EXPECT_TRUE(rm.bill(at(board)).empty());
  EXPECT_EQ(*rm.project(1), project_before);

  ASSERT_EQ(rm.undo_last(), 2u);
  EXPECT_FALSE(rm.project(1));
  EXPECT_FALSE(rm.has_access(1, at(alice)));
  EXPECT_EQ(kinds(alice), std::vector<std::string>{"top-up 100"});

  // Another block 2 on top of block 1: a view of nothing, a pause.
  rm.apply(block_builder(2, 'b')
             .tx("0x13", {{"Paused", {{"by", alice}}}, {"Frozen", {{"account", bob}}}})
             .b);
  EXPECT_EQ(rm.block_hash(2), block_hash(2, 'b'));
  EXPECT_TRUE(rm.paused());
  EXPECT_EQ(*rm.member(at(bob)), (json{{"registered", true}, {"frozen", true}}));
  ASSERT_EQ(rm.undo_last(), 2u);
  EXPECT_FALSE(rm.paused());
  EXPECT_EQ(*rm.member(at(bob)), (json{{"registered", true}, {"frozen", false}}));

  ASSERT_EQ(rm.undo_last(), 1u);
  EXPECT_EQ(rm.indexed_block(), 0u);
  EXPECT_FALSE(rm.undo_last());
  EXPECT_TRUE(rm.bill(at(alice)).empty());
  EXPECT_FALSE(rm.member(at(alice)));
}

TEST_F(ReadModel, RefusesBlocksThatDoNotFollow) {
  apply_history();
  EXPECT_THROW(rm.apply(block_builder(5).b), std::logic_error);
  EXPECT_THROW(rm.apply(block_builder(4, 'a', 'z').b), std::logic_error);   // wrong parent
  EXPECT_THROW(rm.apply(block_builder(0).b), std::logic_error);
  EXPECT_EQ(rm.indexed_block(), 3u);
  // A malformed event leaves nothing behind, not even the events before it.
  auto bad = block_builder(4)
               .tx("0x20", {{"Registered", {{"account", carol}}},
                            {"Transfer", {{"from", alice}, {"to", bob}}}})
               .b;
  EXPECT_THROW(rm.apply(bad), std::invalid_argument);
  EXPECT_EQ(rm.indexed_block(), 3u);
  EXPECT_FALSE(rm.member(at(carol)));
}

TEST_F(ReadModel, StartsAnywhereAndPrunesOldUndoRecords) {
  const std::uint64_t first = 5000;
  for (std::uint64_t n = first; n < first + read_model::undo_window + 3; ++n)
    rm.apply(block_builder(n).b);
  auto last = first + read_model::undo_window + 2;
  EXPECT_EQ(rm.indexed_block(), last);
  EXPECT_FALSE(rm.block_hash(first + 2));
  EXPECT_TRUE(rm.block_hash(first + 3));
  EXPECT_EQ(rm.undo_last(), last);
}

TEST_F(ReadModel, DetailsAreStoredByHash) {
  const std::string hash = "0x" + std::string(64, 'c');
  EXPECT_FALSE(rm.details(hash));
  rm.put_details("0x" + std::string(64, 'C'), {{"title", "Solar farm"}, {"summary", "10 MW"}});
  EXPECT_EQ(rm.details(hash)->at("title"), "Solar farm");
  EXPECT_FALSE(rm.details(h1));
}

} // namespace
