// The dispatcher under CAF's deterministic test coordinator: drain order,
// bounds, pause, retries, read-your-writes, zone routing, refusals and
// status. Nodes that die or leave: dispatcher_nodes_test.cpp.
#include "tests/actors/dispatcher_fixture.hpp"

#include "actors/dispatch_stats.hpp"

namespace {

using namespace petrade;
using petrade::test::DispatcherTest;

TEST_F(DispatcherTest, DrainsReadsFirstThenDeployAccountContract) {
  dispatcher_config c;
  c.strategy = "round_robin";
  start(c);
  add_node(0);
  submit(write(1, task_kind::contract, 0));
  submit(write(2, task_kind::account, 1));
  submit(write(3, task_kind::deploy, 2));
  submit(read(4));
  submit(read(5));
  sched.run();
  EXPECT_TRUE(log->empty());   // no zone map yet: nothing may leave
  zones({{0, zone::I, 0.1, true, 10}});
  auto r = settle();
  ASSERT_EQ(log->size(), 5u);
  std::vector<std::uint64_t> order;
  for (auto& e : *log)
    order.push_back(e.task);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{4, 5, 3, 2, 1}));
  ASSERT_EQ(r.size(), 5u);
  for (auto& x : r)
    EXPECT_TRUE(x.ok()) << x.message;
}

TEST_F(DispatcherTest, AFullMailboxAnswersBusyAndLosesNothingElse) {
  dispatcher_config c;
  c.queues.capacity = {2, 2, 2, 2};
  start(c);
  add_node(0);
  for (std::uint64_t i = 1; i <= 3; ++i)
    submit(read(i));
  auto r = settle();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, 3u);
  EXPECT_EQ(r[0].error, task_error::busy);
  EXPECT_NE(r[0].message.find("read mailbox is full"), std::string::npos);
  zones({{0, zone::II, 0.1, true, 10}});
  r = settle();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[1].ok() && r[2].ok());
}

TEST_F(DispatcherTest, PausesWhileTheHealthMarginIsSpent) {
  start({});
  add_node(0);
  zones({{0, zone::I, 0.9, true, 10}}, -0.1);
  submit(read(1));
  sched.run();
  EXPECT_TRUE(log->empty());
  zones({{0, zone::I, 0.5, true, 10}}, 0.3);
  EXPECT_EQ(settle().size(), 1u);
}

TEST_F(DispatcherTest, AFailedReadIsRetriedOnAnotherNode) {
  dispatcher_config c;
  c.strategy = "round_robin";
  start(c);
  add_node(0, false);
  add_node(1, true);
  zones({{0, zone::II, 0.1, true, 10}, {1, zone::II, 0.1, true, 10}});
  submit(read(7));
  auto r = settle();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].ok());
  EXPECT_EQ(r[0].node, 1u);
  EXPECT_EQ(r[0].attempts, 2u);
}

TEST_F(DispatcherTest, ATaskGoesOnlyToNodesAtOrPastItsMinimumBlock) {
  dispatcher_config c;
  c.strategy = "round_robin";
  start(c);
  add_node(0);
  add_node(1);
  zones({{0, zone::II, 0.1, true, 5}, {1, zone::II, 0.1, true, 10}});
  for (std::uint64_t i = 1; i <= 4; ++i)
    submit(read(i, 8));
  settle();
  ASSERT_EQ(log->size(), 4u);
  for (auto& e : *log)
    EXPECT_EQ(e.node, 1u);
}

TEST_F(DispatcherTest, StateFeedbackSendsWritesToZoneIAndReadsToZoneII) {
  start({});   // state_feedback is the default
  add_node(0);
  add_node(1);
  add_node(2);
  zones({{0, zone::I, 0.1, true, 10}, {1, zone::II, 0.5, true, 10},
         {2, zone::III, 0.9, false, 10}});
  submit(write(1, task_kind::contract));
  submit(read(2));
  settle();
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].task, 2u);
  EXPECT_EQ((*log)[0].node, 1u);   // the read: zone II
  EXPECT_EQ((*log)[1].node, 0u);   // the write: zone I
}

TEST_F(DispatcherTest, BadTasksAreRefusedWithAReasonAndDisturbNothing) {
  start({});
  add_node(0);
  zones({{0, zone::I, 0.1, true, 10}});
  auto unknown = read(1);
  unknown.kind = static_cast<task_kind>(9);
  submit(unknown);
  auto wrong_sender = write(2, task_kind::contract, 0);
  wrong_sender.sender = eth::private_key::from_hex(test::dev_keys[1]).address().hex();
  submit(wrong_sender);
  auto empty_deploy = write(3, task_kind::deploy);
  auto k = eth::private_key::from_hex(test::dev_keys[0]);
  eth::transaction tx;
  tx.chain_id = 31337;
  tx.max_fee_per_gas = 1000;
  tx.gas_limit = 100000;
  tx.sign(k);   // a creation with no init code
  empty_deploy.params = nlohmann::json::array({eth::to_hex(tx.raw())}).dump();
  submit(empty_deploy);
  auto sneaky = read(4);
  sneaky.method = "eth_sendRawTransaction";
  submit(sneaky);
  submit(read(5));   // a good one among them
  auto r = settle();
  ASSERT_EQ(r.size(), 5u);
  std::map<std::uint64_t, task_result> by_id;
  for (auto& x : r)
    by_id[x.id] = x;
  EXPECT_EQ(by_id[1].error, task_error::invalid);
  EXPECT_NE(by_id[1].message.find("unknown task kind 9"), std::string::npos);
  EXPECT_EQ(by_id[2].error, task_error::invalid);
  EXPECT_NE(by_id[2].message.find("not by the task's sender"), std::string::npos);
  EXPECT_EQ(by_id[3].error, task_error::invalid);
  EXPECT_NE(by_id[3].message.find("calldata is empty"), std::string::npos);
  EXPECT_EQ(by_id[4].error, task_error::invalid);
  EXPECT_TRUE(by_id[5].ok());
  EXPECT_EQ(log->size(), 1u);
}

TEST_F(DispatcherTest, TwoClientsMayUseTheSameTaskIds) {
  start({});
  add_node(0);
  zones({{0, zone::II, 0.1, true, 10}});
  submit(read(1));
  submit(read(1));   // another client, its own numbering
  auto r = settle();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].ok() && r[1].ok());
  EXPECT_EQ(r[0].id, 1u);
  EXPECT_EQ(r[1].id, 1u);
  EXPECT_EQ(log->size(), 2u);
}

TEST(LatencyHistogram, CountsCumulativelyWithInclusiveUpperBounds) {
  latency_histogram h;
  h.observe(0.003);
  h.observe(0.005);   // on a bound: counted in it (Prometheus "le")
  h.observe(20);      // past the last bound: only in count (+Inf)
  EXPECT_EQ(h.count, 3u);
  EXPECT_DOUBLE_EQ(h.sum, 20.008);
  for (std::size_t i = 0; i < h.bounds.size(); ++i) {
    auto expected = h.bounds[i] < 0.005 ? 0u : 2u;
    EXPECT_EQ(h.cumulative[i], expected) << "le=" << h.bounds[i];
  }
}

TEST_F(DispatcherTest, StatusCountsAttemptsPerNodeAndTasksByKindAndOutcome) {
  dispatcher_config c;
  c.strategy = "round_robin";
  c.queues.capacity = {4, 4, 4, 1};
  start(c);
  add_node(0, false);
  add_node(1, true);
  auto before = status();
  // Keys that existed before stay as they were.
  for (auto key : {"strategy", "paused", "mailboxes", "inflight", "waiting"})
    EXPECT_TRUE(before.contains(key)) << key;
  EXPECT_EQ(before["latency"]["0"]["count"], 0);   // shown from attach on
  EXPECT_EQ(before["latency"]["1"]["count"], 0);
  EXPECT_EQ(before["tasks"]["read"]["ok"], 0);
  EXPECT_EQ(before["tasks"].size(), task_kind_count);
  EXPECT_EQ(before["tasks"]["contract"].size(), task_outcome_count);

  submit(write(1, task_kind::contract, 0));
  submit(write(2, task_kind::contract, 1));   // the mailbox holds one: busy
  auto sneaky = read(3);
  sneaky.method = "eth_sendRawTransaction";
  submit(sneaky);                             // invalid
  sched.run();
  zones({{0, zone::I, 0.1, true, 10}, {1, zone::I, 0.1, true, 10}});
  submit(read(4));
  auto code = read(5);
  code.method = "eth_getCode";
  submit(code);                               // rpc_error on node 1
  auto r = settle();
  ASSERT_EQ(r.size(), 5u);

  auto after = status();
  auto& tasks = after["tasks"];
  EXPECT_EQ(tasks["contract"]["ok"], 1);
  EXPECT_EQ(tasks["contract"]["busy"], 1);
  EXPECT_EQ(tasks["read"]["invalid"], 1);
  EXPECT_EQ(tasks["read"]["ok"], 1);
  EXPECT_EQ(tasks["read"]["rpc_error"], 1);
  EXPECT_EQ(tasks["deploy"]["ok"], 0);
  // Every attempt ended on some node: the unreachable one too.
  std::uint64_t attempts = 0;
  for (auto& x : r)
    attempts += x.attempts;
  const auto& latency = after["latency"];
  std::uint64_t counted = 0;
  for (auto& [node, h] : latency.items()) {
    ASSERT_EQ(h["buckets"].size(), h["counts"].size()) << node;
    ASSERT_EQ(h["buckets"].size(), latency_histogram::bounds.size());
    for (std::size_t i = 1; i < h["counts"].size(); ++i)
      EXPECT_LE(h["counts"][i - 1].get<std::uint64_t>(), h["counts"][i].get<std::uint64_t>());
    EXPECT_LE(h["counts"].back().get<std::uint64_t>(), h["count"].get<std::uint64_t>());
    EXPECT_GE(h["sum"].get<double>(), 0.0);
    counted += h["count"].get<std::uint64_t>();
  }
  EXPECT_EQ(counted, attempts);
  EXPECT_GE(latency["0"]["count"].get<std::uint64_t>(), 1u);   // the refused attempts
  EXPECT_EQ(latency["1"]["count"], 3);   // the three answers came from node 1
}

} // namespace

namespace {

TEST(SafeHead, IsTheHighestBlockTwoReachableNodesHold) {
  using petrade::safe_head;
  EXPECT_EQ(safe_head({120, 118, 119}, 3), 119u) << "the sealer alone holds 120";
  EXPECT_EQ(safe_head({120, 117}, 3), 117u) << "one node down: the other two";
  EXPECT_EQ(safe_head({120}, 3), 0u) << "one of three answers: nothing is safe";
  EXPECT_EQ(safe_head({}, 3), 0u);
  EXPECT_EQ(safe_head({42}, 1), 42u) << "a one-node cluster has nothing better";
}

} // namespace
