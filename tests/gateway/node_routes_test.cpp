// Node operations over real HTTP (issue 10): an admin adds a devnet
// follower, cordons and uncordons it and removes it again; bad input and
// forbidden changes get their 4xx with a message, and the cluster is as before.
#include "tests/gateway/gateway_fixture.hpp"

#include <thread>

namespace petrade::test {
namespace {

class NodeRoutes : public served_suite {
protected:
  gateway_client api{*served};

  /// The node named `name` in GET /api/cluster, or {} while it is not listed.
  json node(const std::string& token, const std::string& name) {
    auto cluster = api.ok("/api/cluster", token);
    for (auto& n : cluster["nodes"])
      if (n.value("name", "") == name)
        return n;
    return json::object();
  }

  /// Polls GET /api/cluster (a map every probe interval) until `pred` holds.
  template <class Pred>
  bool eventually(Pred pred) {
    for (int i = 0; i < 100; ++i) {
      if (pred())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
};

TEST_F(NodeRoutes, AnAdminAddsCordonsAndRemovesAFollower) {
  auto admin = api.admin();
  auto before = api.ok("/api/cluster", admin)["nodes"].size();
  auto added = api.post("/api/cluster/nodes", json{{"devnet", true}}, admin);
  ASSERT_EQ(added.status, 201) << added.body;
  auto name = json::parse(added.body).at("name").get<std::string>();
  EXPECT_TRUE(eventually([&] { return node(admin, name).value("admitted", false); }))
    << "the new node never took work: " << node(admin, name).dump();

  auto cordoned = api.post("/api/cluster/nodes/" + name + "/cordon", json(), admin);
  ASSERT_EQ(cordoned.status, 200) << cordoned.body;
  EXPECT_TRUE(eventually([&] {
    auto n = node(admin, name);
    return n.value("cordoned", false) && !n.value("admitted", true) && n.value("reachable", false);
  })) << "cordoned, the node should stay watched but take nothing: " << node(admin, name).dump();
  ASSERT_EQ(api.post("/api/cluster/nodes/" + name + "/uncordon", json(), admin).status, 200);
  EXPECT_TRUE(eventually([&] { return node(admin, name).value("admitted", false); }));

  auto removed = api.request_delete("/api/cluster/nodes/" + name, admin);
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(node(admin, name).empty()) << "the removed node is still listed";
  EXPECT_EQ(api.ok("/api/cluster", admin)["nodes"].size(), before);
}

TEST_F(NodeRoutes, MistakesAreRefusedWithTheirReason) {
  auto admin = api.admin();
  auto before = api.ok("/api/cluster", admin)["nodes"].size();
  auto refused = [&](const http_reply& r, int status, const std::string& says) {
    EXPECT_EQ(r.status, status) << r.body;
    auto message = json::parse(r.body, nullptr, false)["error"].value("message", "");
    EXPECT_NE(message.find(says), std::string::npos) << r.body;
  };
  refused(api.post("/api/cluster/nodes", json{{"url", 5}}, admin), 400, "'url' must be a string");
  refused(api.post("/api/cluster/nodes", json{{"colour", "red"}}, admin), 400, "unknown field 'colour'");
  refused(api.post_text("/api/cluster/nodes", "{not json", admin), 400, "JSON object");
  refused(api.post("/api/cluster/nodes", json{{"url", "ftp://node"}}, admin), 400, "http:// or https://");
  refused(api.post("/api/cluster/nodes", json{{"url", "http://127.0.0.1:1"}}, admin), 400, "eth_chainId");
  refused(api.request_delete("/api/cluster/nodes/node0", admin), 409, "sealer");
  refused(api.request_delete("/api/cluster/nodes/nodeX", admin), 404, "no node \"nodeX\"");
  refused(api.post("/api/cluster/nodes/nodeX/cordon", json(), admin), 404, "nodeX");
  EXPECT_EQ(api.ok("/api/cluster", admin)["nodes"].size(), before) << "a refused change changed the cluster";
}

} // namespace
} // namespace petrade::test
