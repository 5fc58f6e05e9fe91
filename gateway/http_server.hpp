// The HTTP/1.1 server of the gateway (design §9): asynchronous Boost.Beast
// on its own I/O threads, keep-alive, limits on header and body size and on
// requests per client per second, optional TLS, graceful shutdown (stop
// accepting, let answers in progress go out, close idle connections).
#pragma once

#include "gateway/http_exchange.hpp"
#include "gateway/rate_limiter.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace petrade::gateway {

struct server_config {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;              // 0 = the OS picks (see port())
  std::size_t io_threads = 2;
  std::size_t body_limit = 8 * 1024 * 1024;
  std::size_t header_limit = 16 * 1024;
  std::chrono::seconds idle_timeout{30};   // between requests on one connection
  double requests_per_second = 50;         // per client address; 0 = no limit
  double burst = 100;
  std::string tls_certificate_file;        // both set = HTTPS only
  std::string tls_key_file;
  std::chrono::milliseconds shutdown_grace{5000};
};

using request_handler = std::function<void(std::shared_ptr<exchange>)>;

class http_server {
public:
  /// Binds and starts serving; throws std::runtime_error naming the address
  /// (port in use, unreadable certificate, ...).
  http_server(server_config cfg, request_handler handler);
  ~http_server();   // stop()
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  unsigned short port() const;
  bool tls() const;
  /// The per-client request limit, changed at runtime by gateway management.
  rate_limiter& limiter();
  /// Graceful: no new connections, answers under way are written, then the
  /// connections close. Idempotent.
  void stop();

  struct impl;   // shared with the connections, which outlive no server

private:
  std::shared_ptr<impl> impl_;
};

} // namespace petrade::gateway
