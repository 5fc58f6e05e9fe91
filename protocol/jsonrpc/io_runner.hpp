// io_runner: an Asio io_context driven by N threads it owns. The destructor
// stops the context, joins the threads and then tells every client created
// on it to fail its outstanding calls (no hang, no dangling I/O objects).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace petrade::jsonrpc {

namespace detail {

/// Shared between a runner and its clients so that either may go first.
/// Hooks run once, on the thread that stops the runner, after the I/O
/// threads have been joined.
class stop_registry {
public:
  /// Returns 0 (and does not keep the hook) when the runner already stopped.
  std::uint64_t add(std::function<void()> hook);
  void remove(std::uint64_t id);
  bool stopped() const;
  /// Marks the runner stopped and runs every hook (once).
  void run_hooks();
  /// True on one of the runner's I/O threads.
  bool in_io_thread() const;
  void set_threads(std::vector<std::thread::id> ids);

private:
  mutable std::mutex mutex_;
  bool stopped_ = false;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::function<void()>> hooks_;
  std::vector<std::thread::id> threads_;   // written before any client exists
};

} // namespace detail

class io_runner {
public:
  /// Starts `threads` I/O threads (at least 1).
  explicit io_runner(std::size_t threads = 1);
  ~io_runner();
  io_runner(const io_runner&) = delete;
  io_runner& operator=(const io_runner&) = delete;

  /// The context; include <boost/asio/io_context.hpp> to use it.
  boost::asio::io_context& context() noexcept;
  std::size_t thread_count() const noexcept { return threads_.size(); }
  /// True when called from one of this runner's I/O threads.
  bool in_io_thread() const { return registry_->in_io_thread(); }

  /// Stops the context, joins the threads, fails the clients' outstanding
  /// calls. Idempotent. Called from an I/O thread it cannot join that thread
  /// and detaches it instead.
  void stop();

  const std::shared_ptr<detail::stop_registry>& registry() const noexcept { return registry_; }

private:
  struct state;
  std::unique_ptr<state> state_;          // io_context + work guard
  std::vector<std::thread> threads_;
  std::shared_ptr<detail::stop_registry> registry_;
  std::once_flag stopped_;
};

} // namespace petrade::jsonrpc
