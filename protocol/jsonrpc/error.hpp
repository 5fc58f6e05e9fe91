// Errors of JSON-RPC calls: the value type the async API delivers
// (call_result) and the exception the blocking API throws (rpc_exception).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace petrade::jsonrpc {

enum class error_kind {
  transport,  ///< resolve/connect/read/write failed; `message` says which
  timeout,    ///< the per-call deadline passed; the request was cancelled
  rpc,        ///< the node answered with a JSON-RPC error object
  protocol,   ///< bad JSON, bad HTTP status, id mismatch, malformed response
  cancelled,  ///< the client or its io_runner shut down before an answer came
};

std::string_view to_string(error_kind kind);

/// Why one call failed. `code` is the JSON-RPC error code for kind rpc and
/// the HTTP status for a protocol error caused by a bad status (else 0).
struct rpc_error {
  error_kind kind = error_kind::rpc;
  std::int64_t code = 0;
  std::string message;
  std::optional<nlohmann::json> data;   ///< the error object's "data", if any

  /// e.g. "JSON-RPC error -32601: Method not found",
  /// "timeout: eth_call to http://127.0.0.1:8545/ got no answer within 300 ms".
  std::string describe() const;

  static rpc_error transport(std::string message);
  static rpc_error timeout(std::string message);
  static rpc_error protocol(std::string message, std::int64_t http_status = 0);
  static rpc_error cancelled(std::string message);
  static rpc_error from_node(std::int64_t code, std::string message,
                             std::optional<nlohmann::json> data = std::nullopt);
};

/// The outcome of one call: the JSON "result" or an error (value is null then).
struct call_result {
  nlohmann::json value;
  std::optional<rpc_error> error;

  bool ok() const noexcept { return !error.has_value(); }
  /// The value, or throws rpc_exception carrying the error.
  const nlohmann::json& value_or_throw() const;
};

/// Thrown by the blocking API (call_sync, the futures); what() = describe().
class rpc_exception : public std::runtime_error {
public:
  explicit rpc_exception(rpc_error error);
  const rpc_error& error() const noexcept { return error_; }
  error_kind kind() const noexcept { return error_.kind; }
  std::int64_t code() const noexcept { return error_.code; }

private:
  rpc_error error_;
};

} // namespace petrade::jsonrpc
