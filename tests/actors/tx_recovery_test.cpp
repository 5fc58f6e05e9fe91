// The transaction manager when the chain goes back on what it said: reorgs,
// blocks lost with every node that held them, "nonce too low" from a node on
// a lost chain, refusals for lack of funds, and nonce gaps, against the
// stand-in chain of tx_manager_fixture.hpp.
#include "tests/actors/tx_manager_fixture.hpp"

namespace {

using namespace petrade;
using namespace petrade::test::txm;

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

} // namespace
