// The router behind a real http_server: literal segments win over captures
// whatever the order of registration, captures and query parameters are
// url-decoded, a path known under another method is a JSON 405, unknown
// paths reach the fallback (or a JSON 404 without one), HEAD is served by
// the GET route without a body.
#include "gateway/http_server.hpp"
#include "gateway/router.hpp"

#include "bench/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/time.h>

namespace {

using namespace petrade;
using gateway::http_server;
using gateway::path_params;
using gateway::router;
using bench::http_client;
using json = nlohmann::json;
namespace http = gateway::http;

// Answers which route ran, with its captures and the decoded query.
gateway::route_handler named(std::string name) {
  return [name](std::shared_ptr<gateway::exchange> ex, path_params params) {
    json j{{"route", name}, {"params", params},
           {"query", gateway::query_params(std::string(ex->req.target()))}};
    auto r = gateway::json_response(ex->req, http::status::ok, j.dump());
    r.set("X-Route", name);
    ex->reply(std::move(r));
  };
}

std::unique_ptr<http_server> serve(const router& routes) {
  gateway::server_config cfg;
  cfg.port = 0;
  cfg.requests_per_second = 0;
  return std::make_unique<http_server>(cfg, [&routes](auto ex) { routes.handle(std::move(ex)); });
}

// Sends bytes on a fresh connection and returns everything until the server
// closes it: the only way to see exactly what follows a HEAD answer.
std::string talk(unsigned short port, const std::string& bytes) {
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket s(ioc);
  s.connect({net::ip::make_address("127.0.0.1"), port});
  timeval tv{5, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  net::write(s, net::buffer(bytes));
  std::string got;
  char chunk[4096];
  for (;;) {
    boost::system::error_code ec;
    auto n = s.read_some(net::buffer(chunk), ec);
    got.append(chunk, n);
    if (ec)
      return got;
  }
}

class router_test : public ::testing::Test {
protected:
  void SetUp() override {
    // Captures registered before the literal they overlap: order must not matter.
    routes.add("GET", "/api/projects/{id}", named("project"));
    routes.add("GET", "/api/projects/mine", named("mine"));
    routes.add("POST", "/api/projects/{id}/buy", named("buy"));
    routes.add("GET", "/api/search", named("search"));
    routes.add("DELETE", "/api/sessions", named("logout"));
    routes.fallback(named("fallback"));
    server = serve(routes);
  }

  json get_json(const std::string& target, int expected_status = 200) {
    auto r = client().get(target);
    EXPECT_EQ(r.status, expected_status) << target << ": " << r.body;
    return json::parse(r.body);
  }

  http_client& client() {
    if (!client_)
      client_ = std::make_unique<http_client>(server->port());
    return *client_;
  }

  router routes;
  std::unique_ptr<http_server> server;
  std::unique_ptr<http_client> client_;
};

TEST_F(router_test, literal_segment_beats_capture) {
  EXPECT_EQ(get_json("/api/projects/mine")["route"], "mine");
  auto j = get_json("/api/projects/42");
  EXPECT_EQ(j["route"], "project");
  EXPECT_EQ(j["params"]["id"], "42");
}

TEST_F(router_test, routes_lists_what_was_added) {
  auto all = routes.routes();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[2].method, "POST");
  EXPECT_EQ(all[2].pattern, "/api/projects/{id}/buy");
}

TEST_F(router_test, captures_are_url_decoded) {
  auto j = get_json("/api/projects/a%20b%2Fc%C3%A9");
  EXPECT_EQ(j["route"], "project");
  // %2F stays inside the capture: the path is split before decoding.
  EXPECT_EQ(j["params"]["id"], "a b/c\xC3\xA9");
  auto r = client().post("/api/projects/x%3Fy/buy", "{}");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["params"]["id"], "x?y");
}

TEST_F(router_test, query_string_does_not_take_part_in_matching) {
  auto j = get_json("/api/projects/mine?x=1");
  EXPECT_EQ(j["route"], "mine");
  EXPECT_EQ(j["query"]["x"], "1");
  // Empty segments are ignored, so a trailing slash names the same route.
  EXPECT_EQ(get_json("/api/projects/mine/")["route"], "mine");
}

TEST_F(router_test, other_method_is_405_with_json_error) {
  auto r = client().request("PUT", "/api/projects/mine");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("content-type"), "application/json");
  auto j = json::parse(r.body);
  EXPECT_EQ(j["error"]["code"], "method_not_allowed");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("PUT"), std::string::npos);
  // A GET on a POST-only path is a 405 too, not the fallback.
  r = client().get("/api/projects/7/buy");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "method_not_allowed");
  // The connection stays usable after the refusal.
  EXPECT_EQ(client().post("/api/projects/7/buy", "").status, 200);
  EXPECT_EQ(client().connections(), 1);
}

TEST_F(router_test, unknown_paths_go_to_the_fallback) {
  for (std::string target : {"/", "/index.html", "/api/projects/1/2/3", "/api/nothing"}) {
    auto j = get_json(target);
    EXPECT_EQ(j["route"], "fallback") << target;
    EXPECT_TRUE(j["params"].empty()) << target;
  }
  // Any method: the fallback decides what it serves.
  EXPECT_EQ(client().post("/upload", "x").header("x-route"), "fallback");
}

TEST(router_without_fallback, unknown_path_is_json_404) {
  router routes;
  routes.add("GET", "/a", named("a"));
  auto server = serve(routes);
  http_client c(server->port());
  auto r = c.get("/b?q=1");
  EXPECT_EQ(r.status, 404);
  auto j = json::parse(r.body);
  EXPECT_EQ(j["error"]["code"], "not_found");
  // The message names the path without its query.
  EXPECT_EQ(j["error"]["message"], "no route for /b");
}

TEST_F(router_test, head_is_served_by_get_route_without_body) {
  // HEAD then GET pipelined: the GET answer must start right after the
  // HEAD answer's header block, with no body bytes in between.
  auto got = talk(server->port(),
                  "HEAD /api/projects/mine HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /api/projects/5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
  auto end = got.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos) << got;
  auto head = got.substr(0, end);
  EXPECT_NE(head.find("X-Route: mine"), std::string::npos) << head;
  // The length announced is the one a GET would have.
  EXPECT_NE(head.find("Content-Length: "), std::string::npos) << head;
  auto rest = got.substr(end + 4);
  ASSERT_EQ(rest.rfind("HTTP/1.1 200", 0), 0u) << "bytes after the HEAD answer: " << rest;
  EXPECT_NE(rest.find("\"id\":\"5\""), std::string::npos) << rest;
  // HEAD on a route that has no GET is refused like any other method.
  got = talk(server->port(), "HEAD /api/sessions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(got.rfind("HTTP/1.1 405", 0), 0u) << got;
}

TEST_F(router_test, query_params_are_decoded) {
  auto q = get_json("/api/search?name=a+b&sym=%26%3D%2b&empty=&bare&&k=1&k=2&%6Bey=v&bad=%zz%4")["query"];
  EXPECT_EQ(q["name"], "a b");          // + is a space in a query
  EXPECT_EQ(q["sym"], "&=+");           // escapes may hide separators
  EXPECT_EQ(q["empty"], "");
  EXPECT_EQ(q["bare"], "");             // a key without '=' has an empty value
  EXPECT_EQ(q["k"], "2");               // repeated keys: the last one wins
  EXPECT_EQ(q["key"], "v");             // keys are decoded too
  EXPECT_EQ(q["bad"], "%zz%4");         // broken escapes stay as they were
  EXPECT_EQ(q.size(), 7u);              // "&&" adds nothing
}

TEST(query_params, edge_cases) {
  EXPECT_TRUE(gateway::query_params("/a").empty());
  EXPECT_TRUE(gateway::query_params("/a?").empty());
  auto q = gateway::query_params("/a?x=1=2&y=%41");
  EXPECT_EQ(q.at("x"), "1=2");   // only the first '=' separates
  EXPECT_EQ(q.at("y"), "A");
  EXPECT_EQ(gateway::target_path("/a/b?c=d?e"), "/a/b");
  EXPECT_EQ(gateway::url_decode("%41%4a%4A%"), "AJJ%");
}

} // namespace
