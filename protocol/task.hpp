// Tasks the dispatcher routes to nodes (design §4), and their results.
// JSON travels as text so the types stay inspectable by CAF 0.17.
#pragma once

#include <cstdint>
#include <string>

namespace petrade {

/// RT, DT, MAT, MCT of the thesis: the dispatcher drains reads first, then
/// writes in the order deploy > account > contract (with ageing).
enum class task_kind : std::uint8_t { read, deploy, account, contract };
inline constexpr std::size_t task_kind_count = 4;

const char* to_string(task_kind k);

struct task {
  std::uint64_t id = 0;
  task_kind kind = task_kind::read;
  std::string method;          // JSON-RPC method, e.g. "eth_getBalance"
  std::string params = "[]";   // JSON-RPC params as JSON text
  std::uint64_t min_block = 0; // read-your-writes: only nodes at or past it
  std::string sender;          // writes: the signer (nonce order is per sender)
  std::string request_id;      // follows the request through the logs
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task& x) {
  return f(x.id, x.kind, x.method, x.params, x.min_block, x.sender, x.request_id);
}

/// Why a task did not get an answer from a node.
enum class task_error : std::uint8_t {
  none,
  busy,         // a bounded mailbox is full: retry later (HTTP 503)
  rpc,          // the node answered with a JSON-RPC error
  unreachable,  // transport failure or timeout on every node tried
  invalid,      // the task itself is malformed (unknown kind, empty deploy)
};

struct task_result {
  std::uint64_t id = 0;
  task_error error = task_error::none;
  std::int64_t code = 0;       // JSON-RPC error code when error == rpc
  std::string message;         // human-readable error
  std::string result = "null"; // JSON text of the answer
  std::uint32_t node = 0;      // which node answered
  std::uint32_t attempts = 0;

  bool ok() const { return error == task_error::none; }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_result& x) {
  return f(x.id, x.error, x.code, x.message, x.result, x.node, x.attempts);
}

} // namespace petrade
