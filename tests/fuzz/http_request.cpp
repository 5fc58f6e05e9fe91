// Bytes a client sends to the gateway, without a socket: Boost.Beast's
// request parser with the server's limits (as http_server's connection reads
// them, pipelined requests included), then the gateway's real router with
// every route (REST table, /rpc, /metrics, /api/cluster, the static web app)
// and the answer serialised. The actors are absent, so every call into them
// fails at once and the request is answered synchronously.
//
// A finding is a crash, a sanitizer report, an exception out of the router
// (the server would answer 500 "internal" to a client's mistake) or a
// response carrying the file planted beside the web root (path traversal).
#include "gateway/api_routes.hpp"
#include "gateway/cluster_routes.hpp"
#include "gateway/http_server.hpp"
#include "gateway/rpc_proxy.hpp"
#include "gateway/static_files.hpp"

#include <boost/beast/http.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace petrade::gateway;
namespace fs = std::filesystem;

namespace {

constexpr const char* planted = "petrade-fuzz: this file lies outside the web root";

[[noreturn]] void broken(const std::string& what) {
  std::fprintf(stderr, "http_request: %s\n", what.c_str());
  std::abort();
}

struct harness {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::shared_ptr<gateway_context> ctx = std::make_shared<gateway_context>(sys, actor_handles{});
  server_config limits;
  fs::path dir;
  router routes;

  harness() {
    // A web root of its own, with a file beside it that must never be served.
    char tmpl[] = "/tmp/petrade-fuzz-web-XXXXXX";
    if (!mkdtemp(tmpl))
      broken("cannot create a temporary web root");
    dir = tmpl;
    fs::create_directories(dir / "web" / "assets");
    std::ofstream(dir / "web" / "index.html") << "<!doctype html><title>petrade</title>";
    std::ofstream(dir / "web" / "assets" / "index.js") << "export {};";
    std::ofstream(dir / "secret.txt") << planted;
    add_api_routes(routes, ctx);
    add_rpc_route(routes, ctx);
    add_cluster_routes(routes, ctx, std::chrono::milliseconds(500), "metrics-token");
    routes.fallback(static_files((dir / "web").string()));
  }
  ~harness() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// thread_local, not static: libFuzzer ends with exit(), which runs the main
// thread's thread_local destructors before the static ones. CAF keeps the
// logger in a thread_local of every thread that touched the system (the
// main thread: ~actor_system resets it), so a static actor_system would be
// torn down after that pointer released the logger; ~actor_system then
// released it twice and read the freed logger (the SEGV in
// caf::ref_counted::deref). As a thread_local constructed after CAF's, the
// harness goes first, with everything it needs still alive.
harness& the_harness() {
  thread_local harness h;
  return h;
}

// What the connection does with a parser error: refuse and close.
void refuse(const boost::beast::error_code& ec) {
  std::ostringstream out;
  out << error_response(request{}, http::status::bad_request, "bad_request",
                        "malformed HTTP request: " + ec.message());
}

// One request from the front of `in`; false once the connection would close.
bool serve_one(harness& h, std::string_view& in) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(h.limits.body_limit);
  parser.header_limit(static_cast<std::uint32_t>(h.limits.header_limit));
  parser.eager(true);
  boost::beast::error_code ec;
  while (!parser.is_done()) {
    auto used = parser.put(boost::asio::buffer(in.data(), in.size()), ec);
    in.remove_prefix(used);
    if (ec == http::error::need_more)
      ec = {};
    // No progress: the parser wants bytes the client never sent. In a body
    // (a Content-Length beyond the input) put() says so by consuming
    // nothing without an error, not with need_more.
    if (!ec && (used == 0 || in.empty()) && !parser.is_done()) {
      parser.put_eof(ec);   // the client stopped sending
      if (!ec && !parser.is_done())
        return false;
    }
    if (ec) {
      refuse(ec);
      return false;
    }
  }
  auto ex = std::make_shared<exchange>();
  ex->req = parser.release();
  ex->client = "127.0.0.1";
  ex->request_id = "r1";
  bool head = ex->req.method() == http::verb::head;
  auto keep_alive = std::make_shared<bool>(false);
  // An answer may quote the request back (a path, say): only an answer to
  // a request that does not carry the planted text itself proves a leak.
  bool quoted = ex->req.target().find(planted) != std::string_view::npos
                || ex->req.body().find(planted) != std::string::npos;
  for (auto& field : ex->req)
    quoted = quoted || field.value().find(planted) != std::string_view::npos;
  ex->send = [head, keep_alive, quoted, target = std::string(ex->req.target())](response r) {
    r.prepare_payload();
    if (head)
      r.body().clear();
    *keep_alive = r.keep_alive();
    std::ostringstream out;
    out << r;
    if (!quoted && out.str().find(planted) != std::string::npos)
      broken("served a file from outside the web root for " + target);
  };
  ex->stream = [] { return std::shared_ptr<event_sink>(); };
  try {
    h.routes.handle(ex);
  } catch (const std::exception& e) {
    broken(std::string("the router threw (the server answers 500): ") + e.what());
  }
  return *keep_alive;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& h = the_harness();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // As one keep-alive connection would read them.
  for (int i = 0; i < 4 && !in.empty(); ++i)
    if (!serve_one(h, in))
      break;
  return 0;
}
