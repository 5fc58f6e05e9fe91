// The authorization matrix of the gateway (issue 9, item 6): every route it
// serves × {anonymous, alice, bob, admin}, with what each caller must get.
// Used by authorization_matrix_test.cpp, which builds the resources named
// here (alice's projects, demand, task, an evaluation round) and fills their
// ids in before asking.
//
// Expectations:
//   allow  the auth layer lets the caller through: anything but 401/403 (and
//          not a 5xx); a minimal body may well make it a 400/404/409
//   ok     allowed and answered 2xx: used for the owner where another caller
//          is `hide`, so that the other's 404 is about ownership, not a typo
//   deny   refused for who the caller is: 401 when anonymous, 403 when signed in
//   hide   refused by answering 404 as if the resource did not exist (someone
//          else's private project, task or friend request: ids are guessable)
// `deny` and `hide` cells are the must-deny cells.
//
// A `// finding:` comment marks a cell where the platform today allows what a
// user of such a platform would expect to be refused; the cell asserts today's
// behaviour so the suite stays green, and `finding` says it at run time.
#pragma once

#include <string>
#include <vector>

namespace petrade::test {

enum class expect { allow, ok, deny, hide };

/// What the test built before the matrix runs; every id belongs to alice
/// unless its name says otherwise.
struct matrix_ids {
  std::string private_project;    // alice's, visibility "private", listed
  std::string delisted_project;   // alice's, public, already delisted
  std::string demand;             // alice's open demand, answered once by bob
  std::string task;               // alice's top-up task
  std::string tx;                 // that task's transaction hash
  std::string address;            // alice's address (EIP-55)
  std::string round;              // an open evaluation round whose only rater is alice
  std::string sheet;              // a valid score sheet for that round (JSON); alice sent hers
  std::string requester;          // a user whose friend request to alice is pending (accept row)
  std::string second_requester;   // another one (decline row)
};

struct matrix_row {
  std::string method;
  std::string pattern;   // as the router and docs/openapi.yaml name it
  std::string target;    // with ids filled in
  std::string body;      // POST body as JSON text ("" = none)
  expect anonymous, alice, bob, admin;
  std::string finding = {};       // why a cell above looks wrong today
  bool fresh_session = false;     // signed callers use a session of their own (logout)
  bool stream = false;            // an event stream: only its status line is read
};

/// A body no route accepts: the gateway checks bodies after the caller, so
/// an allowed caller gets 400 and nothing is written (admin writes, mostly).
inline const std::string probe = R"({"authorization_probe":true})";

inline std::vector<matrix_row> authorization_table(const matrix_ids& id) {
  using enum expect;
  const std::string p = "/api/projects/" + id.private_project;
  const std::string d = "/api/demands/" + id.demand;
  const std::string r = "/api/evaluations/" + id.round;
  const std::string rpc = R"({"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"})";
  // clang-format off
  return {
    // method, pattern, target, body,                     anonymous, alice, bob, admin
    {"GET",  "/api/health", "/api/health", "",                               allow, allow, allow, allow},
    {"POST", "/api/auth/register", "/api/auth/register", "{}",               allow, allow, allow, allow},
    {"POST", "/api/auth/login", "/api/auth/login", "{}",                     allow, allow, allow, allow},
    {"POST", "/api/auth/logout", "/api/auth/logout", "",                     deny,  ok,    ok,    ok, {}, true},
    {"GET",  "/api/me", "/api/me", "",                                       deny,  ok,    ok,    ok},
    {"GET",  "/api/users", "/api/users?query=a", "",                         deny,  ok,    ok,    ok},
    {"GET",  "/api/contacts", "/api/contacts", "",                           deny,  ok,    ok,    ok},
    {"GET",  "/api/contacts/requests", "/api/contacts/requests", "",         deny,  ok,    ok,    ok},
    {"POST", "/api/contacts/requests", "/api/contacts/requests", "{}",       deny,  allow, allow, allow},
    // Requests are answered by the one they are addressed to: the caller is
    // the addressee, so bob (or an admin) finds no such request.
    {"POST", "/api/contacts/requests/{from}/accept",
             "/api/contacts/requests/" + id.requester + "/accept", "",      deny,  ok,    hide,  hide},
    {"POST", "/api/contacts/requests/{from}/decline",
             "/api/contacts/requests/" + id.second_requester + "/decline", "", deny, ok,   hide,  hide},
    // Token reads are the caller's own; no parameter names another user
    // (?username= is refused as unknown by the body rules).
    {"GET",  "/api/token/balance", "/api/token/balance", "",                 deny,  ok,    ok,    ok},
    {"GET",  "/api/token/bill", "/api/token/bill", "",                       deny,  ok,    ok,    ok},
    {"POST", "/api/token/topup", "/api/token/topup", "{}",                   deny,  allow, allow, allow},
    {"POST", "/api/token/transfer", "/api/token/transfer", "{}",             deny,  allow, allow, allow},
    {"POST", "/api/token/burn", "/api/token/burn", "{}",                     deny,  allow, allow, allow},
    {"GET",  "/api/projects", "/api/projects", "",                           ok,    ok,    ok,    ok},
    {"POST", "/api/projects", "/api/projects", "{}",                         deny,  allow, allow, allow},
    {"GET",  "/api/projects/mine", "/api/projects/mine", "",                 deny,  ok,    ok,    ok},
    // Admins see every project, private ones too (moderation).
    {"GET",  "/api/projects/{id}", p, "",                                    hide,  ok,    hide,  ok},
    // alice: 409 (her own); bob: the project is invisible to him.
    {"POST", "/api/projects/{id}/buy", p + "/buy", "",                       deny,  allow, hide,
             allow,   // finding: an admin may buy a private project (402 here only for want of tokens)
     "an admin sees private projects and so may also BUY one: visibility's admin bypass reaches purchases"},
    // Only the seller or a buyer; an admin has not bought it.
    {"GET",  "/api/projects/{id}/file", p + "/file", "",                     deny,  ok,    hide,  deny},
    // alice: 409 (already delisted); nobody but the seller, admins included.
    {"POST", "/api/projects/{id}/delist", "/api/projects/" + id.delisted_project + "/delist", "",
                                                                             deny,  allow, deny,  deny},
    {"GET",  "/api/demands", "/api/demands", "",                             ok,    ok,    ok,    ok},
    {"POST", "/api/demands", "/api/demands", "{}",                           deny,  allow, allow, allow},
    {"GET",  "/api/demands/mine", "/api/demands/mine", "",                   deny,  ok,    ok,    ok},
    // Anyone sees the demand; the answers' texts only its owner, an admin
    // and each answerer their own (checked after the matrix).
    {"GET",  "/api/demands/{id}", d, "",                                     ok,    ok,    ok,    ok},
    // Anyone signed in may answer (a 3-letter text is refused as too short).
    {"POST", "/api/demands/{id}/answers", d + "/answers", R"({"text":"abc"})", deny, allow, allow, allow},
    // alice: 404 (no answer 99); only the owner awards, admins included.
    {"POST", "/api/demands/{id}/award", d + "/award", R"({"index":99})",    deny,  allow, deny,  deny},
    // Someone else's task is answered like a missing one; admins follow any.
    {"GET",  "/api/tasks/{id}", "/api/tasks/" + id.task, "",                deny,  ok,    hide,  ok},
    {"GET",  "/api/chain/head", "/api/chain/head", "",                       ok,    ok,    ok,    ok},
    {"GET",  "/api/chain/gas_price", "/api/chain/gas_price", "",             ok,    ok,    ok,    ok},
    {"GET",  "/api/chain/blocks/{ref}", "/api/chain/blocks/1", "",           ok,    ok,    ok,    ok},
    // Any node answers a read; one a block behind says 404, which is no refusal.
    {"GET",  "/api/chain/transactions/{hash}", "/api/chain/transactions/" + id.tx, "", allow, allow, allow, allow},
    {"GET",  "/api/chain/receipts/{hash}", "/api/chain/receipts/" + id.tx, "", allow, allow, allow, allow},
    {"GET",  "/api/chain/balances/{address}", "/api/chain/balances/" + id.address, "", ok, ok, ok, ok},
    {"GET",  "/api/indexer", "/api/indexer", "",                             ok,    ok,    ok,    ok},
    {"GET",  "/api/admin/accounts", "/api/admin/accounts", "",               deny,  deny,  deny,  ok},
    {"POST", "/api/admin/accounts", "/api/admin/accounts", probe,            deny,  deny,  deny,  allow},
    {"POST", "/api/admin/accounts/{address}/unlock", "/api/admin/accounts/" + id.address + "/unlock", probe,
                                                                             deny,  deny,  deny,  allow},
    {"GET",  "/api/admin/token", "/api/admin/token", "",                     deny,  deny,  deny,  ok},
    {"POST", "/api/admin/token/mint", "/api/admin/token/mint", probe,        deny,  deny,  deny,  allow},
    {"POST", "/api/admin/token/pause", "/api/admin/token/pause", probe,      deny,  deny,  deny,  allow},
    {"POST", "/api/admin/token/unpause", "/api/admin/token/unpause", probe,  deny,  deny,  deny,  allow},
    {"POST", "/api/admin/token/freeze", "/api/admin/token/freeze", probe,    deny,  deny,  deny,  allow},
    {"POST", "/api/admin/token/unfreeze", "/api/admin/token/unfreeze", probe, deny, deny,  deny,  allow},
    {"POST", "/api/admin/token/forced_transfer", "/api/admin/token/forced_transfer", probe,
                                                                             deny,  deny,  deny,  allow},
    {"GET",  "/api/admin/refunds", "/api/admin/refunds", "",                 deny,  deny,  deny,  ok},
    {"POST", "/api/admin/chain/deploy", "/api/admin/chain/deploy", probe,    deny,  deny,  deny,  allow},
    {"GET",  "/api/evaluations", "/api/evaluations", "",                     deny,  ok,    ok,    ok},
    {"GET",  "/api/evaluations/subjects", "/api/evaluations/subjects", "",   deny,  ok,    ok,    ok},
    {"GET",  "/api/evaluations/{round}", r, "",                              deny,  ok,    ok,    ok},
    {"GET",  "/api/evaluations/{round}/raters/{address}", r + "/raters/" + id.address, "",
             deny, ok,
             ok,      // finding: another user reads alice's sheet while the round is still open
             ok,
     "any signed-in user reads any rater's sheet while the round is open (documented; the sheet is on "
     "chain, so /rpc eth_call scoresOf shows it too)"},
    // Only the round's raters: bob and the admin are not. alice: 409, she
    // rated already (the rater check comes first).
    {"POST", "/api/evaluations/{round}/scores", r + "/scores", id.sheet,     deny,  allow, deny,  deny},
    {"POST", "/api/admin/evaluations", "/api/admin/evaluations", probe,      deny,  deny,  deny,  allow},
    {"POST", "/api/admin/evaluations/{round}/close", "/api/admin/evaluations/" + id.round + "/close", probe,
                                                                             deny,  deny,  deny,  allow},
    {"GET",  "/api/cluster", "/api/cluster", "",                             deny,  deny,  deny,  ok},
    {"GET",  "/api/cluster/stream", "/api/cluster/stream", "",               deny,  deny,  deny,  ok, {}, false, true},
    {"POST", "/api/cluster/nodes", "/api/cluster/nodes", probe,               deny,  deny,  deny,  allow},
    {"GET",  "/api/admin/gateway", "/api/admin/gateway", "",                 deny,  deny,  deny,  ok},
    {"POST", "/api/admin/gateway/groups/{group}", "/api/admin/gateway/groups/web", probe,
                                                                             deny,  deny,  deny,  allow},
    {"POST", "/api/admin/gateway/limits", "/api/admin/gateway/limits", probe, deny,  deny,  deny,  allow},
    {"DELETE", "/api/cluster/nodes/{node}", "/api/cluster/nodes/nodeX", "",   deny,  deny,  deny,  allow},
    {"POST", "/api/cluster/nodes/{node}/cordon", "/api/cluster/nodes/nodeX/cordon", "",
                                                                             deny,  deny,  deny,  allow},
    {"POST", "/api/cluster/nodes/{node}/uncordon", "/api/cluster/nodes/nodeX/uncordon", "",
                                                                             deny,  deny,  deny,  allow},
    {"POST", "/rpc", "/rpc", rpc,
             ok,      // finding: the JSON-RPC proxy needs no session (docs/gateway.md "Not yet")
             ok, ok, ok,
     "/rpc is open to anonymous callers: reads of any contract state and raw transactions, rate limit only"},
    {"GET",  "/metrics", "/metrics", "",
             ok,      // finding: without metrics_token_file (the default) anyone reads the operational metrics
             ok, ok, ok,
     "/metrics needs no credentials unless metrics_token_file is set, which is not the default"},
  };
  // clang-format on
}

} // namespace petrade::test
