// nonce_allocator with the write journal on a real RocksDB, and against a
// real anvil node.
#include "actors/nonce_allocator.hpp"

#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"
#include "protocol/eth/transaction.hpp"
#include "protocol/eth/uint256.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "storage/database.hpp"
#include "storage/journal.hpp"
#include "storage/nonce_index.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <numeric>
#include <thread>

namespace {

using namespace petrade;
using storage::database;
using storage::journal;

eth::address sender_a = eth::address::parse("0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
eth::address sender_b = eth::address::parse("0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

storage::task_draft draft(const eth::address& sender, std::uint64_t nonce) {
  eth::bytes raw(sender.value.begin(), sender.value.end());
  for (int i = 0; i < 8; ++i)
    raw.push_back(static_cast<std::uint8_t>(nonce >> (8 * i)));
  return {std::nullopt, task_kind::contract, sender, nonce, raw};
}

class NonceAllocator : public ::testing::Test {
protected:
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  /// A restart: the database closed and opened again; callers make new
  /// journals and allocators on it.
  void reopen() {
    db_.reset();
    db_ = std::make_unique<database>(dir_);
  }
  std::string dir_ = test::temp_dir("nonce-allocator");
  std::unique_ptr<database> db_ = std::make_unique<database>(dir_);
};

TEST_F(NonceAllocator, ThousandConcurrentSubmitsGetConsecutiveNoncesThatSurviveReopen) {
  constexpr std::uint64_t start = 7;   // the node already knows 7 transactions
  constexpr int total = 1000, threads = 8;
  {
    journal j(*db_);
    nonce_allocator alloc(*db_);
    std::atomic<int> claimed{0};
    std::vector<std::vector<std::uint64_t>> got(threads);
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        while (claimed.fetch_add(1) < total) {
          auto n = alloc.next(sender_a, start);
          j.accept(draft(sender_a, n));   // journalled (sync) before "acknowledging"
          got[t].push_back(n);
        }
      });
    for (auto& th : pool)
      th.join();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - t0).count();
    std::cout << "[ info     ] " << total << " submits from " << threads << " threads (next + "
              << "sync journal write): " << ms << " ms\n";

    std::vector<std::uint64_t> all;
    for (auto& g : got) {
      EXPECT_TRUE(std::is_sorted(g.begin(), g.end()));   // per thread, in order
      all.insert(all.end(), g.begin(), g.end());
    }
    std::sort(all.begin(), all.end());
    std::vector<std::uint64_t> expected(total);
    std::iota(expected.begin(), expected.end(), start);
    EXPECT_EQ(all, expected);   // no gap, no repeat
    EXPECT_EQ(j.open_tasks().size(), std::size_t(total));
  }
  reopen();
  storage::nonce_index index(*db_);
  EXPECT_EQ(index.highest(sender_a), start + total - 1);
  EXPECT_TRUE(index.gaps(sender_a, start, start + total).empty());

  nonce_allocator alloc(*db_);
  EXPECT_FALSE(alloc.knows(sender_a));
  int asked = 0;
  auto node = [&] { ++asked; return start; };   // the node saw none of them yet
  EXPECT_EQ(alloc.next(sender_a, node), start + total);
  EXPECT_EQ(alloc.next(sender_a, node), start + total + 1);
  EXPECT_EQ(asked, 1);   // only on first use
  EXPECT_TRUE(alloc.knows(sender_a));
}

TEST_F(NonceAllocator, NodeCountHigherThanStoredWins) {
  {
    journal j(*db_);
    for (std::uint64_t n = 0; n < 5; ++n)
      j.accept(draft(sender_a, n));
  }
  {
    nonce_allocator alloc(*db_);
    EXPECT_EQ(alloc.next(sender_a, 10), 10u);   // the key was used elsewhere
    EXPECT_EQ(alloc.next(sender_a, 0), 11u);
    EXPECT_EQ(alloc.next(sender_a, 20), 20u);   // later counts above ours win too
    EXPECT_EQ(alloc.next(sender_a, 3), 21u);
  }
  nonce_allocator alloc(*db_);
  EXPECT_EQ(alloc.next(sender_a, 2), 5u);      // stored + 1 when higher
  EXPECT_EQ(alloc.next(sender_b, 3), 3u);      // nothing stored: the node's count
  EXPECT_EQ(alloc.next(sender_b, 0), 4u);
  EXPECT_EQ(alloc.next(sender_a, 0), 6u);      // senders are independent
}

TEST_F(NonceAllocator, ReportedGapIsRefilledFirst) {
  nonce_allocator alloc(*db_);
  for (std::uint64_t n = 0; n < 5; ++n)
    EXPECT_EQ(alloc.next(sender_a, 0), n);
  alloc.release(sender_a, 3);
  alloc.release(sender_a, 1);
  alloc.release(sender_a, 3);   // twice is once
  EXPECT_EQ(alloc.gaps(sender_a), (std::vector<std::uint64_t>{1, 3}));
  EXPECT_EQ(alloc.next(sender_a, 0), 1u);
  EXPECT_EQ(alloc.next(sender_a, 0), 3u);
  EXPECT_EQ(alloc.next(sender_a, 0), 5u);
  EXPECT_THROW(alloc.release(sender_a, 6), std::invalid_argument);   // never handed out

  // A released nonce the node has meanwhile counted was used by someone else.
  alloc.release(sender_a, 2);
  EXPECT_EQ(alloc.next(sender_a, 3), 6u);
  EXPECT_TRUE(alloc.gaps(sender_a).empty());
  alloc.release(sender_b, 0);   // unknown sender: nothing to do
  EXPECT_EQ(alloc.next(sender_b, 0), 0u);
}

TEST_F(NonceAllocator, GapsOnDiskAreRefilledAfterRestart) {
  {
    journal j(*db_);
    nonce_allocator alloc(*db_);
    for (std::uint64_t n = 0; n < 6; ++n)
      ASSERT_EQ(alloc.next(sender_a, 0), n);
    for (std::uint64_t n : {0, 1, 2, 3, 5})   // 4: reserved, then a crash before journalling
      j.accept(draft(sender_a, n));
    // 1 never reached a node: its task fails and frees the nonce.
    auto id = j.find_by_hash(eth::keccak256(draft(sender_a, 1).raw_tx));
    ASSERT_TRUE(id);
    j.update_state(*id, storage::task_state::failed,
                   storage::state_change::failure("insufficient funds", true));
    alloc.release(sender_a, 1);
  }
  reopen();
  {
    nonce_allocator alloc(*db_);
    EXPECT_EQ(alloc.next(sender_a, 0), 1u);
    EXPECT_EQ(alloc.next(sender_a, 0), 4u);
    EXPECT_EQ(alloc.next(sender_a, 0), 6u);
  }
  nonce_allocator alloc(*db_);
  EXPECT_EQ(alloc.next(sender_a, 2), 4u);   // gaps below the node's count are gone
  EXPECT_EQ(alloc.next(sender_a, 2), 6u);
}

TEST_F(NonceAllocator, ManySendersInParallel) {
  nonce_allocator alloc(*db_);
  std::vector<eth::address> senders(8);
  for (std::size_t i = 0; i < senders.size(); ++i)
    senders[i].value[19] = static_cast<std::uint8_t>(i + 1);
  std::vector<std::thread> pool;
  std::vector<std::vector<std::uint64_t>> got(16);
  for (int t = 0; t < 16; ++t)
    pool.emplace_back([&, t] {
      for (int k = 0; k < 200; ++k)
        got[t].push_back(alloc.next(senders[t % 8], 100));
    });
  for (auto& th : pool)
    th.join();
  for (int s = 0; s < 8; ++s) {
    std::vector<std::uint64_t> all(got[s].begin(), got[s].end());
    all.insert(all.end(), got[s + 8].begin(), got[s + 8].end());
    std::sort(all.begin(), all.end());
    std::vector<std::uint64_t> expected(400);
    std::iota(expected.begin(), expected.end(), 100);
    EXPECT_EQ(all, expected) << "sender " << s;
  }
}

// Against a real chain: the node's pending count seeds the allocator, the
// journalled transactions are mined in nonce order, and a transaction sent
// outside the allocator (same key, another wallet) is counted after restart.
TEST_F(NonceAllocator, FollowsARealNode) {
  test::anvil_node node;
  jsonrpc::io_runner io(1);
  auto rpc = jsonrpc::client::create(io, node.url());
  auto key = eth::private_key::from_hex(test::dev_keys[3]);
  auto from = key.address();
  auto pending = [&] {
    auto count = rpc->call_sync("eth_getTransactionCount", {from.hex(), "pending"});
    return static_cast<std::uint64_t>(eth::from_quantity(count.get<std::string>()));
  };
  auto sign = [&](std::uint64_t nonce) {
    eth::transaction tx;
    tx.chain_id = 31337;
    tx.nonce = nonce;
    tx.max_priority_fee_per_gas = 1'000'000'000;
    tx.max_fee_per_gas = 20'000'000'000ull;
    tx.gas_limit = 21000;
    tx.to = eth::address::parse(test::dev_addr0);
    tx.value = 1;
    tx.sign(key);
    return tx.raw();
  };
  {
    journal j(*db_);
    nonce_allocator alloc(*db_);
    for (int i = 0; i < 3; ++i) {
      auto n = alloc.next(from, pending);
      EXPECT_EQ(n, std::uint64_t(i));
      auto raw = sign(n);
      auto id = j.accept({"ik-" + std::to_string(i), task_kind::account, from, n, raw}).id;
      auto hash = rpc->call_sync("eth_sendRawTransaction", {eth::to_hex(raw)});
      EXPECT_EQ(j.find_by_hash(eth::from_hex_fixed<32>(hash.get<std::string>())), id);
      j.update_state(id, storage::task_state::sent);
    }
    EXPECT_EQ(pending(), 3u);
  }
  // Another wallet with the same key sends nonce 3 while we are down.
  rpc->call_sync("eth_sendRawTransaction", {eth::to_hex(sign(3))});
  reopen();
  nonce_allocator alloc(*db_);
  auto n = alloc.next(from, pending);
  EXPECT_EQ(n, 4u);
  rpc->call_sync("eth_sendRawTransaction", {eth::to_hex(sign(n))});
  EXPECT_EQ(pending(), 5u);
}

} // namespace
