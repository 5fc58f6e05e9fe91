// Message types survive CAF's binary serialization unchanged, which is what
// carries them between processes.
#include "protocol/messages.hpp"

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <gtest/gtest.h>

namespace {

struct config : caf::actor_system_config {
  config() {
    add_message_types<caf::id_block::petrade>();
    set("scheduler.max-threads", 1);
  }
};

template <class T>
T round_trip(caf::actor_system& sys, T value) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  if (auto err = sink(value))
    throw std::runtime_error("serialize failed");
  T out;
  caf::binary_deserializer source{sys, buf};
  if (auto err = source(out))
    throw std::runtime_error("deserialize failed");
  return out;
}

TEST(Messages, NodeStateRoundTrips) {
  config cfg;
  caf::actor_system sys{cfg};
  petrade::node_state s;
  s.node = 2;
  s.name = "node2";
  s.reachable = true;
  s.head = 1234;
  s.set(petrade::dimension::cpu, 0.75);
  s.set(petrade::dimension::inflight, 0.5);
  s.latency_ms = 3.5;
  auto t = round_trip(sys, s);
  EXPECT_EQ(t.node, 2u);
  EXPECT_EQ(t.name, "node2");
  EXPECT_TRUE(t.reachable);
  EXPECT_EQ(t.head, 1234u);
  EXPECT_DOUBLE_EQ(t.get(petrade::dimension::cpu), 0.75);
  EXPECT_DOUBLE_EQ(t.get(petrade::dimension::inflight), 0.5);
  EXPECT_DOUBLE_EQ(t.latency_ms, 3.5);
}

TEST(Messages, TasksAndZoneMapsRoundTrip) {
  config cfg;
  caf::actor_system sys{cfg};
  petrade::task task{7, petrade::task_kind::contract, "eth_sendRawTransaction", "[\"0x02\"]",
                     99, "0xabc", "req-1"};
  auto t = round_trip(sys, task);
  EXPECT_EQ(t.id, 7u);
  EXPECT_EQ(t.kind, petrade::task_kind::contract);
  EXPECT_EQ(t.params, "[\"0x02\"]");
  EXPECT_EQ(t.min_block, 99u);
  EXPECT_EQ(t.request_id, "req-1");

  petrade::zone_map m;
  m.version = 3;
  m.lbh = 0.25;
  m.nodes.push_back({1, petrade::zone::II, 0.4, true, 10});
  auto n = round_trip(sys, m);
  EXPECT_EQ(n.version, 3u);
  ASSERT_EQ(n.nodes.size(), 1u);
  EXPECT_EQ(n.nodes[0].zone, petrade::zone::II);
  EXPECT_TRUE(n.nodes[0].admitted);
}

} // namespace
