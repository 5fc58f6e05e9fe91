#include "actors/system_config.hpp"

#include "protocol/messages.hpp"
#include "protocol/node_ops.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

namespace petrade {

system_config::system_config() {
  load<caf::io::middleman>();
  add_message_types<caf::id_block::petrade>();
  add_message_types<caf::id_block::petrade_nodes>();
  // A 2-core machine: more scheduler threads only add contention.
  set("scheduler.max-threads", 2);
}

} // namespace petrade
