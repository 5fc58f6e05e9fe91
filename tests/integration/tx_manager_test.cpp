// The transaction manager on a real 3-node devnet through the platform's
// dispatcher: consecutive nonces under 1000 concurrent submits, idempotency,
// refusals, a revert reason, and a restart that loses no acknowledged write.
// The devnet lives in the suite (external nodes for the platform), so a
// platform can be stopped and started again against the same chain.
#include "actors/platform.hpp"
#include "actors/tx_manager.hpp"
#include "devnet/devnet.hpp"
#include "protocol/eth/key.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "protocol/messages.hpp"
#include "storage/database.hpp"
#include "storage/journal.hpp"
#include "tests/support/tools.hpp"

#include <caf/all.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>
#include <set>
#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

// Sends every message at once from one actor and collects the answers in order.
template <class Arg>
std::vector<write_status> ask_all(caf::actor_system& sys, caf::actor dest, std::vector<Arg> args) {
  if (args.empty())
    return {};
  auto done = std::make_shared<std::promise<std::vector<write_status>>>();
  auto fut = done->get_future();
  sys.spawn([done, dest, args](caf::event_based_actor* self) -> caf::behavior {
    auto out = std::make_shared<std::vector<write_status>>(args.size());
    auto left = std::make_shared<std::size_t>(args.size());
    auto finish = [=](std::size_t i, write_status s) {
      (*out)[i] = std::move(s);
      if (--*left == 0) {
        done->set_value(*out);
        self->quit();
      }
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
      auto handle = [=](write_status& s) { finish(i, s); };
      auto fail = [=](caf::error& e) {
        write_status s;
        s.state = "error";
        s.error = to_string(e);
        finish(i, s);
      };
      if constexpr (std::is_same_v<Arg, write_request>)
        self->request(dest, 120s, submit_atom_v, args[i]).then(handle, fail);
      else
        self->request(dest, 120s, status_atom_v, args[i]).then(handle, fail);
    }
    return {[](tick_atom) {}};
  });
  if (fut.wait_for(180s) != std::future_status::ready)
    throw std::runtime_error("no answers within 180 s");
  return fut.get();
}

bool is_final(const std::string& state) {
  return state == "confirmed" || state == "failed" || state == "rejected" || state == "unknown";
}

class TxManagerTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    scratch = new test::scratch_dir("txm");
    devnet::devnet_config net;
    net.nodes = 3;
    net.base_port = test::free_port_range(3);
    net.data_dir = scratch->path() + "/devnet";
    net.sync_interval = 20ms;
    cluster = new devnet::cluster(net);
    cluster->start();
  }
  static void TearDownTestSuite() {
    delete cluster;
    delete scratch;
  }

  void SetUp() override {
    io = std::make_unique<jsonrpc::io_runner>(1);
    sealer = jsonrpc::client::create(*io, cluster->nodes()[0].url);
    open_db();
    start();
  }

  void TearDown() override { stop(); }

  void open_db() { db = std::make_unique<storage::database>(scratch->path() + "/db-" + name()); }

  static std::string name() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  void start() {
    platform_config cfg;
    for (auto& n : cluster->nodes())
      cfg.external.push_back({"node" + std::to_string(n.index), n.url, n.submit_url, {}, {}});
    cfg.dispatcher.chain_id = 31337;
    cfg.supervisor.probe_interval = 200ms;
    plat = std::make_unique<platform>(cfg);
    plat->start();
    for (int i = 0; i < 100 && !admitted(); ++i)
      std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(admitted()) << plat->status_json();
    tx_manager_config tc;
    tc.db = db.get();
    tc.dispatcher = plat->dispatcher();
    tc.poll_interval = 100ms;
    tc.log = [](const std::string& level, const std::string& text) {
      if (level != "info")
        std::cerr << "tx_manager " << level << ": " << text << "\n";
    };
    txm = spawn_tx_manager(plat->system(), tc);
    caf::scoped_actor self{plat->system()};
    for (auto* k : test::dev_keys) {
      auto addr = eth::private_key::from_hex(k).address().hex();
      self->request(txm, 10s, unlock_atom_v, addr, std::string(k))
        .receive([](const std::string&) {},
                 [](caf::error& e) { FAIL() << "unlock: " << to_string(e); });
    }
  }

  void stop() {
    if (!plat)
      return;
    {
      caf::scoped_actor self{plat->system()};
      self->send_exit(txm, caf::exit_reason::user_shutdown);
      self->wait_for(txm);
    }
    txm = nullptr;
    plat.reset();
  }

  bool admitted() {
    auto s = json::parse(plat->status_json()).at("cluster");
    if (s.at("nodes").size() != 3)
      return false;
    for (auto& n : s.at("nodes"))
      if (!n.value("admitted", false))
        return false;
    return true;
  }

  std::uint64_t tx_count(const std::string& who, const char* tag = "latest") {
    return static_cast<std::uint64_t>(eth::from_quantity(
      sealer->call_sync("eth_getTransactionCount", json::array({who, tag})).get<std::string>()));
  }

  static std::string addr(int i) { return eth::private_key::from_hex(test::dev_keys[i]).address().hex(); }

  static write_request transfer(int sender, std::string key) {
    write_request r;
    r.idempotency_key = std::move(key);
    r.kind = task_kind::account;
    r.from = addr(sender);
    r.to = "0x000000000000000000000000000000000000dEaD";
    r.value = "1";
    r.gas_limit = 21000;
    return r;
  }

  std::vector<write_status> submit(std::vector<write_request> reqs) {
    return ask_all(plat->system(), txm, std::move(reqs));
  }

  // Polls until every task is final; returns the last statuses.
  std::vector<write_status> wait_final(const std::vector<std::uint64_t>& ids,
                                       std::chrono::seconds timeout = 60s) {
    auto deadline = clock_type::now() + timeout;
    std::vector<write_status> out;
    for (;;) {
      out = ask_all(plat->system(), txm, ids);
      bool all = std::all_of(out.begin(), out.end(), [](auto& s) { return is_final(s.state); });
      if (all || clock_type::now() > deadline)
        return out;
      std::this_thread::sleep_for(200ms);
    }
  }

  static inline test::scratch_dir* scratch = nullptr;
  static inline devnet::cluster* cluster = nullptr;
  std::unique_ptr<jsonrpc::io_runner> io;
  std::shared_ptr<jsonrpc::client> sealer;
  std::unique_ptr<storage::database> db;
  std::unique_ptr<platform> plat;
  caf::actor txm;
};

TEST_F(TxManagerTest, ThousandConcurrentSubmitsGetConsecutiveNoncesAndConfirm) {
  const std::size_t n = 1000;
  auto first = tx_count(addr(0), "pending");
  std::vector<write_request> reqs;
  for (std::size_t i = 0; i < n; ++i)
    reqs.push_back(transfer(0, "bulk-" + std::to_string(i)));
  auto t0 = clock_type::now();
  auto acks = submit(reqs);
  auto t_ack = clock_type::now();
  std::set<std::uint64_t> nonces;
  std::vector<std::uint64_t> ids;
  for (auto& s : acks) {
    ASSERT_EQ(s.state, "accepted") << s.error;
    nonces.insert(s.nonce);
    ids.push_back(s.task_id);
  }
  ASSERT_EQ(nonces.size(), n) << "a nonce was handed out twice";
  EXPECT_EQ(*nonces.begin(), first);
  EXPECT_EQ(*nonces.rbegin(), first + n - 1);

  auto done = wait_final(ids, 50s);
  auto t_done = clock_type::now();
  std::size_t confirmed = 0;
  for (auto& s : done)
    confirmed += s.state == "confirmed";
  EXPECT_EQ(confirmed, n);
  EXPECT_EQ(tx_count(addr(0)), first + n);
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::cout << n << " submits acknowledged in " << ms(t_ack - t0) << " ms, all confirmed after "
            << ms(t_done - t0) << " ms\n";
}

TEST_F(TxManagerTest, SameIdempotencyKeyIsOneTaskAndOneTransaction) {
  auto first = tx_count(addr(1), "pending");
  auto acks = submit({transfer(1, "once"), transfer(1, "once")});
  ASSERT_EQ(acks[0].state, "accepted") << acks[0].error;
  EXPECT_EQ(acks[1].task_id, acks[0].task_id);
  EXPECT_EQ(acks[1].tx_hash, acks[0].tx_hash);
  auto done = wait_final({acks[0].task_id});
  EXPECT_EQ(done[0].state, "confirmed") << done[0].error;
  auto again = submit({transfer(1, "once")});
  EXPECT_EQ(again[0].task_id, acks[0].task_id);
  EXPECT_EQ(again[0].state, "confirmed");
  // The next transaction of the sender takes the very next nonce: no gap.
  auto next = submit({transfer(1, "after-once")});
  EXPECT_EQ(next[0].nonce, first + 1);
  wait_final({next[0].task_id});
  EXPECT_EQ(tx_count(addr(1)), first + 2);
}

TEST_F(TxManagerTest, BadInputIsRejectedAndNothingJournalled) {
  auto stranger = transfer(0, "bad-1");
  stranger.from = eth::private_key::generate().address().hex();
  write_request empty_deploy;
  empty_deploy.idempotency_key = "bad-2";
  empty_deploy.kind = task_kind::deploy;
  empty_deploy.from = addr(2);
  empty_deploy.gas_limit = 100000;
  auto not_hex = transfer(2, "bad-3");
  not_hex.kind = task_kind::contract;
  not_hex.data = "0xzz12";
  auto good = transfer(2, "good");
  auto acks = submit({stranger, empty_deploy, not_hex, good});
  EXPECT_EQ(acks[0].state, "rejected");
  EXPECT_NE(acks[0].error.find("unknown sender"), std::string::npos) << acks[0].error;
  EXPECT_EQ(acks[1].state, "rejected");
  EXPECT_NE(acks[1].error.find("deploy needs init code"), std::string::npos) << acks[1].error;
  EXPECT_EQ(acks[2].state, "rejected");
  EXPECT_NE(acks[2].error.find("not hex"), std::string::npos) << acks[2].error;
  ASSERT_EQ(acks[3].state, "accepted") << acks[3].error;
  EXPECT_EQ(wait_final({acks[3].task_id})[0].state, "confirmed");
  storage::journal j(*db);
  EXPECT_EQ(j.next_id(), acks[3].task_id + 1);   // only the good one was journalled
  for (auto* key : {"bad-1", "bad-2", "bad-3"})
    EXPECT_FALSE(j.find_by_idempotency(key)) << key;
}

TEST_F(TxManagerTest, RevertingDeployFailsWithReasonAndEstimatedDeployConfirms) {
  write_request bad;
  bad.kind = task_kind::deploy;
  bad.from = addr(3);
  bad.data = "0x60006000fd";   // PUSH1 0 PUSH1 0 REVERT
  bad.gas_limit = 100000;
  write_request good = bad;
  good.data = "0x600a600c600039600a6000f3602a60005260206000f3";   // returns 42
  good.gas_limit = 0;   // estimated
  auto acks = submit({bad, good});
  ASSERT_EQ(acks[0].state, "accepted") << acks[0].error;
  ASSERT_EQ(acks[1].state, "accepted") << acks[1].error;
  auto done = wait_final({acks[0].task_id, acks[1].task_id});
  EXPECT_EQ(done[0].state, "failed");
  EXPECT_EQ(done[0].error, "reverted without a reason");
  EXPECT_GT(done[0].block, 0u);
  EXPECT_EQ(done[1].state, "confirmed") << done[1].error;
}

TEST_F(TxManagerTest, RestartLosesNoAcknowledgedWrite) {
  const std::size_t n = 60;
  auto first = tx_count(addr(2), "pending");
  std::vector<write_request> reqs;
  for (std::size_t i = 0; i < n; ++i)
    reqs.push_back(transfer(2, "restart-" + std::to_string(i)));
  auto acks = submit(reqs);
  std::vector<std::uint64_t> ids;
  for (auto& s : acks) {
    ASSERT_EQ(s.state, "accepted") << s.error;
    ids.push_back(s.task_id);
  }
  // Crash right after the acknowledgements: actors and database go away.
  stop();
  auto open_before = storage::journal(*db).open_tasks().size();
  db.reset();
  open_db();
  start();
  auto done = wait_final(ids);
  std::set<std::uint64_t> nonces;
  for (auto& s : done) {
    EXPECT_EQ(s.state, "confirmed") << "task " << s.task_id << ": " << s.error;
    nonces.insert(s.nonce);
    auto receipt = sealer->call_sync("eth_getTransactionReceipt", json::array({s.tx_hash}));
    ASSERT_TRUE(receipt.is_object()) << s.tx_hash;
    EXPECT_EQ(receipt.at("status"), "0x1");
  }
  EXPECT_EQ(nonces.size(), n);
  EXPECT_EQ(tx_count(addr(2)), first + n);   // mined exactly once: no extra transaction
  std::cout << open_before << " of " << n << " tasks were open at the restart\n";
}

} // namespace
