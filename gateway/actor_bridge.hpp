// Where the gateway's I/O threads meet the actors (design §10): every ask
// spawns a one-shot actor that sends the request and hands the answer (or
// the error text) to a callback on a CAF thread. Nothing here blocks; the
// callbacks answer exchanges, which hop back onto Asio by themselves.
#pragma once

#include "protocol/business.hpp"
#include "protocol/task.hpp"
#include "protocol/write_request.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace petrade::gateway {

struct actor_handles {
  caf::actor business;     // (call_atom, business_call), (wait_atom, block)
  caf::actor tx_manager;   // (status_atom[, id]), (wait_atom, id)
  caf::actor dispatcher;   // (submit_atom, task), (status_atom)
  caf::actor supervisor;   // (status_atom)
  caf::actor control;      // node operations (protocol/node_ops.hpp); may be null
};

/// A node operation for the platform's control actor.
enum class node_op { add, remove, cordon, uncordon };

class actor_bridge {
public:
  using failure = std::function<void(std::string)>;

  actor_bridge(caf::actor_system& sys, actor_handles handles);

  void call(business_call c, std::chrono::milliseconds timeout,
            std::function<void(business_reply)> done);
  /// (status_atom) of the supervisor, the dispatcher or the tx manager: JSON text.
  void status(const caf::actor& who, std::chrono::milliseconds timeout,
              std::function<void(std::string)> done, failure fail);
  /// The task's state now, or (wait) once it is mined, confirmed or failed.
  void task_state(std::uint64_t id, bool wait, std::chrono::milliseconds timeout,
                  std::function<void(write_status)> done, failure fail);
  /// Journals `user` as the owner of task `id`; done(false) for an unknown task.
  void record_owner(std::uint64_t id, const std::string& user, std::chrono::milliseconds timeout,
                    std::function<void(bool)> done, failure fail);
  /// Answers once the indexer has read `block`.
  void indexed(std::uint64_t block, std::chrono::milliseconds timeout,
               std::function<void()> done, failure fail);
  void submit(task t, std::chrono::milliseconds timeout, std::function<void(task_result)> done);
  /// Adds (`arg` = the JSON spec), removes, cordons or uncordons (`arg` =
  /// the node) a node; the platform's JSON answer.
  void node_operation(node_op op, const std::string& arg, std::chrono::milliseconds timeout,
                      std::function<void(std::string)> done, failure fail);

  const actor_handles& handles() const { return handles_; }
  caf::actor_system& system() { return sys_; }

private:
  caf::actor_system& sys_;
  actor_handles handles_;
};

} // namespace petrade::gateway
