// Internal: the shared state behind a client (pool, queue, counters) and one
// outstanding HTTP request. Only the library's .cpp files include this.
#pragma once

#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace petrade::jsonrpc::detail {

class connection;

/// One HTTP request (a single call or a batch) from submit to completion.
struct pending {
  std::uint64_t first_id = 0;      // also the key in client_impl::outstanding_
  std::size_t count = 1;           // calls in it
  bool is_batch = false;
  std::string label;               // "eth_chainId" or "batch of 3" for messages
  std::string body;                // the serialised JSON
  std::chrono::milliseconds limit{0};
  std::function<void(std::vector<call_result>)> deliver;
  std::optional<boost::asio::steady_timer> timer;
  std::atomic<bool> done{false};   // set once by whoever completes it
  // Guarded by client_impl::mutex_:
  bool retried = false;
  std::weak_ptr<connection> conn;  // the connection it was handed to
};

using pending_ptr = std::shared_ptr<pending>;
using connection_ptr = std::shared_ptr<connection>;

class client_impl : public std::enable_shared_from_this<client_impl> {
public:
  client_impl(io_runner& runner, endpoint target, client_options options);

  void start();                              // registers the runner stop hook
  void submit(pending_ptr p);
  client_stats stats() const;
  /// Fails everything outstanding and closes the connections. `io_stopped`:
  /// the runner's threads are gone, so sockets are closed right here.
  void shutdown(bool io_stopped);

  // --- called by connections, on their strand ---------------------------
  /// Completes `p` unless something else did; false if it was already done.
  bool complete(const pending_ptr& p, std::vector<call_result> results);
  bool fail(const pending_ptr& p, const rpc_error& e);
  void connected();                          // a TCP connect succeeded
  struct release_result {
    bool keep_open = false;
    pending_ptr next;                        // run this next on the connection
  };
  /// The connection finished a request. Not reusable: it leaves the pool and
  /// queued work gets a new connection if there is room.
  release_result release(const connection_ptr& c, bool reusable);
  /// `p` provably never reached the node over `c` (which is dropped): retry
  /// once on a fresh connection, else fail with `why`.
  void not_written(const connection_ptr& c, const pending_ptr& p, const std::string& why);

  const endpoint& target() const { return target_; }
  const client_options& options() const { return options_; }
  const std::shared_ptr<stop_registry>& registry() const { return registry_; }

private:
  using start_list = std::vector<std::pair<connection_ptr, pending_ptr>>;
  void on_timeout(const pending_ptr& p);
  connection_ptr new_connection_locked();
  pending_ptr pop_queue_locked();
  void drop_locked(const connection_ptr& c);
  void fill_locked(start_list& starts);
  static void start_all(const start_list& starts);

  boost::asio::io_context& ioc_;
  std::shared_ptr<stop_registry> registry_;
  const endpoint target_;
  const client_options options_;
  std::uint64_t hook_id_ = 0;

  mutable std::mutex mutex_;
  bool closed_ = false;
  std::deque<pending_ptr> queue_;
  std::vector<connection_ptr> idle_;
  std::unordered_set<connection_ptr> all_;   // open or connecting
  std::unordered_map<std::uint64_t, pending_ptr> outstanding_;

  std::atomic<std::uint64_t> total_requests_{0}, total_calls_{0}, errors_{0}, rpc_errors_{0},
      timeouts_{0}, retries_{0}, connections_opened_{0};

  friend class petrade::jsonrpc::client;
  std::atomic<std::uint64_t> next_id_{1};
};

// connection.cpp: a connection hides Beast; these post to its strand.
connection_ptr make_connection(boost::asio::io_context& ioc, const std::shared_ptr<client_impl>& owner);
void connection_start(const connection_ptr& c, pending_ptr p);
void connection_abort(const connection_ptr& c, pending_ptr p);
/// `direct`: close right here (the I/O threads are stopped), else post.
void connection_close(const connection_ptr& c, bool direct);

} // namespace petrade::jsonrpc::detail
