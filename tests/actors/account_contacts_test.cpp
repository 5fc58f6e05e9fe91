// Contacts through the account actor: friend requests, accepting, declining,
// asking back, search with relations, and the system questions other actors
// ask (are_friends, friends_of), surviving a restart.
#include "tests/actors/account_fixture.hpp"

namespace {

using namespace petrade;
using namespace petrade::test;

class Contacts : public AccountFixture {
protected:
  void SetUp() override {
    AccountFixture::SetUp();
    for (auto* name : {"alice", "bob", "carol", "dave"})
      register_user(name);
  }

  business_reply ask(const std::string& user, const std::string& op, const json& body = json::object()) {
    return call("account." + op, body, user);
  }
  json ok(const std::string& user, const std::string& op, const json& body = json::object()) {
    return ok_body(ask(user, op, body));
  }
  std::map<std::string, std::string> relations(const std::string& user, const std::string& query) {
    std::map<std::string, std::string> out;
    auto found = ok(user, "search", {{"query", query}});
    for (auto& u : found["users"])
      out[u["username"].get<std::string>()] = u["relation"].get<std::string>();
    return out;
  }
};

TEST_F(Contacts, RequestAcceptDeclineAndTheRelationsSearchShows) {
  EXPECT_EQ(ok("alice", "friend_request", {{"to", "bob"}})["relation"], "requested");
  EXPECT_EQ(ask("alice", "friend_request", {{"to", "bob"}}).error, business_error::conflict);
  EXPECT_EQ(ok("alice", "friend_request", {{"to", "carol"}})["relation"], "requested");
  EXPECT_EQ(ok("dave", "friend_request", {{"to", "alice"}})["relation"], "requested");

  auto mine = ok("alice", "friend_requests");
  EXPECT_EQ(mine["outgoing"], json::array({"bob", "carol"}));
  EXPECT_EQ(mine["incoming"], json::array({"dave"}));
  EXPECT_EQ(relations("alice", "a"),
            (std::map<std::string, std::string>{{"alice", "self"}, {"carol", "requested"},
                                                {"dave", "pending"}}));
  EXPECT_EQ(relations("bob", "ALI")["alice"], "pending");

  EXPECT_EQ(ok("bob", "friend_accept", {{"from", "alice"}})["relation"], "friend");
  EXPECT_EQ(ask("bob", "friend_accept", {{"from", "alice"}}).error, business_error::not_found);
  EXPECT_EQ(ask("bob", "friend_request", {{"to", "alice"}}).error, business_error::conflict);
  EXPECT_EQ(ok("carol", "friend_decline", {{"from", "alice"}})["relation"], "none");
  EXPECT_EQ(ask("carol", "friend_decline", {{"from", "alice"}}).error, business_error::not_found);
  // Asking someone who already asked you is saying yes.
  EXPECT_EQ(ok("alice", "friend_request", {{"to", "dave"}})["relation"], "friend");

  EXPECT_EQ(ok("alice", "friends")["friends"], json::array({"bob", "dave"}));
  EXPECT_EQ(ok("bob", "friends")["friends"], json::array({"alice"}));
  auto empty = ok("alice", "friend_requests");
  EXPECT_TRUE(empty["incoming"].empty() && empty["outgoing"].empty()) << empty.dump();
  EXPECT_EQ(relations("carol", "a"),
            (std::map<std::string, std::string>{{"alice", "none"}, {"carol", "self"}, {"dave", "none"}}));
  EXPECT_EQ(relations("alice", "b")["bob"], "friend");
}

TEST_F(Contacts, RequestsToNobodyOrYourselfAreRefused) {
  auto self_request = ask("alice", "friend_request", {{"to", "alice"}});
  EXPECT_EQ(self_request.error, business_error::invalid);
  EXPECT_NE(self_request.message.find("yourself"), std::string::npos);
  auto nobody = ask("alice", "friend_request", {{"to", "zed"}});
  EXPECT_EQ(nobody.error, business_error::not_found);
  EXPECT_NE(nobody.message.find("\"zed\""), std::string::npos) << nobody.message;
  EXPECT_EQ(ask("alice", "friend_accept", {{"from", "bob"}}).error, business_error::not_found);
  EXPECT_EQ(ask("alice", "friend_decline", {{"from", "zed"}}).error, business_error::not_found);
  EXPECT_EQ(call("account.friend_request", {{"to", "bob"}}).error, business_error::unauthenticated);
}

TEST_F(Contacts, SearchHonoursTheLimitInNameOrder) {
  for (int i = 0; i < 25; ++i)
    ASSERT_TRUE(call("account.register", {{"username", "user" + std::to_string(100 + i)},
                                          {"password", "password 123"}}).ok());
  auto first = ok("alice", "search", {{"query", "user"}})["users"];
  ASSERT_EQ(first.size(), 20u);
  EXPECT_EQ(first[0]["username"], "user100");
  EXPECT_EQ(first[19]["username"], "user119");
  EXPECT_EQ(ok("alice", "search", {{"query", "user"}, {"limit", 50}})["users"].size(), 25u);
  EXPECT_EQ(ok("alice", "search", {{"query", "user12"}, {"limit", 3}})["users"].size(), 3u);
  EXPECT_TRUE(ok("alice", "search", {{"query", "nobody"}})["users"].empty());
}

TEST_F(Contacts, SystemQuestionsAndPersistence) {
  ok("alice", "friend_request", {{"to", "bob"}});
  ok("bob", "friend_accept", {{"from", "alice"}});
  ok("carol", "friend_request", {{"to", "alice"}});
  auto friends = [&](const char* a, const char* b) {
    return ok_body(system_call("account.are_friends", {{"a", a}, {"b", b}}))["friends"].get<bool>();
  };
  EXPECT_TRUE(friends("alice", "bob"));
  EXPECT_TRUE(friends("bob", "alice"));
  EXPECT_FALSE(friends("alice", "carol"));
  EXPECT_EQ(system_call("account.are_friends", {{"a", "alice"}, {"b", "zed"}}).error,
            business_error::not_found);
  EXPECT_EQ(ok_body(system_call("account.friends_of", {{"username", "alice"}}))["friends"],
            json::array({"bob"}));
  EXPECT_EQ(system_call("account.friends_of", {{"username", "zed"}}).error, business_error::not_found);
  EXPECT_EQ(ask("alice", "friends_of", {{"username", "bob"}}).error, business_error::forbidden);

  stop();
  start();
  EXPECT_TRUE(friends("alice", "bob"));
  EXPECT_EQ(ok("alice", "friend_requests")["incoming"], json::array({"carol"}));
}

} // namespace
