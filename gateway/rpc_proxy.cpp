#include "gateway/rpc_proxy.hpp"

#include "protocol/eth/hex.hpp"
#include "protocol/eth/transaction.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>

namespace petrade::gateway {

using json = nlohmann::json;

namespace {

// Ids of the proxy's tasks, apart from the transaction manager's and the
// business actors' ranges.
std::atomic<std::uint64_t> next_task_id{3ULL << 56};

constexpr std::size_t max_batch = 100;

json rpc_error(const json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

/// Messages quote nodes and exceptions, which need not be UTF-8; the strict
/// writer would throw on a CAF thread and leave the request unanswered.
std::string text_of(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// The task for one call, or the JSON-RPC error refusing it.
std::optional<json> make_task(const json& call, task& t) {
  json id = call.is_object() && call.contains("id") ? call["id"] : json();
  if (!call.is_object())
    return rpc_error(nullptr, -32600, "a call must be a JSON object");
  if (call.value("jsonrpc", json()) != "2.0")
    return rpc_error(id, -32600, "'jsonrpc' must be \"2.0\"");
  if (!call.contains("method") || !call["method"].is_string())
    return rpc_error(id, -32600, "'method' must be a string");
  if (!id.is_null() && !id.is_string() && !id.is_number())
    return rpc_error(nullptr, -32600, "'id' must be a string, a number or null");
  auto method = call["method"].get<std::string>();
  if (auto why = refused_method(method); !why.empty())
    return rpc_error(id, -32601, why);
  json params = call.value("params", json::array());
  if (!params.is_array() && !params.is_object())
    return rpc_error(id, -32602, "'params' must be an array or an object");
  t.id = next_task_id++;
  t.method = method;
  t.params = params.dump();
  t.kind = task_kind::read;
  if (method != "eth_sendRawTransaction")
    return std::nullopt;
  if (!params.is_array() || params.size() != 1 || !params[0].is_string())
    return rpc_error(id, -32602, "eth_sendRawTransaction takes one hex string");
  try {
    auto tx = eth::transaction::decode(eth::from_hex(params[0].get<std::string>()));
    t.sender = tx.sender().checksummed();
    t.kind = !tx.to ? task_kind::deploy : tx.data.empty() ? task_kind::account : task_kind::contract;
  } catch (const std::exception& e) {
    return rpc_error(id, -32602, std::string("not a valid signed transaction: ") + e.what());
  }
  return std::nullopt;
}

/// One answer as JSON text. A result is the node's own JSON, already checked
/// by the node actor's parser, so it is spliced in as text rather than parsed
/// and printed once more on the hot path.
std::string answer_of(const json& id, const task_result& r) {
  switch (r.error) {
  case task_error::none:
    return R"({"jsonrpc":"2.0","id":)" + id.dump() + R"(,"result":)"
           + (r.result.empty() ? std::string("null") : r.result) + "}";
  case task_error::rpc:
    return text_of(rpc_error(id, static_cast<int>(r.code), r.message));
  case task_error::busy:
    return text_of(rpc_error(id, -32005, "the platform is busy, retry later: " + r.message));
  case task_error::invalid:
    return text_of(rpc_error(id, -32602, r.message));
  case task_error::unreachable:
    break;
  }
  return text_of(rpc_error(id, -32603, "no node answered: " + r.message));
}

/// Collects a batch's answers (JSON texts) in call order and replies once
/// all are in.
struct batch_state {
  std::mutex mutex;
  std::vector<std::string> answers;
  std::vector<bool> wanted;   // false for notifications
  std::size_t missing = 0;
  bool batch = false;
};

void finish(const std::shared_ptr<exchange>& ex, batch_state& b) {
  std::string text;
  std::size_t n = 0;
  for (std::size_t i = 0; i < b.answers.size(); ++i)
    if (b.wanted[i]) {
      text += n++ == 0 ? "" : ",";
      text += b.answers[i];
    }
  if (n == 0) {
    response r{http::status::no_content, ex->req.version()};
    r.keep_alive(ex->req.keep_alive());
    return ex->reply(std::move(r));
  }
  ex->reply(json_response(ex->req, http::status::ok, b.batch ? "[" + text + "]" : text));
}

void handle(const std::shared_ptr<gateway_context>& ctx, const std::shared_ptr<exchange>& ex) {
  auto body = json::parse(ex->req.body(), nullptr, false);
  if (body.is_discarded())
    return ex->reply(json_response(ex->req, http::status::ok, rpc_error(nullptr, -32700, "parse error: the body is not JSON").dump()));
  auto b = std::make_shared<batch_state>();
  b->batch = body.is_array();
  if (!b->batch)
    body = json::array({std::move(body)});
  const json& calls = body;
  if (calls.empty())
    return ex->reply(json_response(ex->req, http::status::ok, rpc_error(nullptr, -32600, "an empty batch").dump()));
  if (calls.size() > max_batch)
    return ex->reply(json_response(ex->req, http::status::ok,
                                   rpc_error(nullptr, -32600, "a batch holds at most " + std::to_string(max_batch) + " calls").dump()));
  b->answers.resize(calls.size());
  b->wanted.assign(calls.size(), true);
  b->missing = calls.size();
  std::vector<std::pair<std::size_t, task>> tasks;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    auto& call = calls[i];
    b->wanted[i] = !call.is_object() || call.contains("id");
    task t;
    t.request_id = ex->request_id;
    if (auto refusal = make_task(call, t)) {
      b->answers[i] = text_of(*refusal);
      b->wanted[i] = true;   // errors about the call itself are always answered
      --b->missing;
    } else {
      tasks.emplace_back(i, std::move(t));
    }
  }
  if (b->missing == 0)
    return finish(ex, *b);
  for (auto& [i, t] : tasks) {
    json id = calls[i].value("id", json());
    // An init-capture: clang 14 (the sanitizer build) cannot capture a structured binding.
    ctx->bridge.submit(std::move(t), ctx->call_timeout, [ex, b, i = i, id](task_result r) {
      std::lock_guard lock{b->mutex};
      b->answers[i] = answer_of(id, r);
      if (--b->missing == 0)
        finish(ex, *b);
    });
  }
}

} // namespace

std::string refused_method(const std::string& method) {
  static const char* prefixes[] = {"personal_", "admin_", "debug_", "miner_", "anvil_", "evm_",
                                   "hardhat_", "txpool_", "engine_", "clique_"};
  for (auto* p : prefixes)
    if (method.rfind(p, 0) == 0)
      return method + " is not available through the platform";
  if (method == "eth_sendTransaction" || method == "eth_sign" || method == "eth_signTransaction"
      || method == "eth_signTypedData_v4" || method == "eth_accounts" || method == "eth_coinbase")
    return method + " would use a node's own keys: sign locally and use eth_sendRawTransaction";
  if (method == "eth_newFilter" || method == "eth_newBlockFilter" || method == "eth_getFilterChanges"
      || method == "eth_getFilterLogs" || method == "eth_uninstallFilter"
      || method == "eth_newPendingTransactionFilter")
    return method + ": a filter lives on one node and calls here are spread over several; "
                    "poll with eth_getLogs instead";
  if (method == "eth_subscribe" || method == "eth_unsubscribe")
    return method + " needs a WebSocket; poll with eth_getLogs or filters instead";
  return {};
}

void add_rpc_route(router& r, std::shared_ptr<gateway_context> ctx) {
  r.add("POST", "/rpc", [ctx](std::shared_ptr<exchange> ex, path_params) { handle(ctx, ex); });
}

} // namespace petrade::gateway
