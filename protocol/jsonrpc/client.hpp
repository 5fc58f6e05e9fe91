// JSON-RPC 2.0 client over HTTP/1.1 keep-alive, one per endpoint.
//
// Thread-safe and shared_ptr-owned. The async API (call, batch) never
// blocks: it queues the request and later invokes the callback on an I/O
// thread of the io_runner (or inline, on the caller's thread, when the client
// has already shut down). Callbacks must be quick and must not block; an
// actor's callback should just post a message. call_async/call_sync are
// conveniences for CLIs, tests and the devnet launcher.
//
// Requests use a pool of at most `max_connections` connections; more
// requests wait in a FIFO queue. A request whose bytes may have reached the
// node is never sent again; only one that was provably not written (an idle
// connection found closed, a write that sent nothing) is retried once on a
// fresh connection. A timeout cancels that request only (its connection is
// closed, because its answer may still come). Destroying the client fails
// the outstanding calls with error_kind::cancelled; so does stopping or
// destroying the io_runner first.
#pragma once

#include "protocol/jsonrpc/endpoint.hpp"
#include "protocol/jsonrpc/error.hpp"
#include "protocol/jsonrpc/message.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace petrade::jsonrpc {

class io_runner;
namespace detail {
class client_impl;
} // namespace detail

struct client_options {
  std::size_t max_connections = 16;                  ///< per endpoint, at least 1
  std::chrono::milliseconds default_timeout{30'000}; ///< from submit to answer
  std::size_t max_response_bytes = 64 * 1024 * 1024; ///< larger bodies: protocol error
  std::string user_agent = "petrade-jsonrpc/0.1";
};

/// A snapshot of the client's counters.
struct client_stats {
  std::uint64_t in_flight = 0;          ///< HTTP requests submitted, not completed (incl. queued)
  std::uint64_t queued = 0;             ///< of those, waiting for a connection
  std::uint64_t total_requests = 0;     ///< HTTP requests submitted (a batch is one)
  std::uint64_t total_calls = 0;        ///< JSON-RPC calls submitted (a batch of n counts n)
  std::uint64_t errors = 0;             ///< calls completed with any error (incl. rpc)
  std::uint64_t rpc_errors = 0;         ///< of those, JSON-RPC error answers
  std::uint64_t timeouts = 0;           ///< requests that timed out
  std::uint64_t retries = 0;            ///< requests re-sent on a fresh connection (never written)
  std::uint64_t open_connections = 0;   ///< connections open or connecting now
  std::uint64_t connections_opened = 0; ///< TCP connections established so far
};

class client {
public:
  using json = nlohmann::json;
  using callback = std::function<void(call_result)>;
  using batch_callback = std::function<void(std::vector<call_result>)>;
  /// nullopt = client_options::default_timeout.
  using timeout = std::optional<std::chrono::milliseconds>;

  /// Throws std::invalid_argument for a bad URL.
  static std::shared_ptr<client> create(io_runner& runner, const endpoint& target,
                                        client_options options = {});
  static std::shared_ptr<client> create(io_runner& runner, std::string_view url,
                                        client_options options = {});
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Sends one call; `done` gets the result or the error exactly once.
  /// Throws std::invalid_argument (synchronously) for an empty method or
  /// params that are neither array, object nor null.
  void call(std::string method, json params, callback done, timeout limit = {});
  /// Sends the calls as one JSON-RPC batch; `done` gets one result per item,
  /// in the order of `items`, whatever order the node answered in. An empty
  /// batch completes at once with an empty vector.
  void batch(std::vector<batch_item> items, batch_callback done, timeout limit = {});

  /// The future's get() returns the result or throws rpc_exception.
  std::future<json> call_async(std::string method, json params = json::array(),
                               timeout limit = {});
  std::future<std::vector<call_result>> batch_async(std::vector<batch_item> items,
                                                    timeout limit = {});
  /// Blocks until the answer; throws rpc_exception. Not for actors, and never
  /// from an I/O thread of the runner (throws std::logic_error there).
  json call_sync(std::string method, json params = json::array(), timeout limit = {});
  std::vector<call_result> batch_sync(std::vector<batch_item> items, timeout limit = {});

  client_stats stats() const;
  const endpoint& target() const;
  const client_options& options() const;

  /// Fails the outstanding calls (cancelled), closes the connections and
  /// refuses further calls. The destructor does this too.
  void shutdown();

private:
  explicit client(std::shared_ptr<detail::client_impl> impl);
  std::shared_ptr<detail::client_impl> impl_;
};

} // namespace petrade::jsonrpc
