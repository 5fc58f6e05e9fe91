// A small blocking HTTP/1.1 client (the gateway's tests, the benchmark's setup): one keep-alive
// connection, reopened when the server closes it, and a raw mode for bytes
// no well-behaved client would send.
#pragma once

#include <map>
#include <memory>
#include <string>

namespace petrade::bench {

struct http_reply {
  int status = 0;
  std::map<std::string, std::string> headers;   // names lower-cased
  std::string body;
  bool closed = false;                          // the server closed after it
  std::string header(const std::string& lower_name) const;
};

class http_client {
public:
  explicit http_client(unsigned short port, std::string host = "127.0.0.1");
  ~http_client();

  http_reply request(const std::string& method, const std::string& target, const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});
  http_reply get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return request("GET", target, "", headers);
  }
  http_reply post(const std::string& target, const std::string& body,
                  const std::map<std::string, std::string>& headers = {}) {
    return request("POST", target, body, headers);
  }
  /// Sends `bytes` on a fresh connection and parses what comes back.
  http_reply raw(const std::string& bytes);
  /// How many connections this client has opened (keep-alive check).
  int connections() const { return opened_; }

private:
  struct impl;
  std::unique_ptr<impl> impl_;
  int opened_ = 0;
};

/// Opens `target` as an event stream and returns the first `count` events'
/// data lines, or throws after `timeout_ms`.
std::string read_events(unsigned short port, const std::string& target,
                        const std::map<std::string, std::string>& headers, int count, int timeout_ms);

} // namespace petrade::bench
