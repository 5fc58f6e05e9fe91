#include "protocol/jsonrpc/client.hpp"

#include "protocol/jsonrpc/client_impl.hpp"

#include <stdexcept>

namespace petrade::jsonrpc {

using nlohmann::json;

std::shared_ptr<client> client::create(io_runner& runner, const endpoint& target,
                                       client_options options) {
  if (options.max_connections == 0)
    options.max_connections = 1;
  auto impl = std::make_shared<detail::client_impl>(runner, target, std::move(options));
  impl->start();
  return std::shared_ptr<client>(new client(std::move(impl)));
}

std::shared_ptr<client> client::create(io_runner& runner, std::string_view url,
                                       client_options options) {
  return create(runner, endpoint::parse(url), std::move(options));
}

client::client(std::shared_ptr<detail::client_impl> impl) : impl_(std::move(impl)) {}

client::~client() { impl_->shutdown(/*io_stopped=*/false); }

void client::shutdown() { impl_->shutdown(/*io_stopped=*/false); }

void client::call(std::string method, json params, callback done, timeout limit) {
  auto p = std::make_shared<detail::pending>();
  p->first_id = impl_->next_id_.fetch_add(1, std::memory_order_relaxed);
  p->body = encode_call(p->first_id, method, params);   // validates; may throw
  p->label = std::move(method);
  p->limit = limit.value_or(impl_->options().default_timeout);
  p->deliver = [done = std::move(done)](std::vector<call_result> results) {
    done(std::move(results.front()));
  };
  impl_->submit(std::move(p));
}

void client::batch(std::vector<batch_item> items, batch_callback done, timeout limit) {
  if (items.empty()) {
    done({});
    return;
  }
  auto p = std::make_shared<detail::pending>();
  p->count = items.size();
  p->is_batch = true;
  p->first_id = impl_->next_id_.fetch_add(items.size(), std::memory_order_relaxed);
  p->body = encode_batch(p->first_id, items);
  p->label = "batch of " + std::to_string(items.size()) + " (" + items.front().method +
             (items.size() > 1 ? ", ...)" : ")");
  p->limit = limit.value_or(impl_->options().default_timeout);
  p->deliver = std::move(done);
  impl_->submit(std::move(p));
}

std::future<json> client::call_async(std::string method, json params, timeout limit) {
  auto promise = std::make_shared<std::promise<json>>();
  auto future = promise->get_future();
  call(std::move(method), std::move(params),
       [promise](call_result r) {
         if (r.error)
           promise->set_exception(std::make_exception_ptr(rpc_exception(std::move(*r.error))));
         else
           promise->set_value(std::move(r.value));
       },
       limit);
  return future;
}

std::future<std::vector<call_result>> client::batch_async(std::vector<batch_item> items,
                                                          timeout limit) {
  auto promise = std::make_shared<std::promise<std::vector<call_result>>>();
  auto future = promise->get_future();
  batch(std::move(items),
        [promise](std::vector<call_result> results) { promise->set_value(std::move(results)); },
        limit);
  return future;
}

json client::call_sync(std::string method, json params, timeout limit) {
  if (impl_->registry()->in_io_thread())
    throw std::logic_error("jsonrpc::client::call_sync on an I/O thread would deadlock");
  return call_async(std::move(method), std::move(params), limit).get();
}

std::vector<call_result> client::batch_sync(std::vector<batch_item> items, timeout limit) {
  if (impl_->registry()->in_io_thread())
    throw std::logic_error("jsonrpc::client::batch_sync on an I/O thread would deadlock");
  return batch_async(std::move(items), limit).get();
}

client_stats client::stats() const { return impl_->stats(); }

const endpoint& client::target() const { return impl_->target(); }

const client_options& client::options() const { return impl_->options(); }

} // namespace petrade::jsonrpc
