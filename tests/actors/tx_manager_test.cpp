// The transaction manager under CAF's deterministic test coordinator against
// a stand-in dispatcher that plays a chain (tx_manager_fixture.hpp): stuck
// transactions are re-broadcast and then replaced with higher fees, a revert
// reason is decoded, estimates that hang, keys are never echoed, and the
// summary counts. Lost blocks, nonce gaps and refusals:
// tx_recovery_test.cpp. The real devnet cases are in
// tests/integration/tx_manager_test.cpp.
#include "tests/actors/tx_manager_fixture.hpp"
#include "protocol/eth/keystore.hpp"
#include "storage/journal.hpp"
#include "storage/keystore_store.hpp"

namespace {

using namespace petrade;
using namespace petrade::test::txm;

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
