// The account actor: registration with onboarding, sign-in, sessions and
// their expiry, the validation rules, roles, admin accounts, opening users'
// keys in a real transaction manager, persistence across a restart, and
// that no password, token or key ever shows in a log line or an answer.
// Contacts are in account_contacts_test.cpp.
#include "tests/actors/account_fixture.hpp"

#include <algorithm>
#include <thread>

namespace {

using namespace petrade;
using namespace petrade::test;
using Account = AccountFixture;

TEST_F(Account, RegisterLoginSessionMeLogout) {
  auto reg = register_user("alice");
  EXPECT_EQ(reg["username"], "alice");
  EXPECT_EQ(reg["role"], "user");
  auto address = reg["address"].get<std::string>();
  EXPECT_EQ(eth::address::parse(address).checksummed(), address);
  EXPECT_EQ(reg["enrollment"]["granted"], "100");
  auto enrolled = rec->enrollments();
  ASSERT_FALSE(enrolled.empty());
  EXPECT_EQ(enrolled.back(), address);

  auto before = std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::system_clock::now().time_since_epoch()).count();
  auto in = ok_body(call("account.login", {{"username", "alice"}, {"password", "password 123"}}));
  auto token = in["token"].get<std::string>();
  EXPECT_TRUE(credentials::looks_like_token(token));
  EXPECT_NEAR(in["expires_at"].get<double>(), before + 86400, 2);
  EXPECT_EQ(in["address"], address);
  EXPECT_EQ(in["role"], "user");

  auto s = ok_body(system_call("account.session", {{"token", token}}));
  EXPECT_EQ(s["username"], "alice");
  EXPECT_EQ(s["address"], address);
  auto me = ok_body(call("account.me", json::object(), "alice"));
  EXPECT_EQ(me["address"], address);
  EXPECT_NEAR(me["created"].get<double>(), before, 2);

  EXPECT_TRUE(call("account.logout", {{"token", token}}, "alice").ok());
  auto gone = system_call("account.session", {{"token", token}});
  EXPECT_EQ(gone.error, business_error::unauthenticated);
  EXPECT_EQ(gone.message, "unknown session");
}

TEST_F(Account, SessionsExpireAndAreDeletedWhenSeen) {
  stop();
  start([](account_config& c) { c.session_ttl = 1s; });
  register_user("alice");
  auto token = login("alice");
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(system_call("account.session", {{"token", token}}).ok());
  std::this_thread::sleep_for(1100ms);
  auto expired = system_call("account.session", {{"token", token}});
  EXPECT_EQ(expired.error, business_error::unauthenticated);
  EXPECT_EQ(expired.message, "session expired");
  EXPECT_FALSE(db->contains(storage::column::sessions, credentials::token_digest(token)));
  EXPECT_EQ(system_call("account.session", {{"token", token}}).message, "unknown session");
}

TEST_F(Account, DuplicateUsernameIsAConflictEvenWhileTheFirstIsUnderWay) {
  register_user("alice");
  auto again = call("account.register", {{"username", "alice"}, {"password", "other password"}});
  EXPECT_EQ(again.error, business_error::conflict);
  EXPECT_NE(again.message.find("\"alice\""), std::string::npos) << again.message;

  // Two registrations of one new name in flight at once: one wins.
  business_call c{"account.register", "", "", json{{"username", "bob"}, {"password", "password 123"}}.dump(), ""};
  (*self)->send(account, call_atom_v, c);
  (*self)->send(account, call_atom_v, c);
  int ok = 0, conflict = 0;
  for (int i = 0; i < 2; ++i)
    (*self)->receive(
      [&](business_reply& r) {
        if (r.ok())
          ++ok;
        else if (r.error == business_error::conflict)
          ++conflict;
      },
      caf::after(10s) >> [] { ADD_FAILURE() << "no answer"; });
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(conflict, 1);
}

TEST_F(Account, EveryValidationRuleHasItsMessage) {
  auto reg = [](json username, json password) {
    json b = json::object();
    if (!username.is_null())
      b["username"] = username;
    if (!password.is_null())
      b["password"] = password;
    return b;
  };
  struct rule {
    std::string op;
    json body;
    std::string expect;   // part of the message
  };
  const std::vector<rule> rules = {
    {"account.register", reg("ab", "password 123"), "username \"ab\" must be 3 to 32"},
    {"account.register", reg(std::string(33, 'a'), "password 123"), "must be 3 to 32"},
    {"account.register", reg("1abc", "password 123"), "must start with a letter"},
    {"account.register", reg("_abc", "password 123"), "must start with a letter"},
    {"account.register", reg("Alice", "password 123"), "must start with a letter"},
    {"account.register", reg("al ice", "password 123"), "has \" \" at position 3"},
    {"account.register", reg("alicE", "password 123"), "has \"E\" at position 5"},
    {"account.register", reg(nullptr, "password 123"), "username is required"},
    {"account.register", reg(42, "password 123"), "username must be a string, not number"},
    {"account.register", reg("alice", "short"), "password must be 8 to 128 characters"},
    {"account.register", reg("alice", std::string(129, 'x')), "password must be 8 to 128"},
    {"account.register", reg("alice", nullptr), "password is required"},
    {"account.register", reg("alice", 12345678), "password must be a string"},
    {"account.login", {{"username", "alice"}}, "password is required"},
    {"account.login", {{"password", "password 123"}}, "username is required"},
    {"account.search", {{"query", ""}}, "query \"\" must be 1 to 32 characters"},
    {"account.search", {{"query", std::string(33, 'a')}}, "must be 1 to 32 characters"},
    {"account.search", {{"query", "a"}, {"limit", 0}}, "limit must be between 1 and 50, got 0"},
    {"account.search", {{"query", "a"}, {"limit", 51}}, "limit must be between 1 and 50, got 51"},
    {"account.search", {{"query", "a"}, {"limit", "5"}}, "limit must be an integer"},
    {"account.lookup", json::object(), "either usernames or addresses"},
    {"account.lookup", {{"usernames", json::array({"a"})}, {"addresses", json::array()}},
     "either usernames or addresses"},
    {"account.lookup", {{"usernames", "alice"}}, "usernames must be an array of strings"},
    {"account.lookup", {{"usernames", json::array({"alice", 3})}}, "usernames[1] must be a string"},
    {"account.lookup", {{"addresses", json::array({"0x12"})}}, "\"0x12\" is not an address"},
    {"account.friend_request", {{"to", "Bob"}}, "to \"Bob\" must start with a letter"},
    {"account.friend_accept", json::object(), "from is required"},
    {"account.unlock", {{"address", "nope"}, {"password", "x"}}, "address \"nope\" is not an"},
    {"account.create", {{"password", "short"}}, "password must be 8 to 128"},
    {"account.session", {{"token", 7}}, "token must be a string"},
    {"account.signer", json::object(), "username is required"},
    {"account.are_friends", {{"a", "alice"}}, "b is required"},
  };
  auto too_many = json::array();
  for (int i = 0; i < 101; ++i)
    too_many.push_back("u" + std::to_string(i));
  auto rules_and_more = rules;
  rules_and_more.push_back({"account.lookup", {{"usernames", too_many}}, "at most 100 entries"});
  for (auto& r : rules_and_more) {
    std::string user, role;
    if (r.op == "account.session" || r.op == "account.signer" || r.op == "account.are_friends")
      role = "system";
    else if (r.op == "account.create" || r.op == "account.unlock")
      user = "root", role = "admin";
    else if (r.op != "account.register" && r.op != "account.login")
      user = "alice", role = "user";
    auto got = call(r.op, r.body, user, role);
    auto where = r.op + " " + r.body.dump().substr(0, 80) + ": " + got.message;
    EXPECT_EQ(got.error, business_error::invalid) << where;
    EXPECT_NE(got.message.find(r.expect), std::string::npos) << where;
    EXPECT_EQ(got.message.find("password 123"), std::string::npos) << where;
    EXPECT_EQ(got.message.find("12345678"), std::string::npos) << where;
  }

  business_reply r;
  business_call raw{"account.login", "", "", "{not json", ""};
  (*self)->request(account, 10s, call_atom_v, raw).receive([&](business_reply& x) { r = x; },
                                                           [](caf::error&) {});
  EXPECT_EQ(r.error, business_error::invalid);
  EXPECT_NE(r.message.find("is not JSON"), std::string::npos) << r.message;
  raw.body = "[1]";
  (*self)->request(account, 10s, call_atom_v, raw).receive([&](business_reply& x) { r = x; },
                                                           [](caf::error&) {});
  EXPECT_NE(r.message.find("must be a JSON object"), std::string::npos) << r.message;
  auto unknown = call("account.xyz", json::object());
  EXPECT_EQ(unknown.error, business_error::invalid);
  EXPECT_EQ(unknown.message, "unknown operation account.xyz");
  auto missing = call("account.me", json::object(), "ghost");
  EXPECT_EQ(missing.error, business_error::not_found) << missing.message;
}

TEST_F(Account, WrongPasswordAndUnknownUserGetTheSameAnswer) {
  register_user("alice");
  auto wrong = call("account.login", {{"username", "alice"}, {"password", "password 124"}});
  auto nobody = call("account.login", {{"username", "zed"}, {"password", "password 123"}});
  auto odd = call("account.login", {{"username", "Not A Name"}, {"password", "password 123"}});
  for (auto* r : {&wrong, &nobody, &odd}) {
    EXPECT_EQ(r->error, business_error::unauthenticated);
    EXPECT_EQ(r->message, "wrong username or password");
  }
  EXPECT_EQ(rec->log_text().find("Not A Name"), std::string::npos);
}

TEST_F(Account, RolesDecideWhoMayCall) {
  register_user("alice");
  register_user("bob");
  auto token = login("alice");
  auto expect = [&](business_reply r, business_error e, const char* what) {
    EXPECT_EQ(r.error, e) << what << ": " << r.message;
  };
  expect(call("account.me", json::object()), business_error::unauthenticated, "anonymous me");
  expect(call("account.friends", json::object()), business_error::unauthenticated, "anonymous friends");
  expect(call("account.lookup", {{"usernames", json::array({"bob"})}}), business_error::unauthenticated, "anonymous lookup");
  expect(call("account.create", {{"password", "password 123"}}), business_error::unauthenticated, "anonymous create");
  expect(call("account.create", {{"password", "password 123"}}, "alice"), business_error::forbidden, "user create");
  expect(call("account.unlock", {{"address", test::dev_addr0}, {"password", "x"}}, "alice"), business_error::forbidden, "user unlock");
  expect(call("account.list", json::object(), "alice"), business_error::forbidden, "user list");
  expect(call("account.session", {{"token", token}}, "alice"), business_error::forbidden, "user session");
  expect(call("account.signer", {{"username", "alice"}}, "alice"), business_error::forbidden, "user signer");
  expect(call("account.are_friends", {{"a", "alice"}, {"b", "bob"}}, "alice"), business_error::forbidden, "user are_friends");
  expect(call("account.logout", {{"token", token}}, "bob"), business_error::forbidden, "someone else's token");
  expect(call("account.logout", {{"token", std::string(64, 'a')}}, "bob"), business_error::unauthenticated, "unknown token");
  EXPECT_TRUE(system_call("account.session", {{"token", token}}).ok()) << "a refused logout ended the session";
}

TEST_F(Account, BootstrapAdminExistsOnceAndAdminsManageAccounts) {
  auto in = ok_body(call("account.login", {{"username", "root"}, {"password", "root password 1"}}));
  EXPECT_EQ(in["role"], "admin");
  auto root_address = in["address"].get<std::string>();
  EXPECT_EQ(rec->enrollments(), std::vector<std::string>{root_address});
  register_user("alice");

  auto created = ok_body(call("account.create", {{"password", "vault password"}}, "root", "admin"));
  auto address = created["address"].get<std::string>();
  EXPECT_EQ(submit_from(address).state, "rejected") << "usable before it was unlocked";

  auto listed = ok_body(call("account.list", json::object(), "root", "admin"))["accounts"];
  ASSERT_EQ(listed.size(), 3u) << listed.dump();
  std::map<std::string, json> owners;
  for (auto& a : listed)
    owners[a["address"].get<std::string>()] = a["owner"];
  EXPECT_EQ(owners[root_address], "root");
  EXPECT_TRUE(owners.at(address).is_null());
  EXPECT_EQ(std::count_if(listed.begin(), listed.end(), [](auto& a) { return a["owner"] == "alice"; }), 1);

  auto wrong = call("account.unlock", {{"address", address}, {"password", "not the password"}}, "root", "admin");
  EXPECT_EQ(wrong.error, business_error::unauthenticated) << wrong.message;
  auto unknown = call("account.unlock", {{"address", "0x000000000000000000000000000000000000beef"}, {"password", "vault password"}}, "root", "admin");
  EXPECT_EQ(unknown.error, business_error::not_found) << unknown.message;
  EXPECT_EQ(ok_body(call("account.unlock", {{"address", address}, {"password", "vault password"}}, "root", "admin"))["address"], address);
  auto s = submit_from(address);
  EXPECT_EQ(s.state, "accepted") << s.error;

  // A restart finds the admin: not created (nor enrolled) again.
  stop();
  start();
  EXPECT_FALSE(login("root", "root password 1").empty());
  EXPECT_EQ(rec->enrollments().size(), 2u);   // root and alice, once each
}

TEST_F(Account, SignerOpensTheUsersKeyInTheTransactionManager) {
  auto address = register_user("bob")["address"].get<std::string>();
  auto before = submit_from(address);
  EXPECT_EQ(before.state, "rejected");
  EXPECT_NE(before.error.find("no signing key"), std::string::npos) << before.error;

  EXPECT_EQ(ok_body(system_call("account.signer", {{"username", "bob"}}))["address"], address);
  auto s = submit_from(address);
  EXPECT_EQ(s.state, "accepted") << s.error;
  EXPECT_EQ(ok_body(system_call("account.signer", {{"username", "bob"}}))["address"], address);
  EXPECT_EQ(system_call("account.signer", {{"username", "nobody"}}).error, business_error::not_found);

  // Without a transaction manager nothing can be opened.
  register_user("carol");
  caf::anon_send_exit(txm, caf::exit_reason::user_shutdown);
  std::this_thread::sleep_for(100ms);
  auto down = system_call("account.signer", {{"username", "carol"}});
  EXPECT_EQ(down.error, business_error::unavailable) << down.message;
}

TEST_F(Account, LookupByNamesOrAddressesOmitsUnknownOnes) {
  auto a = register_user("alice")["address"].get<std::string>();
  auto b = register_user("bob")["address"].get<std::string>();
  auto by_name = ok_body(system_call("account.lookup", {{"usernames", json::array({"bob", "zed", "alice", "bob"})}}));
  EXPECT_EQ(by_name["users"], json::array({json{{"username", "bob"}, {"address", b}},
                                          json{{"username", "alice"}, {"address", a}}}));
  auto lower = eth::address::parse(a).hex();
  auto by_address = ok_body(call("account.lookup", {{"addresses", json::array({lower, "0x000000000000000000000000000000000000dEaD"})}}, "bob"));
  EXPECT_EQ(by_address["users"], json::array({json{{"username", "alice"}, {"address", a}}}));
}

TEST_F(Account, FailedEnrollmentIsReportedButTheUserStays) {
  rec->token_fails = true;
  auto reg = register_user("dana");
  EXPECT_TRUE(reg["enrollment"].is_null());
  EXPECT_EQ(reg["enrollment_error"]["code"], "chain");
  EXPECT_NE(reg["enrollment_error"]["message"].get<std::string>().find("not deployed"), std::string::npos);
  EXPECT_FALSE(login("dana").empty());
  EXPECT_NE(rec->log_text().find("warn: [t-1] enrollment of dana failed"), std::string::npos) << rec->log_text();
}

TEST_F(Account, UsersSessionsAndKeysSurviveARestart) {
  auto address = register_user("erin")["address"].get<std::string>();
  auto token = login("erin");
  stop();
  start();
  EXPECT_FALSE(login("erin").empty());
  EXPECT_EQ(ok_body(system_call("account.session", {{"token", token}}))["username"], "erin");
  EXPECT_EQ(ok_body(system_call("account.signer", {{"username", "erin"}}))["address"], address);
  EXPECT_EQ(submit_from(address).state, "accepted");
}

TEST_F(Account, NoPasswordTokenOrKeyInLogsAnswersOrRecords) {
  auto address = register_user("frank", "frank's secret pw")["address"].get<std::string>();
  auto login_reply = call("account.login", {{"username", "frank"}, {"password", "frank's secret pw"}});
  auto token = json::parse(login_reply.body)["token"].get<std::string>();
  call("account.login", {{"username", "frank"}, {"password", "a wrong guess!"}});
  system_call("account.session", {{"token", token}});
  system_call("account.signer", {{"username", "frank"}});
  auto vault = ok_body(call("account.create", {{"password", "vault pass 42"}}, "root", "admin"))["address"].get<std::string>();
  call("account.unlock", {{"address", vault}, {"password", "vault pass 42"}}, "root", "admin");
  call("account.unlock", {{"address", vault}, {"password", "wrong vault pw"}}, "root", "admin");
  call("account.logout", {{"token", token}}, "frank");

  auto key = key_hex(address);
  auto custody = credentials::custody_password(secret, eth::address::parse(address));
  auto logs = rec->log_text();
  auto answers = all_replies();
  auto without_login = answers;
  without_login.erase(without_login.find(token), token.size());
  ASSERT_FALSE(logs.empty());
  for (std::string s : {std::string("frank's secret pw"), std::string("a wrong guess!"), std::string("vault pass 42"),
                        std::string("wrong vault pw"), std::string("root password 1"), key, custody, std::string(secret)}) {
    EXPECT_EQ(logs.find(s), std::string::npos) << "in the log: " << s;
    EXPECT_EQ(answers.find(s), std::string::npos) << "in an answer: " << s;
  }
  EXPECT_EQ(logs.find(token), std::string::npos);
  EXPECT_EQ(without_login.find(token), std::string::npos) << "the token left the login answer";

  // Records hold neither the key (raw or hex), nor the token, nor a password.
  std::string raw(reinterpret_cast<const char*>(eth::from_hex(key).data()), 32);
  for (auto col : {storage::column::users, storage::column::sessions, storage::column::read_models}) {
    db->for_each(col, "", [&](std::string_view k, std::string_view v) {
      for (std::string_view s : {std::string_view(key), std::string_view(raw), std::string_view(token),
                                 std::string_view("frank's secret pw")}) {
        EXPECT_EQ(k.find(s), std::string_view::npos) << storage::column_name(col);
        EXPECT_EQ(v.find(s), std::string_view::npos) << storage::column_name(col);
      }
      return true;
    });
  }
}

TEST_F(Account, SpawnRefusesAnIncompleteConfiguration) {
  auto refused = [&](const std::function<void(account_config&)>& edit) -> std::string {
    auto c = config();
    edit(c);
    try {
      spawn_account_actor(*sys, c);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_NE(refused([](auto& c) { c.db = nullptr; }).find("no database"), std::string::npos);
  EXPECT_NE(refused([](auto& c) { c.tx_manager = nullptr; }).find("no transaction manager"), std::string::npos);
  EXPECT_NE(refused([](auto& c) { c.key_secret.clear(); }).find("key secret"), std::string::npos);
  EXPECT_NE(refused([](auto& c) { c.admin_username = "Root"; }).find("admin username \"Root\""), std::string::npos);
  auto weak = refused([](auto& c) { c.admin_password = "weakpw"; });
  EXPECT_NE(weak.find("admin password must be 8 to 128"), std::string::npos) << weak;
  EXPECT_EQ(weak.find("weakpw"), std::string::npos);
}

} // namespace
