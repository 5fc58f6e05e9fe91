// A worker process's business layer (`petrade worker`): its own database,
// a business host, published through the CAF middleman for the platform's
// business link to find. TLS between the two comes from caf_openssl when
// the deployment configures it (docs/operations.md).
#pragma once

#include "actors/business_config.hpp"

#include <functional>
#include <memory>
#include <string>

namespace petrade {

class business_worker {
public:
  using log_fn = std::function<void(const std::string&, const std::string&, const std::string&)>;
  business_worker(business_settings settings, worker_settings where, log_fn log = {});
  ~business_worker();
  business_worker(const business_worker&) = delete;
  business_worker& operator=(const business_worker&) = delete;

  /// Opens the database and publishes the host; throws std::runtime_error
  /// with the reason (the port taken, the database locked, ...).
  void start();
  void stop();
  unsigned short port() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace petrade
