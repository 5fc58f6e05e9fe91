#include "gateway/gateway_context.hpp"

namespace petrade::gateway {

void task_owners::remember(std::uint64_t task, const std::string& user) {
  std::lock_guard lock{mutex_};
  if (owners_.emplace(task, user).second)
    order_.push_back(task);
  while (order_.size() > capacity_) {
    owners_.erase(order_.front());
    order_.pop_front();
  }
}

std::optional<std::string> task_owners::owner(std::uint64_t task) const {
  std::lock_guard lock{mutex_};
  auto it = owners_.find(task);
  if (it == owners_.end())
    return std::nullopt;
  return it->second;
}

response business_error_response(const request& req, int status, const std::string& code,
                                  const std::string& message) {
  auto r = error_response(req, static_cast<http::status>(status), code, message);
  if (status == 503)
    r.set(http::field::retry_after, "1");
  if (status == 401)
    r.set(http::field::www_authenticate, "Bearer");
  return r;
}

} // namespace petrade::gateway
