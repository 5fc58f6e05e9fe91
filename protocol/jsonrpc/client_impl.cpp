// The pool and queue behind a client. Lock order: client_impl::mutex_ is
// never held while calling a callback, a connection or the stop registry.
#include "protocol/jsonrpc/client_impl.hpp"

#include <algorithm>

namespace petrade::jsonrpc::detail {

client_impl::client_impl(io_runner& runner, endpoint target, client_options options)
    : ioc_(runner.context()), registry_(runner.registry()), target_(std::move(target)),
      options_(std::move(options)) {}

void client_impl::start() {
  std::weak_ptr<client_impl> weak = shared_from_this();
  hook_id_ = registry_->add([weak] {
    if (auto self = weak.lock())
      self->shutdown(/*io_stopped=*/true);
  });
  if (hook_id_ == 0) {                 // the runner is already stopped
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
}

void client_impl::submit(pending_ptr p) {
  total_requests_.fetch_add(1, std::memory_order_relaxed);
  total_calls_.fetch_add(p->count, std::memory_order_relaxed);
  connection_ptr conn;
  {
    std::unique_lock lock(mutex_);
    if (closed_) {
      lock.unlock();
      fail(p, rpc_error::cancelled(p->label + " to " + target_.url() +
                                   ": the client is shut down"));
      return;
    }
    // Arm the deadline before anyone else can see the request, so that the
    // timer is only ever touched again by the single completer (cancel).
    p->timer.emplace(ioc_, p->limit);
    std::weak_ptr<client_impl> weak = shared_from_this();
    p->timer->async_wait([weak, p](const boost::system::error_code& ec) {
      if (ec)
        return;
      if (auto self = weak.lock())
        self->on_timeout(p);
    });
    outstanding_.emplace(p->first_id, p);
    if (!idle_.empty()) {
      conn = std::move(idle_.back());   // most recently used: warmest
      idle_.pop_back();
    } else if (all_.size() < std::max<std::size_t>(options_.max_connections, 1)) {
      conn = new_connection_locked();
    } else {
      queue_.push_back(p);
      return;
    }
    p->conn = conn;
  }
  connection_start(conn, std::move(p));
}

void client_impl::on_timeout(const pending_ptr& p) {
  auto e = rpc_error::timeout(p->label + " to " + target_.url() + " got no answer within " +
                              std::to_string(p->limit.count()) + " ms");
  if (!fail(p, e))
    return;
  connection_ptr c;
  {
    std::lock_guard lock(mutex_);
    c = p->conn.lock();
  }
  if (c)
    connection_abort(c, p);   // closes that connection only if p is still on it
}

bool client_impl::complete(const pending_ptr& p, std::vector<call_result> results) {
  if (p->done.exchange(true, std::memory_order_acq_rel))
    return false;
  if (p->timer)
    p->timer->cancel();
  {
    std::lock_guard lock(mutex_);
    outstanding_.erase(p->first_id);
  }
  if (!results.empty() && results.front().error &&
      results.front().error->kind == error_kind::timeout)
    timeouts_.fetch_add(1, std::memory_order_relaxed);
  for (auto& r : results) {
    if (!r.error)
      continue;
    errors_.fetch_add(1, std::memory_order_relaxed);
    if (r.error->kind == error_kind::rpc)
      rpc_errors_.fetch_add(1, std::memory_order_relaxed);
  }
  // Take the callback out so its captures die here, not whenever the last
  // handler holding the pending request happens to be destroyed.
  auto deliver = std::move(p->deliver);
  p->deliver = nullptr;
  try {
    deliver(std::move(results));
  } catch (...) {
    // A callback's exception must not unwind through the I/O machinery.
  }
  return true;
}

bool client_impl::fail(const pending_ptr& p, const rpc_error& e) {
  return complete(p, std::vector<call_result>(p->count, call_result{nlohmann::json(), e}));
}

void client_impl::connected() { connections_opened_.fetch_add(1, std::memory_order_relaxed); }

client_impl::release_result client_impl::release(const connection_ptr& c, bool reusable) {
  release_result out;
  start_list starts;
  {
    std::lock_guard lock(mutex_);
    if (closed_)
      return out;                  // shutdown already dropped it; close
    if (!reusable) {
      drop_locked(c);
      fill_locked(starts);
    } else if ((out.next = pop_queue_locked())) {
      out.next->conn = c;
      out.keep_open = true;
    } else {
      idle_.push_back(c);
      out.keep_open = true;
    }
  }
  start_all(starts);
  return out;
}

void client_impl::not_written(const connection_ptr& c, const pending_ptr& p,
                              const std::string& why) {
  start_list starts;
  bool retry = false;
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      drop_locked(c);
      if (!p->retried && !p->done.load()) {
        p->retried = true;
        retry = true;
        auto fresh = new_connection_locked();
        p->conn = fresh;
        starts.emplace_back(fresh, p);
      }
      if (!retry)
        fill_locked(starts);
    }
  }
  if (retry)
    retries_.fetch_add(1, std::memory_order_relaxed);
  else
    fail(p, rpc_error::transport(p->label + " to " + target_.url() + ": " + why));
  start_all(starts);
}

void client_impl::shutdown(bool io_stopped) {
  std::vector<pending_ptr> calls;
  std::vector<connection_ptr> conns;
  {
    std::lock_guard lock(mutex_);
    if (closed_)
      return;
    closed_ = true;
    for (auto& [id, p] : outstanding_)
      calls.push_back(p);
    queue_.clear();
    idle_.clear();
    conns.assign(all_.begin(), all_.end());
    all_.clear();
  }
  if (!io_stopped && hook_id_ != 0)
    registry_->remove(hook_id_);
  auto why = io_stopped ? std::string(": the I/O runner stopped")
                        : std::string(": the client shut down");
  for (auto& p : calls)
    fail(p, rpc_error::cancelled(p->label + " to " + target_.url() + why));
  for (auto& c : conns)
    connection_close(c, io_stopped);
}

client_stats client_impl::stats() const {
  client_stats s;
  {
    std::lock_guard lock(mutex_);
    s.in_flight = outstanding_.size();
    s.queued = static_cast<std::uint64_t>(
        std::count_if(queue_.begin(), queue_.end(), [](const pending_ptr& p) { return !p->done; }));
    s.open_connections = all_.size();
  }
  s.total_requests = total_requests_.load();
  s.total_calls = total_calls_.load();
  s.errors = errors_.load();
  s.rpc_errors = rpc_errors_.load();
  s.timeouts = timeouts_.load();
  s.retries = retries_.load();
  s.connections_opened = connections_opened_.load();
  return s;
}

connection_ptr client_impl::new_connection_locked() {
  auto c = make_connection(ioc_, shared_from_this());
  all_.insert(c);
  return c;
}

pending_ptr client_impl::pop_queue_locked() {
  while (!queue_.empty()) {
    auto p = std::move(queue_.front());
    queue_.pop_front();
    if (!p->done.load())          // timed-out entries are skipped
      return p;
  }
  return nullptr;
}

void client_impl::drop_locked(const connection_ptr& c) {
  all_.erase(c);
  idle_.erase(std::remove(idle_.begin(), idle_.end(), c), idle_.end());
}

void client_impl::fill_locked(start_list& starts) {
  while (all_.size() < std::max<std::size_t>(options_.max_connections, 1)) {
    auto p = pop_queue_locked();
    if (!p)
      break;
    auto c = new_connection_locked();
    p->conn = c;
    starts.emplace_back(std::move(c), std::move(p));
  }
}

void client_impl::start_all(const start_list& starts) {
  for (auto& [c, p] : starts)
    connection_start(c, p);
}

} // namespace petrade::jsonrpc::detail
