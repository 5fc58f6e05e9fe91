#include "protocol/jsonrpc/error.hpp"

namespace petrade::jsonrpc {

std::string_view to_string(error_kind kind) {
  switch (kind) {
  case error_kind::transport: return "transport error";
  case error_kind::timeout: return "timeout";
  case error_kind::rpc: return "JSON-RPC error";
  case error_kind::protocol: return "protocol error";
  case error_kind::cancelled: return "cancelled";
  }
  return "unknown error";
}

std::string rpc_error::describe() const {
  std::string out(to_string(kind));
  if (kind == error_kind::rpc || code != 0)
    out += (kind == error_kind::rpc ? " " : " (HTTP ") + std::to_string(code) +
           (kind == error_kind::rpc ? "" : ")");
  out += ": " + message;
  if (data && !data->is_null()) {
    std::string text = data->dump();
    if (text.size() > 200)
      text = text.substr(0, 200) + "...";
    out += " (data: " + text + ")";
  }
  return out;
}

rpc_error rpc_error::transport(std::string message) {
  return {error_kind::transport, 0, std::move(message), std::nullopt};
}

rpc_error rpc_error::timeout(std::string message) {
  return {error_kind::timeout, 0, std::move(message), std::nullopt};
}

rpc_error rpc_error::protocol(std::string message, std::int64_t http_status) {
  return {error_kind::protocol, http_status, std::move(message), std::nullopt};
}

rpc_error rpc_error::cancelled(std::string message) {
  return {error_kind::cancelled, 0, std::move(message), std::nullopt};
}

rpc_error rpc_error::from_node(std::int64_t code, std::string message,
                               std::optional<nlohmann::json> data) {
  return {error_kind::rpc, code, std::move(message), std::move(data)};
}

const nlohmann::json& call_result::value_or_throw() const {
  if (error)
    throw rpc_exception(*error);
  return value;
}

rpc_exception::rpc_exception(rpc_error error)
    : std::runtime_error(error.describe()), error_(std::move(error)) {}

} // namespace petrade::jsonrpc
