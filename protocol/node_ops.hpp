// Runtime node operations (issue 10): operators add, remove, cordon and
// uncordon nodes while the platform runs. A type-ID block of its own, after
// messages.hpp's, so only the actors that take part include it.
//
//   (cordon_atom, uint32_t node, bool on)   supervisor -> bool (known node)
//   (join_atom, uint32_t node, actor)       supervisor: a new node, held
//                                           until it has caught up
//   (leave_atom, uint32_t node)             supervisor, dispatcher -> bool,
//                                           once the node's in-flight tasks
//                                           have finished or moved on
//   (join_atom, string spec)  -> string     control: add a node (JSON spec)
//   (leave_atom, string node) -> string     control: remove it
//   (cordon_atom, string node, bool) -> string   control
//   (backlog_atom)            -> double   dispatcher: the fullest mailbox's
//                                         fill (queued / capacity), 0..1
//   (scale_atom, bool ok, string outcome) supervisor: the elastic pool's
//                                         change has ended
#pragma once

#include "protocol/messages.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(petrade_nodes, caf::id_block::petrade::end)
  CAF_ADD_ATOM(petrade_nodes, petrade, cordon_atom, "cordon")
  CAF_ADD_ATOM(petrade_nodes, petrade, join_atom, "join")
  CAF_ADD_ATOM(petrade_nodes, petrade, leave_atom, "leave")
  CAF_ADD_ATOM(petrade_nodes, petrade, backlog_atom, "backlog")
  CAF_ADD_ATOM(petrade_nodes, petrade, scale_atom, "scale")
CAF_END_TYPE_ID_BLOCK(petrade_nodes)
