#include "bench/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <optional>
#include <sys/socket.h>
#include <sys/time.h>
#include <chrono>
#include <stdexcept>

namespace petrade::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string http_reply::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

http_reply convert(http::response<http::string_body>& r) {
  http_reply out;
  out.status = r.result_int();
  for (auto& f : r)
    out.headers[lower(std::string(f.name_string()))] = std::string(f.value());
  out.body = r.body();
  out.closed = !r.keep_alive();
  return out;
}

} // namespace

struct http_client::impl {
  net::io_context ioc;
  std::string host;
  unsigned short port;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  void open() {
    stream.emplace(ioc);
    stream->connect(tcp::endpoint(net::ip::make_address(host), port));
    buffer.clear();
  }
};

http_client::http_client(unsigned short port, std::string host) : impl_(std::make_unique<impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
}

http_client::~http_client() = default;

http_reply http_client::request(const std::string& method, const std::string& target, const std::string& body,
                                const std::map<std::string, std::string>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->stream) {
      impl_->open();
      ++opened_;
    }
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, impl_->host);
    for (auto& [k, v] : headers)
      req.set(k, v);
    if (!body.empty() && req[http::field::content_type].empty())
      req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    req.keep_alive(true);
    impl_->stream->expires_after(std::chrono::seconds(90));
    beast::error_code ec;
    http::write(*impl_->stream, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    // Header first: Boost 1.74 checks Content-Length against the limit only
    // when the parser stops after the header (see protocol/jsonrpc/connection.cpp).
    if (!ec)
      http::read_header(*impl_->stream, impl_->buffer, parser, ec);
    if (!ec)
      http::read(*impl_->stream, impl_->buffer, parser, ec);
    if (ec) {
      // A keep-alive connection the server closed in the meantime: once more.
      impl_->stream.reset();
      if (attempt == 0 && (ec == http::error::end_of_stream || ec == net::error::connection_reset
                           || ec == net::error::broken_pipe))
        continue;
      throw std::runtime_error(method + " " + target + ": " + ec.message());
    }
    auto r = parser.release();
    auto out = convert(r);
    if (out.closed)
      impl_->stream.reset();
    return out;
  }
  throw std::runtime_error("unreachable");
}

http_reply http_client::raw(const std::string& bytes) {
  beast::tcp_stream s(impl_->ioc);
  s.connect(tcp::endpoint(net::ip::make_address(impl_->host), impl_->port));
  s.expires_after(std::chrono::seconds(30));
  beast::error_code ec;
  net::write(s, net::buffer(bytes), ec);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read_header(s, buf, parser, ec);
  if (!ec)
    http::read(s, buf, parser, ec);
  if (ec)
    throw std::runtime_error("raw request: no answer: " + ec.message());
  auto r = parser.release();
  return convert(r);
}

std::string read_events(unsigned short port, const std::string& target,
                        const std::map<std::string, std::string>& headers, int count, int timeout_ms) {
  net::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (auto& [k, v] : headers)
    req += k + ": " + v + "\r\n";
  req += "\r\n";
  net::write(s, net::buffer(req));
  std::string got;
  char chunk[4096];
  auto events = [&] {
    auto body = got.find("\r\n\r\n");
    if (body == std::string::npos)
      return 0;
    int n = 0;
    for (auto at = got.find("\n\n", body + 4); at != std::string::npos; at = got.find("\n\n", at + 2))
      ++n;
    return n;
  };
  while (events() < count) {
    beast::error_code ec;
    auto n = s.read_some(net::buffer(chunk), ec);
    if (ec)
      throw std::runtime_error("event stream ended (" + ec.message() + ") after: " + got.substr(0, 400));
    got.append(chunk, n);
  }
  return got;
}

} // namespace petrade::bench
