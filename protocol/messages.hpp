// Every type and atom that actors exchange, registered with CAF so messages
// cross process boundaries unchanged. Include this only where actors are
// defined or spawned: it pulls in CAF.
#pragma once

#include "protocol/business.hpp"
#include "protocol/node_state.hpp"
#include "protocol/task.hpp"
#include "protocol/write_request.hpp"
#include "protocol/zone_map.hpp"

#include <caf/fwd.hpp>
#include <caf/type_id.hpp>

CAF_BEGIN_TYPE_ID_BLOCK(petrade, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(petrade, (petrade::node_state))
  CAF_ADD_TYPE_ID(petrade, (petrade::task))
  CAF_ADD_TYPE_ID(petrade, (petrade::task_result))
  CAF_ADD_TYPE_ID(petrade, (petrade::zone_entry))
  CAF_ADD_TYPE_ID(petrade, (petrade::zone_map))
  CAF_ADD_TYPE_ID(petrade, (std::vector<petrade::node_state>))
  CAF_ADD_TYPE_ID(petrade, (std::vector<petrade::zone_entry>))
  // node actor <-> supervisor
  CAF_ADD_ATOM(petrade, petrade, report_atom, "report")
  CAF_ADD_ATOM(petrade, petrade, probe_atom, "probe")
  CAF_ADD_ATOM(petrade, petrade, restart_atom, "restart")
  // dispatcher
  CAF_ADD_ATOM(petrade, petrade, submit_atom, "submit")
  CAF_ADD_ATOM(petrade, petrade, execute_atom, "execute")
  CAF_ADD_ATOM(petrade, petrade, zones_atom, "zones")
  CAF_ADD_ATOM(petrade, petrade, drain_atom, "drain")
  CAF_ADD_ATOM(petrade, petrade, attach_atom, "attach")
  // operators
  CAF_ADD_ATOM(petrade, petrade, status_atom, "status")
  CAF_ADD_ATOM(petrade, petrade, tick_atom, "tick")
  // transaction manager (appended: earlier ids stay as they are)
  CAF_ADD_TYPE_ID(petrade, (petrade::write_request))
  CAF_ADD_TYPE_ID(petrade, (petrade::write_status))
  CAF_ADD_ATOM(petrade, petrade, unlock_atom, "unlock")
  CAF_ADD_ATOM(petrade, petrade, import_atom, "import")
  CAF_ADD_ATOM(petrade, petrade, open_atom, "open")
  CAF_ADD_ATOM(petrade, petrade, wait_atom, "wait")
  // business actors (protocol/business.hpp)
  CAF_ADD_TYPE_ID(petrade, (petrade::business_call))
  CAF_ADD_TYPE_ID(petrade, (petrade::business_reply))
  CAF_ADD_ATOM(petrade, petrade, call_atom, "call")
  // dispatcher: the highest block at least two reachable nodes hold
  CAF_ADD_ATOM(petrade, petrade, safe_head_atom, "safe_head")
  // transaction manager: (owner_atom, task id, username) -> bool records
  // whose request created the task (gateway/task_routes.cpp)
  CAF_ADD_ATOM(petrade, petrade, owner_atom, "owner")
CAF_END_TYPE_ID_BLOCK(petrade)
