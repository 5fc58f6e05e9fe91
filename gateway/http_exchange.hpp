// One HTTP request in flight and the way back to its client. The server
// creates an exchange per request and hands it to the router; whoever holds
// it answers once (`reply`) or turns the connection into an event stream
// (`open_stream`), from any thread: both hop onto the connection's strand.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace petrade::gateway {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

/// The write side of a server-sent-events stream.
class event_sink {
public:
  virtual ~event_sink() = default;
  /// Queues one event; false once the client has gone (stop pushing then).
  virtual bool push(const std::string& event, const std::string& data) = 0;
  virtual bool open() const = 0;
};

class exchange {
public:
  request req;
  std::string client;       // the peer's IP address: the unit of rate limiting
  std::string request_id;   // follows the request into the actors' logs

  /// Sends the answer (keep-alive decided by the server). Later calls are ignored.
  void reply(response r);
  /// Sends a 200 text/event-stream header and keeps the connection for events.
  std::shared_ptr<event_sink> open_stream();

  bool answered() const { return answered_; }

  // Wired by the server.
  std::function<void(response)> send;
  std::function<std::shared_ptr<event_sink>()> stream;

private:
  std::atomic<bool> answered_{false};
};

/// A JSON response with the given status; keep-alive follows the request.
response json_response(const request& req, http::status status, const std::string& body);
/// `{"error":{"code":…,"message":…}}` with the status.
response error_response(const request& req, http::status status, const std::string& code,
                        const std::string& message);

} // namespace petrade::gateway
