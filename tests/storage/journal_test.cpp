// storage::journal against a real RocksDB in a temporary directory.
#include "storage/journal.hpp"

#include "protocol/eth/keccak.hpp"
#include "storage/database.hpp"
#include "storage/nonce_index.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

namespace {

using namespace petrade;
using namespace petrade::storage;

eth::address sender_a = eth::address::parse("0x1111111111111111111111111111111111111111");
eth::address sender_b = eth::address::parse("0x2222222222222222222222222222222222222222");

eth::bytes fake_tx(std::uint64_t nonce, std::uint8_t salt = 0) {
  eth::bytes b = {0x02, salt};
  for (int i = 0; i < 8; ++i)
    b.push_back(static_cast<std::uint8_t>(nonce >> (8 * i)));
  return b;
}

task_draft draft(std::uint64_t nonce, std::optional<std::string> key = {},
                 const eth::address& sender = sender_a) {
  return {std::move(key), task_kind::contract, sender, nonce, fake_tx(nonce)};
}

eth::hash256 block_hash(std::uint8_t b) {
  eth::hash256 h{};
  h.fill(b);
  return h;
}

class Journal : public ::testing::Test {
protected:
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void reopen() {
    db_.reset();
    db_ = std::make_unique<database>(dir_);
  }
  journal make() {
    return journal(*db_, [this] { return now_; });
  }

  std::string dir_ = test::temp_dir("store-journal");
  std::unique_ptr<database> db_ = std::make_unique<database>(dir_);
  std::int64_t now_ = 1'700'000'000'000;
};

TEST_F(Journal, AcceptThenGet) {
  auto j = make();
  EXPECT_EQ(j.next_id(), 1u);
  auto d = draft(7, "user1:abc");
  d.kind = task_kind::deploy;
  auto r = j.accept(d);
  EXPECT_TRUE(r.created);
  EXPECT_EQ(r.id, 1u);
  EXPECT_EQ(j.accept(draft(8)).id, 2u);

  auto t = j.get(1);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->id, 1u);
  EXPECT_EQ(t->idempotency_key, "user1:abc");
  EXPECT_EQ(t->kind, task_kind::deploy);
  EXPECT_EQ(t->sender, sender_a);
  EXPECT_EQ(t->nonce, 7u);
  EXPECT_EQ(t->raw_tx, fake_tx(7));
  EXPECT_EQ(t->tx_hash, eth::keccak256(fake_tx(7)));
  EXPECT_EQ(t->state, task_state::accepted);
  EXPECT_EQ(t->attempts, 0u);
  EXPECT_EQ(t->created_ms, now_);
  EXPECT_EQ(t->updated_ms, now_);
  EXPECT_FALSE(t->block_number);
  EXPECT_FALSE(t->replaced_by);
  EXPECT_TRUE(t->open());
  EXPECT_EQ(t->current_raw(), fake_tx(7));
  EXPECT_FALSE(j.get(3));
  EXPECT_FALSE(j.get(2)->idempotency_key);

  // The same batch wrote the idempotency mapping and the nonce entry.
  EXPECT_EQ(j.find_by_idempotency("user1:abc"), 1u);
  EXPECT_EQ(nonce_index(*db_).owner(sender_a, 7), 1u);
  EXPECT_EQ(nonce_index(*db_).highest(sender_a), 8u);
}

TEST_F(Journal, IdempotencyKeyNamesOneTaskForever) {
  auto j = make();
  auto first = j.accept(draft(0, "k"));
  ASSERT_TRUE(first.created);
  auto before = db_->scan(column::journal, "").size();

  // Same key, different payload (another nonce, another sender): same task,
  // nothing written.
  auto again = j.accept(draft(1, "k", sender_b));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(db_->scan(column::journal, "").size(), before);
  EXPECT_FALSE(nonce_index(*db_).owner(sender_b, 1));
  EXPECT_EQ(j.next_id(), 2u);
  EXPECT_EQ(j.get(first.id)->nonce, 0u);

  // Still so after the task is final and the database reopened.
  j.update_state(first.id, task_state::failed, state_change::failure("test"));
  reopen();
  auto j2 = make();
  auto later = j2.accept(draft(5, "k"));
  EXPECT_FALSE(later.created);
  EXPECT_EQ(later.id, first.id);
  EXPECT_FALSE(j2.find_by_idempotency("other"));
}

TEST_F(Journal, ConcurrentAcceptsWithOneKeyMakeOneTask) {
  auto j = make();
  std::vector<accept_result> results(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] { results[t] = j.accept(draft(100 + t, "same")); });
  for (auto& t : threads)
    t.join();
  int created = 0;
  for (auto& r : results) {
    created += r.created;
    EXPECT_EQ(r.id, results[0].id);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(j.open_tasks().size(), 1u);
}

TEST_F(Journal, ANonceIsHeldByOneTask) {
  auto j = make();
  j.accept(draft(3));
  EXPECT_THROW(j.accept(draft(3, "fresh key")), std::logic_error);
  EXPECT_FALSE(j.find_by_idempotency("fresh key"));
  EXPECT_TRUE(j.accept(draft(3, {}, sender_b)).created);   // other sender
}

TEST_F(Journal, ReopenedJournalListsOpenTasksAndContinuesIds) {
  {
    auto j = make();
    for (std::uint64_t n = 0; n < 5; ++n)
      j.accept(draft(n));
    j.update_state(1, task_state::sent);
    j.update_state(1, task_state::mined, state_change::block(10, block_hash(1)));
    j.update_state(1, task_state::confirmed);
    j.update_state(3, task_state::failed, state_change::failure("insufficient funds"));
    j.update_state(4, task_state::sent);
  }
  reopen();
  auto j = make();
  EXPECT_EQ(j.next_id(), 6u);
  auto open = j.open_tasks();
  ASSERT_EQ(open.size(), 3u);
  EXPECT_EQ(open[0].id, 2u);
  EXPECT_EQ(open[1].id, 4u);
  EXPECT_EQ(open[1].state, task_state::sent);
  EXPECT_EQ(open[2].id, 5u);
  EXPECT_EQ(j.get(3)->failure_reason, "insufficient funds");
  EXPECT_EQ(j.get(1)->block_number, 10u);
  EXPECT_EQ(j.accept(draft(9)).id, 6u);
}

TEST_F(Journal, AnOwnerIsKeptAcrossAReopenAndOnlyForKnownTasks) {
  {
    auto j = make();
    j.accept(draft(0));
    j.accept(draft(1));
    EXPECT_TRUE(j.set_owner(1, "alice"));
    EXPECT_FALSE(j.set_owner(7, "mallory")) << "no task 7";
    j.update_state(1, task_state::sent);
  }
  reopen();
  auto j = make();
  EXPECT_EQ(j.owner(1), "alice");
  EXPECT_EQ(j.owner(2), std::nullopt) << "nobody's request created task 2";
  EXPECT_EQ(j.owner(7), std::nullopt);
  EXPECT_EQ(j.next_id(), 3u) << "owner records are not tasks";
  EXPECT_EQ(j.open_tasks().size(), 2u);
}

TEST_F(Journal, FindByHashIncludingReplacements) {
  auto j = make();
  auto id = j.accept(draft(0)).id;
  j.accept(draft(1));
  EXPECT_EQ(j.find_by_hash(eth::keccak256(fake_tx(0))), id);
  EXPECT_EQ(j.find_by_hash(eth::keccak256(fake_tx(1))), 2u);
  EXPECT_FALSE(j.find_by_hash(block_hash(9)));

  j.update_state(id, task_state::sent);
  auto r = j.update_state(id, task_state::replaced, state_change::replacement(fake_tx(0, 1)));
  EXPECT_EQ(r.replaced_by, eth::keccak256(fake_tx(0, 1)));
  EXPECT_EQ(r.current_raw(), fake_tx(0, 1));
  EXPECT_EQ(r.current_hash(), eth::keccak256(fake_tx(0, 1)));
  EXPECT_EQ(r.tx_hash, eth::keccak256(fake_tx(0)));   // the first stays known
  r = j.update_state(id, task_state::replaced, state_change::replacement(fake_tx(0, 2)));
  for (std::uint8_t salt : {0, 1, 2})
    EXPECT_EQ(j.find_by_hash(eth::keccak256(fake_tx(0, salt))), id) << int(salt);
}

TEST_F(Journal, StateTransitions) {
  auto j = make();
  auto id = j.accept(draft(0)).id;
  EXPECT_THROW(j.update_state(id, task_state::confirmed), std::logic_error);
  EXPECT_THROW(j.update_state(id, task_state::replaced, state_change::replacement(fake_tx(0, 1))),
               std::logic_error);
  EXPECT_THROW(j.update_state(99, task_state::sent), std::out_of_range);

  now_ += 5;
  auto r = j.update_state(id, task_state::sent);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.updated_ms, now_);
  EXPECT_EQ(r.created_ms, now_ - 5);
  r = j.update_state(id, task_state::sent);   // re-broadcast
  EXPECT_EQ(r.attempts, 2u);

  EXPECT_THROW(j.update_state(id, task_state::mined), std::logic_error);  // no block
  r = j.update_state(id, task_state::mined, state_change::block(5, block_hash(5)));
  EXPECT_EQ(r.block_number, 5u);
  EXPECT_EQ(r.block_hash, block_hash(5));
  // A reorg re-opens it: back to sent, out of its block, then mined again.
  r = j.update_state(id, task_state::sent);
  EXPECT_FALSE(r.block_number);
  EXPECT_EQ(r.attempts, 3u);
  r = j.update_state(id, task_state::mined, state_change::block(6, block_hash(6)));
  EXPECT_FALSE(j.get(id)->mined_tx);
  r = j.update_state(id, task_state::mined, state_change::block(7, block_hash(7), block_hash(70)));
  EXPECT_EQ(j.get(id)->block_number, 7u);
  EXPECT_EQ(j.get(id)->mined_tx, block_hash(70)) << "which signed hash is in the block, kept on disk";
  r = j.update_state(id, task_state::confirmed);
  EXPECT_FALSE(r.open());
  for (auto to : {task_state::mined, task_state::failed, task_state::accepted})
    EXPECT_THROW(j.update_state(id, to, state_change::block(1, block_hash(1))),
                 std::logic_error);
  EXPECT_EQ(j.get(id)->state, task_state::confirmed);
  EXPECT_TRUE(j.open_tasks().empty());
  // Every node holding its block lost it: open again, and listed as open.
  r = j.update_state(id, task_state::sent);
  EXPECT_TRUE(r.open());
  EXPECT_FALSE(r.block_number);
  ASSERT_EQ(j.open_tasks().size(), 1u);
  EXPECT_EQ(j.open_tasks()[0].id, id);
  j.update_state(id, task_state::failed, state_change::failure("reverted"));
  EXPECT_TRUE(j.open_tasks().empty());
  for (auto to : {task_state::mined, task_state::confirmed, task_state::failed, task_state::accepted})
    EXPECT_THROW(j.update_state(id, to, state_change::block(1, block_hash(1))), std::logic_error);
  // The block it reverted in was lost too: it still holds its nonce, so it
  // is open again, its old verdict gone.
  r = j.update_state(id, task_state::sent);
  EXPECT_TRUE(r.open());
  EXPECT_EQ(r.failure_reason, "");
  ASSERT_EQ(j.open_tasks().size(), 1u);

  EXPECT_TRUE(can_move(task_state::replaced, task_state::sent));
  EXPECT_TRUE(can_move(task_state::failed, task_state::sent));
  EXPECT_FALSE(can_move(task_state::failed, task_state::mined));
  EXPECT_STREQ(to_string(task_state::replaced), "replaced");
}

TEST_F(Journal, FailingWithReleaseFreesTheNonceInTheSameWrite) {
  auto j = make();
  j.accept(draft(0));
  auto id = j.accept(draft(1)).id;
  j.accept(draft(2));
  j.update_state(id, task_state::failed,
                 state_change::failure("intrinsic gas too low", true));
  nonce_index index(*db_);
  EXPECT_FALSE(index.owner(sender_a, 1));
  EXPECT_EQ(index.gaps(sender_a, 0, 3), std::vector<std::uint64_t>{1});
  EXPECT_EQ(index.highest(sender_a), 2u);
  EXPECT_THROW(j.update_state(id, task_state::sent), std::logic_error)
    << "a write that gave its nonce back is never sent again";
  EXPECT_TRUE(j.accept(draft(1)).created);   // the nonce can be used again
  EXPECT_TRUE(index.gaps(sender_a, 0, 3).empty());
  EXPECT_THROW(j.update_state(id, task_state::sent), std::logic_error) << "nor once another holds it";

  // Without release the nonce stays held (it may have reached a node).
  auto kept = j.accept(draft(3)).id;
  j.update_state(kept, task_state::failed, state_change::failure("reverted"));
  EXPECT_EQ(index.owner(sender_a, 3), kept);
}

TEST_F(Journal, RecordFormatRoundTripsAndRejectsDamage) {
  task_record r;
  r.id = 42;
  r.idempotency_key = std::string("k\0ey", 4);
  r.kind = task_kind::account;
  r.sender = sender_b;
  r.nonce = 1ull << 40;
  r.raw_tx = fake_tx(1);
  r.tx_hash = block_hash(3);
  r.state = task_state::replaced;
  r.attempts = 9;
  r.created_ms = -1;
  r.updated_ms = 1234567890123;
  r.block_number = 77;
  r.block_hash = block_hash(4);
  r.failure_reason = "execution reverted: not owner";
  r.replaced_by = block_hash(5);
  r.replacement_raw = fake_tx(2);
  auto bytes = encode(r);
  auto back = decode_task(bytes);
  EXPECT_EQ(encode(back), bytes);
  EXPECT_EQ(back.idempotency_key, r.idempotency_key);
  EXPECT_EQ(back.kind, task_kind::account);
  EXPECT_EQ(back.nonce, r.nonce);
  EXPECT_EQ(back.created_ms, -1);
  EXPECT_EQ(back.block_hash, block_hash(4));
  EXPECT_EQ(back.replacement_raw, fake_tx(2));
  EXPECT_EQ(back.failure_reason, r.failure_reason);

  EXPECT_THROW(decode_task(bytes.substr(0, bytes.size() - 1)), storage_error);
  EXPECT_THROW(decode_task(bytes + "x"), storage_error);
  auto other_version = bytes;
  other_version[0] = 2;
  try {
    decode_task(other_version);
    FAIL();
  } catch (const storage_error& e) {
    EXPECT_NE(std::string(e.what()).find("version 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(decode_task(""), storage_error);
}

} // namespace
