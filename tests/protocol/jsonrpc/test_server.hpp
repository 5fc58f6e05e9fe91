// A tiny real HTTP server for the JSON-RPC client tests: Asio + Beast on its
// own thread, answering each request with whatever the test's handler says.
// It counts accepted connections and received requests.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace petrade::jsonrpc::test {

struct reply {
  unsigned status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};
  bool hang = false;            // never answer (keep the connection open)
  bool drop = false;            // close without answering
  bool close_silently = false;  // answer as keep-alive, then close anyway
  std::string raw;              // sent as it is instead of an answer; the connection stays open
};

/// The default handler: a JSON-RPC echo. result = the method name; a batch
/// is answered in reverse order. Methods: "hang", "drop", "slow" (500 ms),
/// "wrong_id" (answers id + 1000), "close_after" (close_silently).
inline reply echo(const std::string& body) {
  using nlohmann::json;
  auto doc = json::parse(body, nullptr, false);
  auto answer = [](const json& call) {
    return json{{"jsonrpc", "2.0"}, {"id", call.at("id")}, {"result", call.at("method")}};
  };
  if (doc.is_array()) {
    json out = json::array();
    for (auto it = doc.rbegin(); it != doc.rend(); ++it)
      out.push_back(answer(*it));
    return {200, out.dump()};
  }
  reply r{200, answer(doc).dump()};
  auto method = doc.at("method").get<std::string>();
  if (method == "hang")
    r.hang = true;
  else if (method == "drop")
    r.drop = true;
  else if (method == "slow")
    r.delay = std::chrono::milliseconds(500);
  else if (method == "close_after")
    r.close_silently = true;
  else if (method == "wrong_id")
    r.body = json{{"jsonrpc", "2.0"}, {"id", doc.at("id").get<int>() + 1000}, {"result", 1}}.dump();
  return r;
}

class test_server {
public:
  using handler = std::function<reply(const std::string& body)>;

  explicit test_server(handler h = echo)
      : handler_(std::move(h)),
        acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~test_server() {
    ioc_.stop();
    thread_.join();
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/"; }
  std::size_t accepted() const { return accepted_; }
  std::size_t requests() const { return requests_; }

private:
  using tcp = boost::asio::ip::tcp;

  struct session : std::enable_shared_from_this<session> {
    test_server& server;
    tcp::socket socket;
    boost::beast::flat_buffer buffer;
    boost::beast::http::request<boost::beast::http::string_body> request;
    boost::beast::http::response<boost::beast::http::string_body> response;
    std::string raw;
    boost::asio::steady_timer timer;

    session(test_server& s, tcp::socket sock)
        : server(s), socket(std::move(sock)), timer(s.ioc_) {}

    void read() {
      request = {};
      boost::beast::http::async_read(
          socket, buffer, request,
          [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
            if (!ec)
              self->answer();
          });
    }

    void answer() {
      ++server.requests_;
      auto r = server.handler_(request.body());
      if (r.drop) {
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        return;
      }
      if (r.hang) {
        server.parked_.push_back(shared_from_this());
        return;
      }
      if (!r.raw.empty()) {
        raw = std::move(r.raw);
        boost::asio::async_write(socket, boost::asio::buffer(raw),
                                 [self = shared_from_this()](boost::system::error_code, std::size_t) {
                                   self->server.parked_.push_back(self);
                                 });
        return;
      }
      response = {static_cast<boost::beast::http::status>(r.status), 11};
      response.set(boost::beast::http::field::content_type, "application/json");
      response.keep_alive(request.keep_alive());
      response.body() = r.body;
      response.prepare_payload();
      timer.expires_after(r.delay);
      timer.async_wait([self = shared_from_this(), close = r.close_silently](auto) {
        boost::beast::http::async_write(
            self->socket, self->response,
            [self, close](boost::system::error_code ec, std::size_t) {
              if (ec)
                return;
              if (close || !self->response.keep_alive()) {
                boost::system::error_code ignored;
                self->socket.shutdown(tcp::socket::shutdown_both, ignored);
                self->socket.close(ignored);
                return;
              }
              self->read();
            });
      });
    }
  };

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec)
        return;
      ++accepted_;
      std::make_shared<session>(*this, std::move(socket))->read();
      accept();
    });
  }

  handler handler_;
  boost::asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<session>> parked_;   // only touched on the server thread
  std::atomic<std::size_t> accepted_{0}, requests_{0};
  std::thread thread_;
};

} // namespace petrade::jsonrpc::test
