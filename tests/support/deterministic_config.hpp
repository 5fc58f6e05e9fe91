// An actor system for unit tests: petrade's message types and CAF's testing
// scheduler, so a test runs actors step by step and moves time by hand.
#pragma once

#include "protocol/messages.hpp"
#include "protocol/node_ops.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>

namespace petrade::test {

struct deterministic_config : caf::actor_system_config {
  deterministic_config() {
    add_message_types<caf::id_block::petrade>();
    add_message_types<caf::id_block::petrade_nodes>();
    set("scheduler.policy", caf::atom("testing"));
  }
};

} // namespace petrade::test
