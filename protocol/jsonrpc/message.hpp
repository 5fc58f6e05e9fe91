// JSON-RPC 2.0 request encoding and response decoding (no I/O).
#pragma once

#include "protocol/jsonrpc/error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace petrade::jsonrpc {

/// One call of a batch. `params` must be an array, an object or null (= []).
struct batch_item {
  std::string method;
  nlohmann::json params = nlohmann::json::array();
};

/// {"jsonrpc":"2.0","id":id,"method":...,"params":...}. Throws
/// std::invalid_argument for an empty method or params that are not
/// an array/object/null.
std::string encode_call(std::uint64_t id, std::string_view method, const nlohmann::json& params);
/// An array of calls with the ids first_id, first_id + 1, ...
std::string encode_batch(std::uint64_t first_id, const std::vector<batch_item>& items);

/// Decodes a single response (already parsed) that must carry `id`.
call_result decode_response(const nlohmann::json& doc, std::uint64_t id);
/// Decodes a batch response: items are matched by id (any order); slot i is
/// the answer for first_id + i. Missing answers become protocol errors.
std::vector<call_result> decode_batch_response(const nlohmann::json& doc, std::uint64_t first_id,
                                               std::size_t count);

/// Decodes an HTTP response body for a single call (count 0) or a batch
/// (count = number of calls). A non-200 status is a protocol error unless the
/// body is a well-formed JSON-RPC error answer, which then wins.
std::vector<call_result> decode_http_response(unsigned status, std::string_view reason,
                                              std::string_view body, bool is_batch,
                                              std::uint64_t first_id, std::size_t count);

} // namespace petrade::jsonrpc
