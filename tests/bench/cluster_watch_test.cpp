// What counts as a task the platform still holds, read from /metrics text.
#include "bench/cluster_watch.hpp"

#include <gtest/gtest.h>

namespace {

using petrade::bench::queued_tasks;

TEST(QueuedTasks, SumsMailboxesInFlightCallsAndUnminedWrites) {
  auto text = "# HELP petrade_mailbox_depth Tasks waiting\n"
              "# TYPE petrade_mailbox_depth gauge\n"
              "petrade_mailbox_depth{kind=\"read\"} 120\n"
              "petrade_mailbox_depth{kind=\"contract\"} 30\n"
              "petrade_mailbox_capacity{kind=\"read\"} 65536\n"
              "petrade_node_inflight{node=\"node0\"} 64\n"
              "petrade_node_inflight{node=\"node1\"} 2\n"
              "petrade_node_inflight_cap{node=\"node1\"} 64\n"
              "petrade_tx_pending 400\n"
              "petrade_tx_pending_total 9\n"
              "petrade_tx_mined_total 77\n";
  EXPECT_DOUBLE_EQ(queued_tasks(text), 120 + 30 + 64 + 2 + 400);
}

TEST(QueuedTasks, AnIdlePlatformHoldsNothing) {
  EXPECT_DOUBLE_EQ(queued_tasks("petrade_mailbox_depth{kind=\"read\"} 0\npetrade_tx_pending 0\n"), 0);
  EXPECT_DOUBLE_EQ(queued_tasks(""), 0);
}

} // namespace
