#include "protocol/jsonrpc/io_runner.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <optional>

namespace petrade::jsonrpc {

namespace net = boost::asio;

namespace detail {

std::uint64_t stop_registry::add(std::function<void()> hook) {
  std::lock_guard lock(mutex_);
  if (stopped_)
    return 0;
  auto id = next_id_++;
  hooks_.emplace(id, std::move(hook));
  return id;
}

void stop_registry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  hooks_.erase(id);
}

bool stop_registry::stopped() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

void stop_registry::run_hooks() {
  std::map<std::uint64_t, std::function<void()>> hooks;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    hooks.swap(hooks_);
  }
  for (auto& [id, hook] : hooks)
    hook();
}

bool stop_registry::in_io_thread() const {
  auto self = std::this_thread::get_id();
  std::lock_guard lock(mutex_);
  return std::find(threads_.begin(), threads_.end(), self) != threads_.end();
}

void stop_registry::set_threads(std::vector<std::thread::id> ids) {
  std::lock_guard lock(mutex_);
  threads_ = std::move(ids);
}

} // namespace detail

struct io_runner::state {
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  explicit state(int hint) : ioc(hint), work(ioc.get_executor()) {}
};

io_runner::io_runner(std::size_t threads)
    : state_(std::make_unique<state>(static_cast<int>(std::max<std::size_t>(threads, 1)))),
      registry_(std::make_shared<detail::stop_registry>()) {
  threads = std::max<std::size_t>(threads, 1);
  threads_.reserve(threads);
  std::vector<std::thread::id> ids;
  for (std::size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          state_->ioc.run();
          return;
        } catch (...) {
          // A throwing completion handler must not kill the I/O thread.
        }
      }
    });
    ids.push_back(threads_.back().get_id());
  }
  registry_->set_threads(std::move(ids));
}

io_runner::~io_runner() { stop(); }

net::io_context& io_runner::context() noexcept { return state_->ioc; }

void io_runner::stop() {
  std::call_once(stopped_, [this] {
    state_->work.reset();
    state_->ioc.stop();
    auto self = std::this_thread::get_id();
    for (auto& t : threads_) {
      if (!t.joinable())
        continue;
      if (t.get_id() == self)
        t.detach();
      else
        t.join();
    }
    registry_->run_hooks();
  });
}

} // namespace petrade::jsonrpc
