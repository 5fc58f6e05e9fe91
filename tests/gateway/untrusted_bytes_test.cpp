// The gateway's real routes fed bytes that are not UTF-8, without a socket:
// percent-decoded query values and path captures, bearer tokens, and node
// error messages on their way back through /rpc. Each used to reach a strict
// JSON writer that threw: a 500 for a client's mistake, or, when it threw on
// a CAF thread, a request never answered. Found by the fuzz targets in
// tests/fuzz/ (http_request, api_body, jsonrpc_response).
#include "actors/system_config.hpp"
#include "gateway/api_routes.hpp"
#include "gateway/rpc_proxy.hpp"
#include "protocol/messages.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>

namespace {

using namespace petrade;
using namespace petrade::gateway;
using json = nlohmann::json;

// A dispatcher whose every node failed with a message that is not UTF-8,
// as a node's non-JSON error page quoted in the error used to be.
caf::behavior failing_dispatcher(caf::event_based_actor*) {
  return {[](submit_atom, task t) {
    task_result r;
    r.id = t.id;
    r.error = task_error::unreachable;
    r.message = "node0: response is not valid JSON: \xb5";
    return r;
  }};
}

class UntrustedBytes : public ::testing::Test {
protected:
  system_config cfg;
  caf::actor_system sys{cfg};
  router routes;
  caf::actor dispatcher;

  void SetUp() override {
    actor_handles actors;   // no business actors: their calls fail at once
    actors.dispatcher = dispatcher = sys.spawn(failing_dispatcher);
    auto ctx = std::make_shared<gateway_context>(sys, actors);
    add_api_routes(routes, ctx);
    add_rpc_route(routes, ctx);
  }
  // The actor system waits for its actors when it goes.
  void TearDown() override { caf::anon_send_exit(dispatcher, caf::exit_reason::user_shutdown); }

  response ask(http::verb method, const std::string& target, const std::string& body = "",
               const std::string& token = "") {
    auto ex = std::make_shared<exchange>();
    ex->req = request{method, target, 11};
    if (!token.empty())
      ex->req.set(http::field::authorization, "Bearer " + token);
    ex->req.body() = body;
    ex->req.prepare_payload();
    auto answer = std::make_shared<std::promise<response>>();
    auto got = answer->get_future();
    ex->send = [answer](response r) { answer->set_value(std::move(r)); };
    EXPECT_NO_THROW(routes.handle(ex));
    if (got.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << target << " was never answered";
      return response{http::status::gateway_timeout, 11};
    }
    return got.get();
  }
};

TEST_F(UntrustedBytes, QueryValuesThatAreNotUtf8AreRefused) {
  auto r = ask(http::verb::get, "/api/projects?query=%FF%FE");
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_NE(r.body().find("'query' must be UTF-8 text"), std::string::npos) << r.body();
}

TEST_F(UntrustedBytes, PathCapturesThatAreNotUtf8AreRefused) {
  auto r = ask(http::verb::get, "/api/chain/blocks/0x%C3");
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_NE(r.body().find("'hash' must be UTF-8 text"), std::string::npos) << r.body();
}

TEST_F(UntrustedBytes, BearerTokensOfOtherBytesAreUnauthenticated) {
  auto r = ask(http::verb::get, "/api/me", "", "abc\xff\xfe");
  EXPECT_EQ(r.result(), http::status::unauthorized);
  EXPECT_NE(r.body().find("printable ASCII"), std::string::npos) << r.body();
}

TEST_F(UntrustedBytes, RpcAnswersEvenWhenTheNodesMessageIsNotUtf8) {
  auto r = ask(http::verb::post, "/rpc", R"({"jsonrpc":"2.0","id":7,"method":"eth_blockNumber"})");
  ASSERT_EQ(r.result(), http::status::ok);
  auto j = json::parse(r.body());
  EXPECT_EQ(j["id"], 7);
  EXPECT_EQ(j["error"]["code"], -32603);
  EXPECT_NE(j["error"]["message"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos) << r.body();
}

} // namespace
