// The authorization matrix over real HTTP against a whole platform (issue 9,
// item 6): every route the gateway serves, asked by an anonymous caller, by
// alice (who owns the resources in the paths), by bob (another user) and by
// an admin; each answer must be what authorization_table.hpp says. The test
// also checks that the table covers every route the gateway serves and
// docs/openapi.yaml documents, so no route can be added without its row.
#include "tests/gateway/authorization_table.hpp"
#include "tests/gateway/gateway_fixture.hpp"

#include "protocol/base64.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace petrade::test {
namespace {

using route_key = std::pair<std::string, std::string>;   // (METHOD, pattern)

class AuthorizationMatrix : public served_suite {
protected:
  gateway_client api{*served};
};

// ---- the route sets the table must cover --------------------------------

/// (METHOD, path) of every operation in docs/openapi.yaml: under the
/// top-level `paths:` key, a path is a key indented by two spaces that starts
/// with '/', and its operations are HTTP method keys indented by four.
std::set<route_key> openapi_operations() {
  std::ifstream in(source_path("docs/openapi.yaml"));
  EXPECT_TRUE(in.good()) << "cannot read docs/openapi.yaml";
  static const std::set<std::string> methods{"get", "put", "post", "delete", "patch", "head", "options"};
  auto indent = [](const std::string& s) { return s.find_first_not_of(' '); };
  std::set<route_key> out;
  std::string line, path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (line.empty() || line.back() != ':' || indent(line) == std::string::npos)
      continue;
    auto key = line.substr(indent(line), line.size() - 1 - indent(line));
    if (indent(line) == 0) {
      in_paths = key == "paths";
      path.clear();
    } else if (in_paths && indent(line) == 2 && key.front() == '/') {
      path = key;
    } else if (in_paths && indent(line) == 4 && !path.empty() && methods.count(key)) {
      std::string upper;
      for (char c : key)
        upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.emplace(upper, path);
    }
  }
  return out;
}

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream ss(path.substr(0, path.find('?')));
  for (std::string part; std::getline(ss, part, '/');)
    out.push_back(part);
  return out;
}

/// Whether `target` is an instance of `pattern` ({name} matches one segment).
bool instance_of(const std::string& pattern, const std::string& target) {
  auto p = segments(pattern), t = segments(target);
  if (p.size() != t.size())
    return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    bool capture = p[i].size() > 2 && p[i].front() == '{' && p[i].back() == '}';
    if (capture ? t[i].empty() : p[i] != t[i])
      return false;
  }
  return true;
}

// ---- asking ---------------------------------------------------------------

/// The status line of an event stream, without waiting for any event.
int stream_status(unsigned short port, const std::string& target, const std::string& token) {
  namespace net = boost::asio;
  namespace beast = boost::beast;
  namespace http = beast::http;
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  stream.expires_after(std::chrono::seconds(15));
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty())
    req.set(http::field::authorization, "Bearer " + token);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  http::read_header(stream, buffer, parser);
  return parser.get().result_int();
}

enum caller_index { anonymous = 0, alice_caller, bob_caller, admin_caller };
const char* const caller_names[] = {"anonymous", "alice", "bob", "admin"};

expect expectation(const matrix_row& row, int who) {
  switch (who) {
    case anonymous: return row.anonymous;
    case alice_caller: return row.alice;
    case bob_caller: return row.bob;
    default: return row.admin;
  }
}

bool must_deny(expect e) { return e == expect::deny || e == expect::hide; }

bool met(expect e, int who, int status) {
  switch (e) {
    case expect::allow: return status >= 200 && status < 500 && status != 401 && status != 403;
    case expect::ok: return status >= 200 && status < 300;
    case expect::deny: return status == (who == anonymous ? 401 : 403);
    case expect::hide: return status == 404;
  }
  return false;
}

const char* describe(expect e, int who) {
  switch (e) {
    case expect::allow: return "allowed (not 401/403, not 5xx)";
    case expect::ok: return "allowed with a 2xx";
    case expect::deny: return who == anonymous ? "denied with 401" : "denied with 403";
    case expect::hide: return "denied as missing with 404";
  }
  return "?";
}

// ---- the resources in the paths ---------------------------------------------

json project_body(const std::string& title, const std::string& visibility) {
  const std::string deck = "%PDF-1.4 " + title;
  return {{"title", title},
          {"summary", "A stake offered to the matrix test."},
          {"price", 300},
          {"keywords", {"matrix"}},
          {"visibility", visibility},
          {"file", {{"name", "deck.pdf"},
                    {"content_base64", base64_encode(std::vector<std::uint8_t>(deck.begin(), deck.end()))}}}};
}

std::string project_titled(gateway_client& api, const std::string& token, const std::string& title) {
  auto mine = api.ok("/api/projects/mine", token);
  for (auto& p : mine["published"])
    if (p.value("title", "") == title)
      return std::to_string(p["id"].get<std::uint64_t>());
  ADD_FAILURE() << "alice has no project '" << title << "': " << mine.dump();
  return "0";
}

/// A user who only needs a session (no enrollment wait): registered, signed in.
std::string quick_user(gateway_client& api, const std::string& name) {
  auto r = api.post("/api/auth/register", {{"username", name}, {"password", "password of " + name}});
  EXPECT_EQ(r.status, 201) << r.body;
  return api.sign_in(name, "password of " + name);
}

TEST_F(AuthorizationMatrix, EveryRouteForEveryCaller) {
  auto alice = api.sign_up("alice");
  auto bob = api.sign_up("bob");
  auto admin = api.admin();
  ASSERT_FALSE(alice.empty() || bob.empty() || admin.empty());
  matrix_ids id;

  auto topup = api.write("/api/token/topup", {{"amount", 1000}}, alice);
  ASSERT_TRUE(landed(topup)) << topup.dump();
  id.task = std::to_string(topup["task"].get<std::uint64_t>());
  id.tx = topup["tx"].get<std::string>();
  id.address = api.ok("/api/me", alice)["address"].get<std::string>();

  ASSERT_TRUE(landed(api.write("/api/projects", project_body("Alice private round", "private"), alice)));
  ASSERT_TRUE(landed(api.write("/api/projects", project_body("Alice closed round", "public"), alice)));
  id.private_project = project_titled(api, alice, "Alice private round");
  id.delisted_project = project_titled(api, alice, "Alice closed round");
  ASSERT_TRUE(landed(api.write("/api/projects/" + id.delisted_project + "/delist", json(), alice)));

  json demand{{"description", "Looking for a robotics seed deal"}, {"details", "Ticket 50k, Europe"},
              {"keywords", {"robotics"}}, {"bounty", 10}, {"expires_in", 3600}};
  ASSERT_TRUE(landed(api.write("/api/demands", demand, alice)));
  auto published = api.ok("/api/demands/mine", alice)["published"];
  ASSERT_EQ(published.size(), 1u) << published.dump();
  id.demand = std::to_string(published[0]["id"].get<std::uint64_t>());
  const std::string bobs_answer = "Payly, Berlin, seed at 120k";
  ASSERT_TRUE(landed(api.write("/api/demands/" + id.demand + "/answers", {{"text", bobs_answer}}, bob)));

  id.requester = "carol";
  id.second_requester = "dave";
  for (auto& name : {id.requester, id.second_requester}) {
    auto token = quick_user(api, name);
    auto asked = api.post("/api/contacts/requests", {{"to", "alice"}}, token);
    ASSERT_EQ(asked.status, 200) << asked.body;
  }

  auto subjects = api.ok("/api/evaluations/subjects", alice)["subjects"];
  ASSERT_GE(subjects.size(), 2u) << subjects.dump();
  auto opened = api.post("/api/admin/evaluations",
                         {{"subjects", {subjects[0], subjects[1], "gateway"}}, {"closes_in_s", 600},
                          {"raters", {"alice"}}, {"dimensions", {"speed", "cost"}},
                          {"judgment", {{1, 3}, {1.0 / 3, 1}}}},
                         admin, {{"Idempotency-Key", "matrix-round"}});
  ASSERT_EQ(opened.status, 202) << opened.body;
  ASSERT_TRUE(landed(api.follow(opened.header("location"), admin)));
  id.round = std::to_string(json::parse(opened.body).at("round").get<std::uint64_t>());
  const json sheet{{9, 4}, {5, 5}, {3, 8}};
  id.sheet = json{{"scores", sheet}}.dump();
  ASSERT_TRUE(landed(api.write("/api/evaluations/" + id.round + "/scores", {{"scores", sheet}}, alice)));

  const auto table = authorization_table(id);

  // Completeness: every served and every documented route has exactly one
  // row, every row is a served route, and its target fits its pattern.
  std::set<route_key> rows, served_routes, missing;
  for (auto& r : served->http->routes())
    served_routes.emplace(r.method, r.pattern);
  auto documented = openapi_operations();
  ASSERT_GT(documented.size(), 40u) << "the docs/openapi.yaml scan found too few operations";
  for (auto& row : table) {
    EXPECT_TRUE(rows.emplace(row.method, row.pattern).second) << "two rows for " << row.method << " " << row.pattern;
    EXPECT_TRUE(served_routes.count({row.method, row.pattern})) << "a row for a route not served: " << row.method
                                                                << " " << row.pattern;
    EXPECT_TRUE(instance_of(row.pattern, row.target)) << row.target << " is not an instance of " << row.pattern;
  }
  for (auto* set : {&served_routes, &documented})
    for (auto& r : *set)
      if (!rows.count(r))
        missing.insert(r);
  std::string missing_text;
  for (auto& [method, path] : missing)
    missing_text += "\n  " + method + " " + path;
  EXPECT_TRUE(missing.empty()) << missing.size() << " route(s) have no row in authorization_table.hpp; add one with "
                               << "the expectation for each caller:" << missing_text;

  // The matrix. The owner goes last, so a caller who must be refused acts on
  // the resource before its owner changes it (a friend request accepted).
  const std::string tokens[] = {"", alice, bob, admin};
  const std::string passwords[] = {"", "password of alice", "password of bob", served->admin_password};
  std::size_t cells = 0, deny_cells = 0, denied = 0;
  std::vector<std::string> findings;
  for (auto& row : table) {
    int status[4] = {0, 0, 0, 0};
    for (int who : {anonymous, bob_caller, admin_caller, alice_caller}) {
      auto token = tokens[who];
      if (row.fresh_session && who != anonymous)
        token = api.sign_in(caller_names[who], passwords[who]);
      http_reply reply;
      if (row.stream)
        reply.status = stream_status(served->port(), row.target, token);
      else
        reply = row.method == "GET"      ? api.get(row.target, token)
                : row.method == "DELETE" ? api.request_delete(row.target, token)
                                         : api.post_text(row.target, row.body, token);
      status[who] = reply.status;
      auto e = expectation(row, who);
      ++cells;
      bool good = met(e, who, reply.status);
      if (must_deny(e)) {
        ++deny_cells;
        denied += good;
      }
      EXPECT_TRUE(good) << row.method << " " << row.target << " as " << caller_names[who] << ": expected "
                        << describe(e, who) << ", got " << reply.status << " " << reply.body.substr(0, 300);
    }
    std::printf("  %-4s %-44s anonymous %3d  alice %3d  bob %3d  admin %3d\n", row.method.c_str(),
                row.pattern.c_str(), status[anonymous], status[alice_caller], status[bob_caller],
                status[admin_caller]);
    if (!row.finding.empty())
      findings.push_back(row.method + " " + row.pattern + ": " + row.finding);
  }
  for (auto& f : findings)
    std::printf("finding: %s\n", f.c_str());
  std::printf("authorization matrix: %zu routes \u00d7 4 callers = %zu cells; %zu must-deny cells, %zu denied\n",
              table.size(), cells, deny_cells, denied);
  std::fflush(stdout);
  // bob's answer to alice's demand: its text for alice (the owner), the
  // admin and bob himself, for nobody else.
  for (auto [token, sees] : {std::pair{std::string(), false}, std::pair{alice, true}, std::pair{admin, true},
                             std::pair{bob, true}, std::pair{quick_user(api, "erin"), false}}) {
    auto seen = api.get("/api/demands/" + id.demand, token);
    EXPECT_EQ(seen.body.find(bobs_answer) != std::string::npos, sees) << seen.body;
    EXPECT_EQ(seen.body.find("text_hidden") != std::string::npos, !sees) << seen.body;
  }
  // What one of the findings looks like: bob reads alice's sheet of an open
  // round (a read may reach a node a block behind: asked again for a while).
  json alices_sheet = json::object();
  for (int i = 0; i < 50 && alices_sheet.value("submitted", false) == false; ++i) {
    alices_sheet = api.ok("/api/evaluations/" + id.round + "/raters/" + id.address, bob);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(alices_sheet.value("scores", json()), sheet) << alices_sheet.dump();

  EXPECT_EQ(cells, table.size() * 4);
  EXPECT_GT(deny_cells, 0u);
  EXPECT_EQ(denied, deny_cells) << "some cells that must be denied were let through";
}

} // namespace
} // namespace petrade::test
