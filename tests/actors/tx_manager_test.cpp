// The transaction manager under CAF's deterministic test coordinator against
// a stand-in dispatcher that plays a chain: stuck transactions are
// re-broadcast and then replaced with higher fees, a reorg re-opens a mined
// task, a revert reason is decoded, and keys are never echoed. The real
// devnet cases are in tests/integration/tx_manager_test.cpp.
#include "actors/tx_manager.hpp"
#include "tests/support/deterministic_config.hpp"
#include "storage/keystore_store.hpp"
#include "protocol/eth/keystore.hpp"
#include "protocol/eth/abi_revert.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/transaction.hpp"
#include "protocol/messages.hpp"
#include "storage/database.hpp"
#include "storage/journal.hpp"
#include "tests/support/tools.hpp"

#include <caf/all.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include <optional>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using json = nlohmann::json;

using test_config = petrade::test::deterministic_config;

// What the stand-in chain knows; the test edits it between steps.
struct fake_chain {
  std::vector<std::string> sent;              // raw transactions, in order
  std::map<std::string, json> receipts;       // by transaction hash
  std::map<std::uint64_t, std::string> blocks; // height -> block hash
  std::uint64_t head = 0;
  std::uint64_t pending = 5;
  std::optional<std::uint64_t> safe;          // the safe head; the head when unset
  bool estimates_hang = false;                // eth_estimateGas never answered
  std::string send_error;                     // eth_sendRawTransaction's error, if any
  std::vector<caf::response_promise> held;    // the unanswered requests
};
using chain_ptr = std::shared_ptr<fake_chain>;

caf::behavior stand_in_dispatcher(caf::event_based_actor* self, chain_ptr chain) {
  return {
    [chain](safe_head_atom) { return chain->safe.value_or(chain->head); },
    [self, chain](submit_atom, const task& t) -> caf::result<task_result> {
      if (t.method == "eth_estimateGas" && chain->estimates_hang) {
        chain->held.push_back(self->make_response_promise());
        return caf::delegated<task_result>();
      }
      task_result r;
      r.id = t.id;
      auto p = json::parse(t.params);
      if (t.method == "eth_getTransactionCount") {
        r.result = json(eth::to_quantity(chain->pending)).dump();
      } else if (t.method == "eth_sendRawTransaction") {
        auto raw = p[0].get<std::string>();
        chain->sent.push_back(raw);
        if (!chain->send_error.empty()) {
          r.error = task_error::rpc;
          r.message = chain->send_error;
          return r;
        }
        r.result = json(eth::to_hex(eth::transaction::decode(eth::from_hex(raw)).hash())).dump();
      } else if (t.method == "eth_getTransactionReceipt") {
        auto it = chain->receipts.find(p[0].get<std::string>());
        r.result = it == chain->receipts.end() ? "null" : it->second.dump();
      } else if (t.method == "eth_blockNumber") {
        r.result = json(eth::to_quantity(chain->head)).dump();
      } else if (t.method == "eth_getBlockByNumber") {
        auto n = static_cast<std::uint64_t>(eth::from_quantity(p[0].get<std::string>()));
        auto it = chain->blocks.find(n);
        r.result = it == chain->blocks.end() ? "null" : json{{"hash", it->second}}.dump();
      } else if (t.method == "eth_call") {
        r.error = task_error::rpc;
        r.code = 3;
        r.message = "execution reverted";
        r.result = json(eth::to_hex(eth::abi::encode_error_string("sold out"))).dump();
      } else {
        r.error = task_error::rpc;
        r.message = "method not found";
      }
      return r;
    },
  };
}

std::string block_hash(int tag) {
  return "0x" + std::string(62, '0') + eth::to_hex(eth::bytes{static_cast<std::uint8_t>(tag)}, false);
}

class TxManagerUnit : public ::testing::Test {
protected:
  void SetUp() override {
    db = std::make_unique<storage::database>(dir / "db");
    dispatcher = sys.spawn(stand_in_dispatcher, chain);
  }

  void TearDown() override {
    self->send_exit(txm, caf::exit_reason::user_shutdown);
    self->send_exit(dispatcher, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start(std::uint32_t confirmations = 1, std::size_t reads_per_poll = 256) {
    tx_manager_config c;
    c.db = db.get();
    c.dispatcher = dispatcher;
    c.confirmations = confirmations;
    c.reads_per_poll = reads_per_poll;
    txm = spawn_tx_manager(sys, c);
    self->send(txm, unlock_atom_v, std::string(test::dev_addr0), std::string(test::dev_keys[0]));
    sched.run();
  }

  // Sends one request from a client actor and returns its answer.
  template <class... Ts>
  write_status ask(Ts... xs) {
    auto out = std::make_shared<write_status>();
    auto t = txm;
    sys.spawn([=](caf::event_based_actor* client) {
      client->request(t, caf::infinite, xs...).then([out](write_status s) { *out = s; });
    });
    sched.run();
    return *out;
  }

  // The (status_atom) summary, parsed.
  json summary() {
    auto out = std::make_shared<std::string>();
    auto t = txm;
    sys.spawn([=](caf::event_based_actor* client) {
      client->request(t, caf::infinite, status_atom_v).then([out](std::string s) { *out = s; });
    });
    sched.run();
    return json::parse(*out);
  }

  write_status submit_transfer() {
    write_request r;
    r.kind = task_kind::account;
    r.from = test::dev_addr0;
    r.to = "0x000000000000000000000000000000000000dEaD";
    r.gas_limit = 21000;
    return ask(submit_atom_v, r);
  }

  // Lets `d` of virtual time pass, one poll interval at a time.
  void pass(std::chrono::milliseconds d) {
    for (auto t = 0ms; t < d; t += 500ms) {
      sched.advance_time(500ms);
      sched.run();
    }
  }

  void mine(const std::string& tx_hash, std::uint64_t block, int tag, const char* status = "0x1") {
    chain->receipts[tx_hash] = {{"blockNumber", eth::to_quantity(block)},
                                {"blockHash", block_hash(tag)},
                                {"status", status}};
    chain->blocks[block] = block_hash(tag);
    chain->head = std::max(chain->head, block);
  }

  test::scratch_dir dir{"txm-unit"};
  std::unique_ptr<storage::database> db;
  chain_ptr chain = std::make_shared<fake_chain>();
  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched
    = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys, true};
  caf::actor dispatcher;
  caf::actor txm;
};

TEST_F(TxManagerUnit, StuckTransactionIsRebroadcastThenReplacedWithHigherFees) {
  start();
  auto ack = submit_transfer();
  ASSERT_EQ(ack.state, "accepted") << ack.error;
  EXPECT_EQ(ack.nonce, 5u);
  ASSERT_EQ(chain->sent.size(), 1u);
  EXPECT_EQ(ask(status_atom_v, ack.task_id).state, "sent");

  pass(10500ms);
  ASSERT_EQ(chain->sent.size(), 2u) << "not re-broadcast after the stuck timeout";
  EXPECT_EQ(chain->sent[1], chain->sent[0]);

  pass(10500ms);
  ASSERT_EQ(chain->sent.size(), 3u) << "not replaced after a second timeout";
  auto before = eth::transaction::decode(eth::from_hex(chain->sent[0]));
  auto after = eth::transaction::decode(eth::from_hex(chain->sent[2]));
  EXPECT_EQ(after.nonce, before.nonce);
  EXPECT_GE(after.max_fee_per_gas * 8, before.max_fee_per_gas * 9);
  EXPECT_GE(after.max_priority_fee_per_gas * 8, before.max_priority_fee_per_gas * 9);
  auto rec = storage::journal(*db).get(ack.task_id);
  ASSERT_TRUE(rec && rec->replaced_by);
  EXPECT_EQ(*rec->replaced_by, after.hash());

  // The replacement is mined: confirmed under its hash.
  mine(eth::to_hex(after.hash()), 7, 1);
  pass(500ms);
  auto s = ask(status_atom_v, ack.task_id);
  EXPECT_EQ(s.state, "confirmed");
  EXPECT_EQ(s.tx_hash, eth::to_hex(after.hash()));
  EXPECT_EQ(s.block, 7u);
}

TEST_F(TxManagerUnit, AReplacedTaskWhoseOriginalIsMinedReportsTheOriginalsHash) {
  start();
  auto ack = submit_transfer();
  ASSERT_EQ(ack.state, "accepted") << ack.error;
  pass(21000ms);   // re-broadcast, then replaced
  ASSERT_EQ(chain->sent.size(), 3u);
  auto original = eth::transaction::decode(eth::from_hex(chain->sent[0])).hash();
  ASSERT_NE(eth::transaction::decode(eth::from_hex(chain->sent[2])).hash(), original);

  // The node had the original all along and mines it, not the replacement.
  mine(eth::to_hex(original), 7, 1);
  pass(1000ms);
  auto s = ask(status_atom_v, ack.task_id);
  EXPECT_EQ(s.state, "confirmed");
  EXPECT_EQ(s.tx_hash, eth::to_hex(original)) << "the hash in the block, not the latest signed";
  auto rec = storage::journal(*db).get(ack.task_id);
  ASSERT_TRUE(rec && rec->mined_tx);
  EXPECT_EQ(*rec->mined_tx, original);
}

TEST_F(TxManagerUnit, ReorgReopensAMinedTaskUntilItIsDeepEnough) {
  start(2);
  auto ack = submit_transfer();
  ASSERT_EQ(ack.state, "accepted") << ack.error;
  mine(ack.tx_hash, 7, 1);
  pass(500ms);
  EXPECT_EQ(ask(status_atom_v, ack.task_id).state, "mined");

  // Block 7 is replaced by one without the transaction, which is back in
  // the pool; later it lands in block 8.
  chain->blocks[7] = block_hash(2);
  chain->receipts.clear();
  chain->head = 8;
  pass(1000ms);
  EXPECT_EQ(ask(status_atom_v, ack.task_id).state, "sent");
  mine(ack.tx_hash, 8, 3);
  pass(500ms);
  auto s = ask(status_atom_v, ack.task_id);
  EXPECT_EQ(s.state, "mined");
  EXPECT_EQ(s.block, 8u);
  chain->head = 9;
  pass(1000ms);
  EXPECT_EQ(ask(status_atom_v, ack.task_id).state, "confirmed");
  auto sum = summary();   // mined twice (before and after the reorg), confirmed once
  EXPECT_EQ(sum["mined"], 2);
  EXPECT_EQ(sum["confirmed"], 1);
  EXPECT_EQ(sum["pending"], 0);
  EXPECT_EQ(sum["by_state"]["mined"], 0);
}

TEST_F(TxManagerUnit, AWriteOnOneNodeOnlyIsNotConfirmedAndIsSentAgainWhenThatNodeLosesIt) {
  start();
  auto ack = submit_transfer();
  ASSERT_EQ(ack.state, "accepted") << ack.error;
  chain->safe = 6;   // block 7 is on the sealer only
  mine(ack.tx_hash, 7, 1);
  pass(1000ms);
  EXPECT_EQ(ask(status_atom_v, ack.task_id).state, "mined") << "confirmed on one node only";

  // The sealer is killed before a follower imported block 7 and comes back
  // from the follower's chain: the block, its receipt and the transaction
  // are gone, and no node has it in its pool.
  chain->receipts.clear();
  chain->blocks.erase(7);
  chain->head = 6;
  ASSERT_EQ(chain->sent.size(), 1u);
  pass(11000ms);
  ASSERT_EQ(chain->sent.size(), 2u) << "not sent again after its block was lost";
  EXPECT_EQ(chain->sent[1], chain->sent[0]) << "the same signed bytes, the same nonce";
  EXPECT_EQ(ask(status_atom_v, ack.task_id).state, "sent");

  mine(ack.tx_hash, 7, 4);
  pass(500ms);
  EXPECT_EQ(ask(status_atom_v, ack.task_id).state, "mined");
  chain->safe = 7;   // a follower imported it
  pass(1000ms);
  auto s = ask(status_atom_v, ack.task_id);
  EXPECT_EQ(s.state, "confirmed");
  EXPECT_EQ(s.block, 7u);
}

TEST_F(TxManagerUnit, TasksStuckForGoodDoNotStarveTheOnesAfterThem) {
  // Four reads per poll and six older tasks no node will ever mine (a nonce
  // gap, say): the two newer tasks, mined, must still be confirmed.
  start(1, 4);
  std::vector<write_status> acks;
  for (int i = 0; i < 8; ++i) {
    acks.push_back(submit_transfer());
    ASSERT_EQ(acks.back().state, "accepted") << acks.back().error;
  }
  mine(acks[6].tx_hash, 7, 1);
  mine(acks[7].tx_hash, 8, 2);
  pass(5000ms);
  for (int i = 6; i < 8; ++i)
    EXPECT_EQ(ask(status_atom_v, acks[i].task_id).state, "confirmed") << "task " << i;
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(ask(status_atom_v, acks[i].task_id).state, "sent") << "task " << i;
}

TEST_F(TxManagerUnit, NonceTooLowFailsATaskOnlyWhenTheChainTwoNodesHoldSpentIt) {
  start();
  auto ack = submit_transfer();
  ASSERT_EQ(ack.state, "accepted") << ack.error;
  ASSERT_EQ(ack.nonce, 5u);
  chain->head = 20;
  // The sealer says "nonce too low": it holds a block with nonce 5 that no
  // follower has, and the chain two nodes hold has spent only nonces 0..4.
  chain->send_error = "nonce too low";
  chain->pending = 5;
  pass(25000ms);
  EXPECT_EQ(ask(status_atom_v, ack.task_id).state, "sent") << "failed on one node's word";
  auto sends = chain->sent.size();
  pass(25000ms);
  EXPECT_GT(chain->sent.size(), sends) << "not sent again while its nonce is free";

  // Now another transaction with nonce 5 is in a block two nodes hold.
  chain->pending = 6;
  pass(25000ms);
  auto s = ask(status_atom_v, ack.task_id);
  EXPECT_EQ(s.state, "failed");
  EXPECT_NE(s.error.find("nonce 5"), std::string::npos) << s.error;
}

TEST_F(TxManagerUnit, AWriteRefusedForLackOfFundsIsOfferedAgainForAWhileThenFails) {
  start();
  // The block with the sender's gas grant was lost; the grant is on its way again.
  chain->send_error = "Insufficient funds for gas * price + value";
  auto first = submit_transfer();
  ASSERT_EQ(first.state, "accepted") << first.error;
  pass(30000ms);
  EXPECT_EQ(ask(status_atom_v, first.task_id).state, "accepted") << "failed before the grace ran out";
  auto offers = chain->sent.size();
  EXPECT_GE(offers, 3u);
  EXPECT_LE(offers, 6u) << "offered again every poll, not every stuck timeout";
  chain->send_error.clear();
  pass(11000ms);
  EXPECT_EQ(ask(status_atom_v, first.task_id).state, "sent");

  // A sender that never gets funds: the task fails, and its nonce is free.
  chain->send_error = "Insufficient funds for gas * price + value";
  auto second = submit_transfer();
  ASSERT_EQ(second.state, "accepted") << second.error;
  pass(75000ms);
  auto s = ask(status_atom_v, second.task_id);
  EXPECT_EQ(s.state, "failed");
  EXPECT_NE(s.error.find("Insufficient funds"), std::string::npos) << s.error;
}

TEST_F(TxManagerUnit, AConfirmedWriteWhoseBlockEveryNodeLostIsSentAgain) {
  start();
  auto first = submit_transfer();
  auto second = submit_transfer();
  ASSERT_EQ(first.nonce + 1, second.nonce);
  mine(first.tx_hash, 7, 1);
  pass(1000ms);
  ASSERT_EQ(ask(status_atom_v, first.task_id).state, "confirmed");
  auto raw_first = chain->sent.front();

  // The second write is stuck, and a lagging node says nonce 5 is unspent:
  // the first one's receipt is still there, so nothing is re-opened.
  chain->pending = first.nonce;
  pass(25000ms);
  EXPECT_EQ(ask(status_atom_v, first.task_id).state, "confirmed");

  // Then every node that held block 7 dies: the chain is back at block 6,
  // without the first write, and the second one waits behind its nonce.
  chain->receipts.clear();
  chain->blocks.erase(7);
  chain->head = 6;
  pass(25000ms);
  auto s = ask(status_atom_v, first.task_id);
  EXPECT_EQ(s.state, "sent") << "a lost write stays confirmed, and its sender's later writes wait forever";
  EXPECT_GE(std::count(chain->sent.begin(), chain->sent.end(), raw_first), 2)
    << "its signed bytes were not sent again";

  mine(first.tx_hash, 7, 3);
  chain->pending = second.nonce;
  pass(2000ms);
  s = ask(status_atom_v, first.task_id);
  EXPECT_EQ(s.state, "confirmed");
  EXPECT_EQ(s.block, 7u);
}

// The same for a write that reverted: its nonce is spent only while its
// block lasts, and a verdict from a lost block must not hold the sender up.
TEST_F(TxManagerUnit, AWriteThatRevertedInABlockEveryNodeLostIsSentAgain) {
  start();
  auto first = submit_transfer();
  auto second = submit_transfer();
  mine(first.tx_hash, 7, 1, "0x0");
  pass(1000ms);
  ASSERT_EQ(ask(status_atom_v, first.task_id).state, "failed");
  auto raw_first = chain->sent.front();

  chain->receipts.clear();
  chain->blocks.erase(7);
  chain->head = 6;
  chain->pending = first.nonce;
  pass(25000ms);
  auto s = ask(status_atom_v, first.task_id);
  EXPECT_EQ(s.state, "sent") << "a write failed in a lost block holds its sender's later writes forever";
  EXPECT_EQ(s.error, "");
  EXPECT_GE(std::count(chain->sent.begin(), chain->sent.end(), raw_first), 2)
    << "its signed bytes were not sent again";

  mine(first.tx_hash, 7, 3);   // this time it succeeds
  chain->pending = second.nonce;
  pass(2000ms);
  s = ask(status_atom_v, first.task_id);
  EXPECT_EQ(s.state, "confirmed");
  EXPECT_EQ(s.block, 7u);
}

TEST_F(TxManagerUnit, RevertedTransactionFailsWithDecodedReason) {
  start();
  auto ack = submit_transfer();
  mine(ack.tx_hash, 4, 1, "0x0");
  pass(1000ms);
  auto s = ask(status_atom_v, ack.task_id);
  EXPECT_EQ(s.state, "failed");
  EXPECT_NE(s.error.find("sold out"), std::string::npos) << s.error;
}

// A write the nodes cannot estimate in time is refused as "unavailable" (a
// retry may succeed); one the node refuses to estimate is "rejected".
TEST_F(TxManagerUnit, AGasEstimateThatNeverComesBackIsRetryableNotInvalid) {
  start();
  write_request r;
  r.kind = task_kind::contract;
  r.from = test::dev_addr0;
  r.to = "0x000000000000000000000000000000000000dEaD";
  r.data = "0xa9059cbb";
  chain->estimates_hang = true;
  auto out = std::make_shared<write_status>();
  auto t = txm;
  sys.spawn([=](caf::event_based_actor* client) {
    client->request(t, caf::infinite, submit_atom_v, r).then([out](write_status s) { *out = s; });
  });
  sched.run();
  EXPECT_EQ(out->state, "") << "answered before the estimate came back";
  pass(30500ms);
  EXPECT_EQ(out->state, "unavailable") << out->error;
  EXPECT_NE(out->error.find("gas estimation failed"), std::string::npos) << out->error;
  EXPECT_TRUE(chain->sent.empty());

  chain->estimates_hang = false;   // the stand-in answers "method not found"
  auto refused = ask(submit_atom_v, r);
  EXPECT_EQ(refused.state, "rejected") << refused.error;
  EXPECT_TRUE(chain->sent.empty());
  EXPECT_EQ(summary()["pending"], 0);
}

TEST_F(TxManagerUnit, AKeystoreStoredEncryptedOpensWithItsPasswordOnly) {
  start();
  auto key = eth::private_key::from_hex(test::dev_keys[2]);
  auto keystore = eth::encrypt_keystore(key, "correct horse", eth::kdf_params::light());
  std::string answer;
  auto call = [&](auto... xs) {
    answer.clear();
    auto t = txm;
    sys.spawn([&answer, t, xs...](caf::event_based_actor* client) {
      client->request(t, caf::infinite, xs...)
        .then([&answer](const std::string& a) { answer = "ok " + a; },
              [&answer](caf::error& e) { answer = to_string(e); });
    });
    sched.run();
    return answer;
  };
  auto addr = key.address().checksummed();
  EXPECT_EQ(call(import_atom_v, keystore), "ok " + addr);
  // At rest it is the encrypted keystore, not the key.
  auto stored = storage::keystore_store(*db).json(key.address());
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->find(test::dev_keys[2] + 2), std::string::npos);
  auto wrong = call(open_atom_v, addr, std::string("tr0ub4dor"));
  EXPECT_NE(wrong.find("wrong password"), std::string::npos) << wrong;
  EXPECT_EQ(wrong.find("tr0ub4dor"), std::string::npos) << wrong;
  write_request r;
  r.kind = task_kind::account;
  r.from = addr;
  r.to = "0x000000000000000000000000000000000000dEaD";
  r.gas_limit = 21000;
  EXPECT_EQ(ask(submit_atom_v, r).state, "rejected");   // not opened yet
  EXPECT_EQ(call(open_atom_v, addr, std::string("correct horse")), "ok " + addr);
  EXPECT_EQ(ask(submit_atom_v, r).state, "accepted");
  EXPECT_NE(call(import_atom_v, std::string("{not json")).find("keystore refused"), std::string::npos);
}

TEST_F(TxManagerUnit, KeysAreCheckedAndNeverEchoed) {
  start();
  std::string secret = test::dev_keys[1];   // a valid key, for the wrong address
  std::string message;
  auto t = txm;
  sys.spawn([&message, t, secret](caf::event_based_actor* client) {
    client->request(t, caf::infinite, unlock_atom_v, std::string(test::dev_addr0), secret)
      .then([&message](const std::string&) { message = "accepted"; },
            [&message](caf::error& e) { message = to_string(e); });
  });
  sched.run();
  EXPECT_NE(message, "accepted");
  EXPECT_EQ(message.find(secret.substr(2)), std::string::npos) << message;
  EXPECT_EQ(ask(status_atom_v, std::uint64_t{42}).state, "unknown");
}

TEST_F(TxManagerUnit, SummaryCountsFollowTheTasksAsTheyMove) {
  start();
  auto idle = summary();
  EXPECT_EQ(idle["pending"], 0);
  EXPECT_EQ(idle["confirmations"], 1);
  EXPECT_EQ(idle["by_state"].size(), 6u);
  auto a = submit_transfer();
  auto b = submit_transfer();
  ASSERT_EQ(b.state, "accepted") << b.error;
  auto s = summary();
  EXPECT_EQ(s["pending"], 2);
  EXPECT_EQ(s["by_state"]["sent"], 2);
  EXPECT_EQ(s["by_state"]["accepted"], 0);

  mine(b.tx_hash, 4, 1, "0x0");   // b reverts
  pass(1000ms);
  s = summary();
  EXPECT_EQ(s["failed"], 1);
  EXPECT_EQ(s["by_state"]["failed"], 1);
  EXPECT_EQ(s["by_state"]["mined"], 0);
  EXPECT_EQ(s["mined"], 1);
  EXPECT_EQ(s["pending"], 1);

  pass(10500ms);   // a is stuck: re-broadcast ...
  EXPECT_EQ(summary()["rebroadcast"], 1);
  pass(10500ms);   // ... then replaced, and the replacement sent
  s = summary();
  EXPECT_EQ(s["replaced"], 1);
  EXPECT_EQ(s["by_state"]["sent"], 1);
  EXPECT_EQ(s["pending"], 1);

  ASSERT_EQ(chain->sent.size(), 4u);
  auto after = eth::transaction::decode(eth::from_hex(chain->sent.back()));
  mine(eth::to_hex(after.hash()), 7, 2);
  pass(500ms);
  ASSERT_EQ(ask(status_atom_v, a.task_id).state, "confirmed");
  s = summary();
  EXPECT_EQ(s["pending"], 0);
  EXPECT_EQ(s["mined"], 2);
  EXPECT_EQ(s["confirmed"], 1);
  EXPECT_EQ(s["failed"], 1);
  for (auto open : {"accepted", "sent", "replaced", "mined"})
    EXPECT_EQ(s["by_state"][open], 0) << open;
}

TEST_F(TxManagerUnit, SummaryCountsOpenTasksTakenOverFromTheJournal) {
  start(3);
  submit_transfer();
  submit_transfer();
  self->send_exit(txm, caf::exit_reason::user_shutdown);
  sched.run();
  start(3);   // a restart: the journal's two open tasks are followed again
  auto s = summary();
  EXPECT_EQ(s["pending"], 2);
  EXPECT_EQ(s["by_state"]["sent"], 2);
  EXPECT_EQ(s["confirmations"], 3);
}

} // namespace
