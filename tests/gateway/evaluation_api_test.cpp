// The evaluation routes over real HTTP against a whole platform: who may call
// which, bad bodies refused with JSON messages, and a round opened, rated,
// read, verified and closed as the web page does it.
#include "tests/gateway/gateway_fixture.hpp"

namespace petrade::test {
namespace {

class EvaluationApi : public served_suite {
protected:
  gateway_client api{*served};
};

const std::string some_address = "0x000000000000000000000000000000000000dEaD";

struct route {
  std::string method, target;
};

const std::vector<route> user_routes{
  {"GET", "/api/evaluations"},
  {"GET", "/api/evaluations/subjects"},
  {"GET", "/api/evaluations/1"},
  {"GET", "/api/evaluations/1/raters/" + some_address},
  {"POST", "/api/evaluations/1/scores"},
};
const std::vector<route> admin_routes{
  {"POST", "/api/admin/evaluations"},
  {"POST", "/api/admin/evaluations/1/close"},
};

http_reply send(gateway_client& api, const route& r, const std::string& token) {
  return r.method == "GET" ? api.get(r.target, token) : api.post(r.target, json::object(), token);
}

void expect_refused(const http_reply& r, int status, const std::string& code, const std::string& words) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(error_code(r), code) << r.body;
  EXPECT_NE(r.body.find(words), std::string::npos) << r.body;
}

TEST_F(EvaluationApi, EveryRouteNeedsASessionAndAdminRoutesAnAdmin) {
  auto erin = api.sign_up("erin");
  for (auto* list : {&user_routes, &admin_routes})
    for (auto& r : *list) {
      auto anonymous = send(api, r, "");
      EXPECT_EQ(anonymous.status, 401) << r.method << " " << r.target << ": " << anonymous.body;
      EXPECT_EQ(error_code(anonymous), "unauthenticated") << r.target;
    }
  for (auto& r : admin_routes) {
    auto plain = send(api, r, erin);
    EXPECT_EQ(plain.status, 403) << r.method << " " << r.target << ": " << plain.body;
    EXPECT_EQ(error_code(plain), "forbidden") << r.target;
  }
}

TEST_F(EvaluationApi, BadBodiesAreRefusedWithTheirReason) {
  auto erin = api.sign_up("erin2");
  auto admin = api.admin();
  json good{{"subjects", {"gateway", "node:node0"}}, {"closes_in_s", 600}, {"raters", {"erin2"}}};
  auto bad = [&](json body, int status, const std::string& code, const std::string& words) {
    expect_refused(api.post("/api/admin/evaluations", body, admin), status, code, words);
  };
  json b = good;
  b["subjects"] = "gateway";
  bad(b, 400, "bad_request", "'subjects' must be an array of strings");
  b = good;
  b["judgment"] = {{1, "two"}};
  bad(b, 400, "bad_request", "'judgment' must be an array of arrays of numbers");
  b = good;
  b["colour"] = "red";
  bad(b, 400, "bad_request", "unknown field 'colour'");
  b = good;
  b.erase("raters");
  bad(b, 400, "bad_request", "missing field 'raters'");
  b = good;
  b["closes_in_s"] = 10;
  bad(b, 400, "invalid", "'closes_in_s'");
  b = good;
  b["raters"] = {"nobody-here"};
  bad(b, 400, "invalid", "'nobody-here'");
  b = good;
  b["dimensions"] = {"speed", "cost", "care"};
  b["judgment"] = {{1, 9, 0.111111}, {0.111111, 1, 9}, {9, 0.111111, 1}};
  bad(b, 400, "invalid", "inconsistent");

  expect_refused(api.post("/api/evaluations/1/scores", {{"scores", {1, 2}}}, erin), 400, "bad_request",
                 "'scores' must be an array of arrays of numbers");
  expect_refused(api.post("/api/evaluations/x/scores", {{"scores", json::array()}}, erin), 400, "bad_request",
                 "'round'");
  expect_refused(api.get("/api/evaluations/1/raters/0x12", erin), 400, "bad_request", "not a valid address");
  expect_refused(api.get("/api/evaluations/999", erin), 404, "not_found", "no evaluation round 999");
}

TEST_F(EvaluationApi, ARoundIsOpenedRatedReadVerifiedAndClosed) {
  auto frank = api.sign_up("frank");
  auto grace = api.sign_up("grace");
  auto admin = api.admin();
  auto subjects = api.ok("/api/evaluations/subjects", frank)["subjects"];
  ASSERT_GE(subjects.size(), 3u) << subjects.dump();
  json names{subjects[0], subjects[1], "gateway"};

  auto opened = api.post("/api/admin/evaluations",
                         {{"subjects", names}, {"closes_in_s", 600}, {"raters", {"frank", "grace"}},
                          {"dimensions", {"speed", "cost"}}, {"judgment", {{1, 3}, {1.0 / 3, 1}}}},
                         admin, {{"Idempotency-Key", "open-round-1"}});
  ASSERT_EQ(opened.status, 202) << opened.body;
  auto accepted = json::parse(opened.body);
  EXPECT_TRUE(landed(api.follow(opened.header("location"), admin)));
  auto round = std::to_string(accepted.at("round").get<std::uint64_t>());

  auto path = "/api/evaluations/" + round;
  expect_refused(api.post(path + "/scores", {{"scores", {{1, 2}}}}, frank), 400, "invalid", "rows");
  EXPECT_TRUE(landed(api.write(path + "/scores", {{"scores", {{9, 4}, {5, 5}, {3, 8}}}}, frank)));
  EXPECT_TRUE(landed(api.write(path + "/scores", {{"scores", {{8, 6}, {6, 4}, {2, 9}}}}, grace)));
  expect_refused(api.post(path + "/scores", {{"scores", {{9, 4}, {5, 5}, {3, 8}}}}, frank), 409, "conflict",
                 "already submitted");

  // Reads go to any node, which may be a block behind the one that mined.
  json doc = json::object();
  for (int i = 0; i < 50 && doc.is_object() && doc.value("submissions", 0) < 2; ++i) {
    doc = api.ok(path, grace);
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(doc["submissions"], 2) << doc.dump();
  EXPECT_EQ(doc["ranking"].size(), 3u) << doc.dump();
  EXPECT_EQ(doc["ranking"][0]["subject"], names[0]) << doc.dump();
  EXPECT_EQ(doc["dimensions"], json({"speed", "cost"}));
  for (auto& r : doc["raters"]) {
    auto v = api.ok(path + "/raters/" + r["address"].get<std::string>(), grace);
    EXPECT_EQ(v["matches"], true) << v.dump();
    EXPECT_TRUE(v["event"]["tx"].is_string()) << v.dump();
  }
  auto listed = api.ok("/api/evaluations", frank)["rounds"];
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(listed[0]["submissions"], 2);

  auto closing = api.post("/api/admin/evaluations/" + round + "/close", json(), admin);
  ASSERT_EQ(closing.status, 202) << closing.body;
  EXPECT_TRUE(landed(api.follow(closing.header("location"), admin)));
}

} // namespace
} // namespace petrade::test
