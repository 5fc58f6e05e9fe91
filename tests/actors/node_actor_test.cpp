// The node actor against real anvil nodes, on CAF's real scheduler: tasks,
// error mapping, periodic reports, a frozen node, forwarding of raw
// transactions to the submit URL, the in-flight cap and restarts.
#include "actors/node_actor.hpp"
#include "devnet/devnet.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/transaction.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "protocol/messages.hpp"
#include "tests/protocol/jsonrpc/test_server.hpp"
#include "tests/support/tools.hpp"

#include <caf/all.hpp>

#include <gtest/gtest.h>

#include <signal.h>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <iostream>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

struct config : caf::actor_system_config {
  config() {
    add_message_types<caf::id_block::petrade>();
    set("scheduler.max-threads", 2);
  }
};

// Every report the test supervisor got, with its arrival time.
struct report_log {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::pair<clock_type::time_point, node_state>> items;

  void add(node_state s) {
    std::lock_guard lock(m);
    items.emplace_back(clock_type::now(), std::move(s));
    cv.notify_all();
  }
  // The first report that arrived at or after `since` and satisfies `pred`.
  template <class Pred>
  std::optional<std::pair<clock_type::time_point, node_state>>
  wait_for(Pred pred, std::chrono::milliseconds timeout, clock_type::time_point since = {}) {
    std::unique_lock lock(m);
    std::optional<std::pair<clock_type::time_point, node_state>> hit;
    cv.wait_for(lock, timeout, [&] {
      for (auto& it : items)
        if (it.first >= since && pred(it.second)) {
          hit = it;
          return true;
        }
      return false;
    });
    return hit;
  }
  std::size_t count(clock_type::time_point since) {
    std::lock_guard lock(m);
    return static_cast<std::size_t>(std::count_if(items.begin(), items.end(),
                                                  [&](auto& it) { return it.first >= since; }));
  }
};

caf::behavior supervisor_stub(caf::event_based_actor*, std::shared_ptr<report_log> log) {
  return {[log](report_atom, node_state& s) { log->add(std::move(s)); }};
}

class NodeActorTest : public ::testing::Test {
protected:
  void TearDown() override {
    for (auto& a : actors)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

  node_actor_config base(const test::anvil_node& node) {
    node_actor_config c;
    c.index = 1;
    c.name = "node1";
    c.url = node.url();
    c.probe_interval = 250ms;
    c.call_timeout = 2s;
    c.probe.kind = probe_kind::proc;
    c.probe.pid = anvil.process().pid();
    c.supervisor = sup;
    c.io = io;
    return c;
  }

  caf::actor spawn(node_actor_config c) {
    auto a = spawn_node_actor(sys, std::move(c));
    actors.push_back(a);
    return a;
  }

  task_result execute(const caf::actor& node, task t, std::chrono::milliseconds limit = 5s) {
    task_result out;
    out.message = "no answer";
    out.error = task_error::unreachable;
    self->request(node, limit, execute_atom_v, std::move(t))
      .receive([&](task_result& r) { out = std::move(r); },
               [&](caf::error& e) { out.message = to_string(e); });
    return out;
  }

  // A signed EIP-1559 transfer of 1 wei from dev key 0.
  std::string transfer(std::uint64_t nonce) {
    eth::transaction tx;
    tx.chain_id = 31337;
    tx.nonce = nonce;
    tx.max_priority_fee_per_gas = 1;
    tx.max_fee_per_gas = 10'000'000'000ULL;
    tx.gas_limit = 21000;
    tx.to = eth::address::parse("0x000000000000000000000000000000000000dEaD");
    tx.value = 1;
    tx.sign(eth::private_key::from_hex(test::dev_keys[0]));
    return eth::to_hex(tx.raw());
  }

  static task make_task(std::uint64_t id, std::string method, std::string params = "[]") {
    task t;
    t.id = id;
    t.method = std::move(method);
    t.params = std::move(params);
    return t;
  }

  test::anvil_node anvil;
  std::shared_ptr<jsonrpc::io_runner> io = std::make_shared<jsonrpc::io_runner>(1);
  config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::shared_ptr<report_log> log = std::make_shared<report_log>();
  caf::actor sup = sys.spawn(supervisor_stub, log);
  std::vector<caf::actor> actors{sup};
};

TEST_F(NodeActorTest, ReadsAndWritesAndTheHeadAdvances) {
  auto node = spawn(base(anvil));
  auto head = execute(node, make_task(1, "eth_blockNumber"));
  ASSERT_TRUE(head.ok()) << head.message;
  EXPECT_EQ(head.result, "\"0x0\"");
  EXPECT_EQ(head.id, 1u);
  EXPECT_EQ(head.node, 1u);
  auto balance = execute(node, make_task(2, "eth_getBalance",
                                         std::string("[\"") + test::dev_addr0 + "\",\"latest\"]"));
  ASSERT_TRUE(balance.ok()) << balance.message;
  EXPECT_NE(balance.result, "\"0x0\"");
  auto start = log->wait_for([](auto& s) { return s.reachable && s.head == 0; }, 2s);
  ASSERT_TRUE(start) << "no report with head 0";

  auto raw = transfer(0);
  auto sent = execute(node, make_task(3, "eth_sendRawTransaction", "[\"" + raw + "\"]"));
  ASSERT_TRUE(sent.ok()) << sent.message;
  auto hash = eth::to_hex(eth::transaction::decode(eth::from_hex(raw)).hash());
  EXPECT_EQ(sent.result, "\"" + hash + "\"");
  auto t0 = clock_type::now();
  auto moved = log->wait_for([](auto& s) { return s.reachable && s.head >= 1; }, 2s, t0);
  ASSERT_TRUE(moved) << "no report with the new head";
  std::cout << "head 1 reported after "
            << std::chrono::duration<double, std::milli>(moved->first - t0).count() << " ms\n";
  auto& s = moved->second;
  EXPECT_EQ(s.name, "node1");
  EXPECT_EQ(s.inflight_cap, 64u);
  EXPECT_GT(s.latency_ms, 0);
  EXPECT_GT(s.mem_bytes, 0);   // anvil's RSS
  for (double v : s.s) {
    EXPECT_GE(v, 0);
    EXPECT_LE(v, 1);
  }
  EXPECT_EQ(s.error_rate, 0);
}

TEST_F(NodeActorTest, ErrorsMapToTaskErrors) {
  auto node = spawn(base(anvil));
  auto unknown = execute(node, make_task(7, "petrade_noSuchMethod"));
  EXPECT_EQ(unknown.error, task_error::rpc);
  EXPECT_EQ(unknown.code, -32601) << unknown.message;
  EXPECT_EQ(unknown.id, 7u);
  auto bad = execute(node, make_task(8, "eth_getBalance", "[not json"));
  EXPECT_EQ(bad.error, task_error::invalid);
  auto scalar = execute(node, make_task(9, "eth_getBalance", "42"));
  EXPECT_EQ(scalar.error, task_error::invalid);
  auto reverted = execute(node, make_task(10, "eth_sendRawTransaction", "[\"0x02deadbeef\"]"));
  EXPECT_EQ(reverted.error, task_error::rpc);
  EXPECT_NE(reverted.code, 0);
}

TEST_F(NodeActorTest, ReportsEveryIntervalAndAnswersStatus) {
  auto c = base(anvil);
  c.supervisor = nullptr;   // attached later
  auto node = spawn(c);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(log->count({}), 0u);
  self->send(node, attach_atom_v, sup);
  auto t0 = clock_type::now();
  std::this_thread::sleep_for(1300ms);
  auto n = log->count(t0);
  std::cout << n << " reports in 1300 ms at a 250 ms interval\n";
  EXPECT_GE(n, 4u);
  EXPECT_LE(n, 7u);
  EXPECT_TRUE(log->wait_for([](auto& s) { return !s.reachable; }, 0ms, t0) == std::nullopt);
  self->send(node, report_atom_v, std::uint64_t{8});   // the cluster is 8 blocks ahead
  std::this_thread::sleep_for(400ms);
  self->request(node, 1s, status_atom_v)
    .receive(
      [](node_state& s) {
        EXPECT_TRUE(s.reachable);
        EXPECT_EQ(s.lag_blocks, 8u);
        EXPECT_DOUBLE_EQ(s.get(dimension::lag), 0.5);   // lag cap 16
      },
      [](caf::error& e) { ADD_FAILURE() << to_string(e); });
}

TEST_F(NodeActorTest, AFrozenNodeIsReportedUnreachableWithinTwoIntervals) {
  auto node = spawn(base(anvil));
  ASSERT_TRUE(log->wait_for([](auto& s) { return s.reachable; }, 2s));
  auto t0 = clock_type::now();
  anvil.process().signal(SIGSTOP);
  auto down = log->wait_for([](auto& s) { return !s.reachable; }, 3s, t0);
  ASSERT_TRUE(down) << "no unreachable report";
  auto took = std::chrono::duration<double, std::milli>(down->first - t0).count();
  std::cout << "unreachable reported " << took << " ms after SIGSTOP\n";
  EXPECT_LT(took, 500);   // 2 probe intervals
  EXPECT_GT(down->second.error_rate, 0);
  EXPECT_FALSE(down->second.busy) << "a stopped process burns no CPU: it is silent, not overloaded";
  auto stuck = execute(node, make_task(1, "eth_blockNumber"));
  EXPECT_EQ(stuck.error, task_error::unreachable);
  EXPECT_NE(stuck.message.find("timeout"), std::string::npos) << stuck.message;

  auto t1 = clock_type::now();
  anvil.process().signal(SIGCONT);
  auto up = log->wait_for([](auto& s) { return s.reachable; }, 3s, t1);
  ASSERT_TRUE(up) << "not reachable again";
  std::cout << "reachable again " << std::chrono::duration<double, std::milli>(up->first - t1).count()
            << " ms after SIGCONT\n";
}

// A node too busy to answer the probe in time but still answering calls is
// slow, not down: it must stay reachable, or the supervisor restarts it.
// The upstream is a scripted server (the node is not what is tested): its
// head query takes longer than the probe may wait, everything else is quick.
TEST_F(NodeActorTest, ANodeAnsweringCallsButNotTheProbeInTimeStaysReachable) {
  jsonrpc::test::test_server slow_head([](const std::string& body) {
    auto call = nlohmann::json::parse(body);
    jsonrpc::test::reply r{200, nlohmann::json{{"jsonrpc", "2.0"}, {"id", call.at("id")},
                                               {"result", "0x10"}}.dump()};
    if (call.at("method") == "eth_blockNumber")
      r.delay = 400ms;
    return r;
  });
  auto c = base(anvil);
  c.url = slow_head.url();
  c.probe.kind = probe_kind::none;   // no process to sample behind the script
  c.probe_interval = 200ms;
  c.probe_timeout = 100ms;
  auto node = spawn(c);
  // Probes alone: every one times out, so the node reads unreachable.
  auto t0 = clock_type::now();
  auto down = log->wait_for([](auto& s) { return !s.reachable; }, 3s, t0 + 300ms);
  ASSERT_TRUE(down) << "a node that answers nothing in time must read unreachable";
  // With task calls answered in every round it reads reachable again,
  // although the probe still times out.
  std::atomic<bool> calling{true};
  auto caller = std::async(std::launch::async, [&] {
    caf::scoped_actor other{sys};
    std::uint64_t id = 0;
    while (calling) {
      other->request(node, 2s, execute_atom_v, make_task(++id, "eth_chainId"))
        .receive([](task_result&) {}, [](caf::error&) {});
      std::this_thread::sleep_for(30ms);
    }
  });
  auto t1 = clock_type::now();
  auto up = log->wait_for([](auto& s) { return s.reachable; }, 3s, t1 + 100ms);
  calling = false;
  caller.get();
  ASSERT_TRUE(up) << "a node answering calls was still reported unreachable";
  EXPECT_EQ(up->second.head, 0u) << "the head comes from the probe, which never answered in time";
}

TEST_F(NodeActorTest, TheInflightCapAnswersBusy) {
  auto c = base(anvil);
  c.inflight_cap = 1;
  auto node = spawn(c);
  anvil.process().signal(SIGSTOP);
  // The first call hangs on the frozen node; the second finds the cap reached.
  auto first = std::async(std::launch::async, [&] {
    caf::scoped_actor other{sys};
    task_result out;
    other->request(node, 5s, execute_atom_v, make_task(1, "eth_blockNumber"))
      .receive([&](task_result& r) { out = std::move(r); }, [](caf::error&) {});
    return out;
  });
  std::this_thread::sleep_for(200ms);
  auto second = execute(node, make_task(2, "eth_blockNumber"));
  EXPECT_EQ(second.error, task_error::busy) << second.message;
  anvil.process().signal(SIGCONT);
  auto r = first.get();
  EXPECT_TRUE(r.ok()) << r.message;   // answered once the node runs again
}

TEST_F(NodeActorTest, AFollowerSendsRawTransactionsToTheSubmitUrl) {
  test::anvil_node sealer;
  auto c = base(anvil);
  c.submit_url = sealer.url();
  auto follower = spawn(c);
  auto raw = transfer(0);
  auto sent = execute(follower, make_task(1, "eth_sendRawTransaction", "[\"" + raw + "\"]"));
  ASSERT_TRUE(sent.ok()) << sent.message;
  auto params = "[" + sent.result + "]";
  // Reads still go to the follower, which never saw the transaction.
  auto on_follower = execute(follower, make_task(2, "eth_getTransactionByHash", params));
  ASSERT_TRUE(on_follower.ok()) << on_follower.message;
  EXPECT_EQ(on_follower.result, "null");
  c.url = sealer.url();
  c.submit_url.clear();
  auto direct = spawn(c);
  auto on_sealer = execute(direct, make_task(3, "eth_getTransactionByHash", params));
  ASSERT_TRUE(on_sealer.ok()) << on_sealer.message;
  EXPECT_NE(on_sealer.result, "null");
}

TEST_F(NodeActorTest, RestartRunsTheCallbackOffTheScheduler) {
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> calls{0};
  auto c = base(anvil);
  c.restart = [&calls, released] {
    ++calls;
    released.wait();   // a slow launcher must not hold up the actor
  };
  auto node = spawn(c);
  auto restart = [&] {
    bool started = false;
    self->request(node, 1s, restart_atom_v)
      .receive([&](bool b) { started = b; }, [](caf::error& e) { ADD_FAILURE() << to_string(e); });
    return started;
  };
  EXPECT_TRUE(restart());
  EXPECT_FALSE(restart());   // still running
  auto status = execute(node, make_task(1, "eth_blockNumber"), 1s);
  EXPECT_TRUE(status.ok()) << status.message;
  release.set_value();
  auto until = clock_type::now() + 2s;
  bool again = false;
  while (!again && clock_type::now() < until) {
    std::this_thread::sleep_for(20ms);
    again = restart();
  }
  EXPECT_TRUE(again);
  for (int k = 0; k < 100 && calls.load() < 2; ++k)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(calls.load(), 2);

  c.restart = nullptr;
  auto without = spawn(c);
  self->request(without, 1s, restart_atom_v).receive([](bool b) { EXPECT_FALSE(b); },
                                                    [](caf::error&) { ADD_FAILURE(); });
}

TEST_F(NodeActorTest, BadConfigsThrow) {
  auto c = base(anvil);
  c.io = nullptr;
  EXPECT_THROW(spawn_node_actor(sys, c), std::invalid_argument);
  c = base(anvil);
  c.url = "https://example.org";
  EXPECT_THROW(spawn_node_actor(sys, c), std::invalid_argument);
  c = base(anvil);
  c.probe.kind = probe_kind::cgroup;
  c.probe.cgroup_dir = "/nonexistent/cgroup";
  EXPECT_THROW(spawn_node_actor(sys, c), std::invalid_argument);
}

// A follower of a 2-node devnet: its raw transactions reach the sealer and
// come back through the follower's sync; restart_atom restarts its process.
TEST(NodeActorDevnet, FollowerForwardsAndRestarts) {
  devnet::devnet_config dc;
  dc.nodes = 2;
  dc.base_port = test::free_port_range(2);
  dc.data_dir = test::temp_dir("node-actor");
  dc.sync_interval = 20ms;
  dc.restart_backoff = 100ms;
  devnet::cluster net(dc);
  net.start();
  auto info = net.nodes()[1];
  auto log = std::make_shared<report_log>();
  {
    config cfg;
    caf::actor_system sys{cfg};
    caf::scoped_actor self{sys};
    node_actor_config c;
    c.index = 1;
    c.name = "node1";
    c.url = info.url;
    c.submit_url = info.submit_url;
    c.probe_interval = 250ms;
    c.io = std::make_shared<jsonrpc::io_runner>(1);
    c.probe.kind = info.cgroup.empty() ? probe_kind::proc : probe_kind::cgroup;
    c.probe.cgroup_dir = info.cgroup;
    c.probe.pid_source = [&net] { return static_cast<int>(net.nodes()[1].pid); };
    c.restart = [&net] { net.restart_node(1); };
    c.supervisor = sys.spawn(supervisor_stub, log);
    auto node = spawn_node_actor(sys, c);
    eth::transaction tx;
    tx.chain_id = 31337;
    tx.max_priority_fee_per_gas = 1;
    tx.max_fee_per_gas = 10'000'000'000ULL;
    tx.gas_limit = 21000;
    tx.to = eth::address::parse("0x000000000000000000000000000000000000dEaD");
    tx.sign(eth::private_key::from_hex(test::dev_keys[0]));
    auto raw = "[\"" + eth::to_hex(tx.raw()) + "\"]";
    task t{1, task_kind::account, "eth_sendRawTransaction", raw, 0, "", "req-1"};
    self->request(node, 5s, execute_atom_v, t)
      .receive([](task_result& r) { EXPECT_TRUE(r.ok()) << r.message; },
               [](caf::error& e) { ADD_FAILURE() << to_string(e); });
    EXPECT_TRUE(log->wait_for([](auto& s) { return s.reachable && s.head >= 1; }, 5s))
      << "the follower never reported the sealed block";
    self->request(node, 1s, restart_atom_v).receive([](bool b) { EXPECT_TRUE(b); },
                                                   [](caf::error&) { ADD_FAILURE(); });
    auto until = clock_type::now() + 10s;
    while (net.nodes()[1].restarts == 0 && clock_type::now() < until)
      std::this_thread::sleep_for(20ms);
    EXPECT_EQ(net.nodes()[1].restarts, 1);
    auto t0 = clock_type::now();
    auto back = log->wait_for([](auto& s) { return s.reachable && s.head >= 1; }, 10s, t0);
    EXPECT_TRUE(back) << "no report after the restart";
    if (back && !info.cgroup.empty()) {
      EXPECT_GT(back->second.mem_bytes, 0);
    }
    caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(c.supervisor, caf::exit_reason::user_shutdown);
  }
  net.stop();
  std::filesystem::remove_all(dc.data_dir);
}

} // namespace
