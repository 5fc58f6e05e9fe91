#include "actors/evaluation_actor.hpp"

#include "actors/business_calls.hpp"
#include "actors/business_ops.hpp"
#include "actors/evaluation_chain.hpp"
#include "actors/evaluation_rounds.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/messages.hpp"
#include "storage/database.hpp"

#include <caf/all.hpp>

#include <map>
#include <set>

namespace petrade {

namespace {

using json = nlohmann::json;
using promise = caf::response_promise;
namespace ev = evaluation;
using abi_value = eth::abi::value;

struct eval_state {
  evaluation_config cfg;
  const eth::abi::contract_abi* abi = nullptr;
  /// Sheets sent and not failed, (round, rater): a second one is refused at
  /// once, even while the first is not mined or a node still lags behind.
  std::set<std::pair<std::uint64_t, std::string>> sent;
  /// Work to run later (a receipt a lagging node does not have yet).
  std::map<std::uint64_t, std::function<void()>> later;
  std::uint64_t next_later = 0;
  static inline const char* name = "evaluation";
};

using eval_actor = caf::stateful_actor<eval_state>;

void log(eval_actor* self, const std::string& level, const std::string& text) {
  if (self->state.cfg.log)
    self->state.cfg.log(level, text);
}

void run_later(eval_actor* self, std::chrono::milliseconds delay, std::function<void()> fn) {
  auto id = ++self->state.next_later;
  self->state.later[id] = std::move(fn);
  self->delayed_send(self, delay, tick_atom_v, id);
}

/// Zero-padded so that a prefix scan lists rounds in order.
std::string record_key(std::uint64_t round) {
  auto n = std::to_string(round);
  return "evaluation/" + std::string(20 - n.size(), '0') + n;
}

json record_of(eval_actor* self, std::uint64_t round) {
  auto text = self->state.cfg.db->get(storage::column::read_models, record_key(round));
  return text ? json::parse(*text, nullptr, false) : json::object();
}

const eth::abi::function_desc& fn(eval_actor* self, const char* name) {
  return self->state.abi->function(name);
}

/// eth_calls of the Evaluation contract at once (evaluation_chain.hpp).
void views(eval_actor* self, std::vector<eth::bytes> calls, std::function<void(std::vector<eth::bytes>)> ok,
           chain::failed fail) {
  ev::views(self, self->state.cfg.chain, self->state.cfg.contracts.evaluation, std::move(calls), std::move(ok),
            std::move(fail));
}

void chain_time(eval_actor* self, std::function<void(std::int64_t)> ok, chain::failed fail) {
  ev::chain_time(self, self->state.cfg.chain, std::move(ok), std::move(fail));
}

std::optional<std::uint64_t> round_param(const json& body, promise rp) {
  auto it = body.find("round");
  if (it == body.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() == 0) {
    deliver(rp, fail_reply(business_error::invalid, "'round' must be a round number from 1"));
    return std::nullopt;
  }
  return it->get<std::uint64_t>();
}

/// A platform write to the Evaluation contract (the platform is its admin).
write_request admin_call(eval_actor* self, const eth::bytes& data, std::string key, std::uint64_t gas = 0) {
  auto req = chain::contract_call(self->state.cfg.contracts.platform, self->state.cfg.contracts.evaluation,
                                  data, std::move(key));
  req.gas_limit = gas;
  return req;
}

/// The round number a mined openRound produced, from its RoundOpened log. A
/// node that has not imported the block yet answers null: asked again.
void round_of(eval_actor* self, std::string tx, int attempts, std::function<void(std::uint64_t)> ok,
              chain::failed fail) {
  chain::read(
    self, self->state.cfg.chain, "eth_getTransactionReceipt", json::array({tx}),
    [=](const json& receipt) {
      if (receipt.is_null()) {
        if (attempts <= 0)
          return fail(chain::failure{business_error::chain, "no receipt for " + tx, ""});
        return run_later(self, std::chrono::milliseconds(100),
                         [=] { round_of(self, tx, attempts - 1, ok, fail); });
      }
      auto& opened = *self->state.abi->find_event("RoundOpened");
      auto topic = eth::to_hex(opened.topic0());
      for (auto& l : receipt.value("logs", json::array())) {
        auto topics = l.value("topics", json::array());
        if (topics.size() == 2 && topics[0] == topic)
          return ok(eth::from_be(eth::from_hex(topics[1].get<std::string>())).convert_to<std::uint64_t>());
      }
      fail(chain::failure{business_error::chain, "openRound " + tx + " emitted no RoundOpened", ""});
    },
    fail);
}

void open(eval_actor* self, const business_call& c, const json& body, promise rp) {
  ev::open_request req;
  try {
    req = ev::parse_open(body);
  } catch (const ev::evaluation_error& e) {
    return deliver(rp, fail_reply(business_error::invalid, e.what()));
  }
  auto key = user_key(c, body);
  auto fail = [rp](const chain::failure& f) { deliver(rp, chain::reply_of(f)); };
  business::addresses_of(
    self, self->state.cfg.accounts, req.raters,
    [=](const std::map<std::string, eth::address>& found) {
      std::vector<abi_value> raters;
      json rater_docs = json::array();
      for (auto& name : req.raters) {
        auto it = found.find(name);
        if (it == found.end())
          return deliver(rp, fail_reply(business_error::invalid, "rater '" + name + "' is not a user"));
        raters.emplace_back(it->second);
        rater_docs.push_back({{"user", name}, {"address", it->second.hex()}});
      }
      chain_time(self, [=](std::int64_t now) {
        std::vector<abi_value> subjects, dimensions;
        for (auto& s : req.subjects)
          subjects.emplace_back(ev::name_word(s, s));
        for (auto& d : req.dimensions)
          dimensions.emplace_back(ev::name_word(d, d));
        auto closes_at = static_cast<std::uint64_t>(now + req.closes_in_s);
        auto data = fn(self, "openRound").encode_call({abi_value::list(subjects), abi_value::list(dimensions), closes_at});
        chain::write(self, self->state.cfg.chain, admin_call(self, data, key.empty() ? key : "evaluation.open:" + key),
          [=](const write_status& s) {
            // The raters are authorised by round number, known once mined.
            chain::settle(self, self->state.cfg.chain, s.task_id, [=](const write_status& done) {
              if (done.state == "failed")
                return deliver(rp, fail_reply(business_error::conflict, "openRound failed: " + done.error));
              round_of(self, done.tx_hash, 50, [=](std::uint64_t round) {
                json record{{"round", round}, {"subjects", req.subjects}, {"dimensions", req.dimensions},
                            {"judgment", req.judgment}, {"raters", rater_docs}, {"opened_by", c.user},
                            {"open_tx", done.tx_hash}};
                self->state.cfg.db->put(storage::column::read_models, record_key(round), record.dump());
                auto auth = fn(self, "authorise").encode_call({round, abi_value::list(raters)});
                auto auth_key = "evaluation.authorise:" + self->state.cfg.contracts.evaluation.hex() + ":" +
                                std::to_string(round);
                // Gas given, not estimated: a node a block behind has no round yet.
                chain::write(self, self->state.cfg.chain, admin_call(self, auth, auth_key, 80000 + 80000 * raters.size()),
                  [=](const write_status& a) {
                    auto out = chain::task_json(a);
                    out["round"] = round;
                    out["open_task"] = done.task_id;
                    out["open_tx"] = done.tx_hash;
                    log(self, "info", "round " + std::to_string(round) + " opened by " + c.user);
                    deliver(rp, ok_reply(out));
                  }, fail);
              }, fail);
            }, fail, self->state.cfg.chain.timeout);
          }, fail);
      }, fail);
    },
    [rp](const business_reply& r) { deliver(rp, r); });
}

void rate(eval_actor* self, const business_call& c, const json& body, promise rp) {
  auto round = round_param(body, rp);
  if (!round)
    return;
  auto key = user_key(c, body);
  business::signer(
    self, self->state.cfg.accounts, c.user,
    [=](const eth::address& me) {
      auto fail = ev::failed_for(rp, *round);
      chain_time(self, [=](std::int64_t now) {
        views(self, {fn(self, "roundInfo").encode_call({*round}), fn(self, "isRater").encode_call({*round, me}),
                     fn(self, "scoresOf").encode_call({*round, me})},
          [=](std::vector<eth::bytes> out) {
            auto info = ev::decode_info(*self->state.abi, *round, out[0]);
            auto name = "round " + std::to_string(*round);
            if (info.closed)
              return deliver(rp, fail_reply(business_error::conflict, name + " is closed"));
            if (now >= info.closes_at)
              return deliver(rp, fail_reply(business_error::conflict, name + " has expired"));
            std::vector<std::uint8_t> sheet;
            try {
              sheet = ev::parse_sheet(body, info.subjects.size(), info.dimensions.size());
            } catch (const ev::evaluation_error& e) {
              return deliver(rp, fail_reply(business_error::invalid, e.what()));
            }
            if (!fn(self, "isRater").decode_output(out[1]).at(0).as_bool())
              return deliver(rp, fail_reply(business_error::forbidden, "you are not a rater of " + name));
            auto mark = std::make_pair(*round, me.hex());
            if (fn(self, "scoresOf").decode_output(out[2]).at(0).as_bool() || self->state.sent.count(mark))
              return deliver(rp, fail_reply(business_error::conflict, "you already submitted your scores for " + name));
            std::vector<abi_value> scores(sheet.begin(), sheet.end());
            auto data = fn(self, "submit").encode_call({*round, abi_value::list(scores)});
            auto req = chain::contract_call(me, self->state.cfg.contracts.evaluation, data, key);
            // Storage, log and calldata grow with the sheet; given so that a
            // lagging node's estimate cannot refuse a valid sheet.
            req.gas_limit = 120000 + 1000 * sheet.size() + 25000 * ((sheet.size() + 31) / 32);
            self->state.sent.insert(mark);
            chain::write(self, self->state.cfg.chain, req,
              [=](const write_status& s) {
                deliver(rp, ok_reply(chain::task_json(s)));
                chain::settle(self, self->state.cfg.chain, s.task_id,
                  [=](const write_status& done) {
                    if (done.state == "failed")
                      self->state.sent.erase(mark);
                  },
                  [](const chain::failure&) {}, std::chrono::minutes(5));
              },
              [=](const chain::failure& f) {
                self->state.sent.erase(mark);
                deliver(rp, chain::reply_of(f));
              });
          }, fail);
      }, fail);
    },
    [rp](const business_reply& r) { deliver(rp, r); });
}

void close(eval_actor* self, const business_call& c, const json& body, promise rp) {
  auto round = round_param(body, rp);
  if (!round)
    return;
  auto key = user_key(c, body);
  views(self, {fn(self, "roundInfo").encode_call({*round})},
    [=](std::vector<eth::bytes> out) {
      if (ev::decode_info(*self->state.abi, *round, out[0]).closed)
        return deliver(rp, fail_reply(business_error::conflict, "round " + std::to_string(*round) + " is closed"));
      auto data = fn(self, "close").encode_call({*round});
      chain::write_and_reply(self, self->state.cfg.chain,
                             admin_call(self, data, key.empty() ? key : "evaluation.close:" + key, 100000), rp);
    },
    ev::failed_for(rp, *round));
}

void list(eval_actor* self, const business_call&, const json&, promise rp) {
  auto fail = [rp](const chain::failure& f) { deliver(rp, chain::reply_of(f)); };
  chain_time(self, [=](std::int64_t now) {
    views(self, {fn(self, "roundCount").encode_call({})}, [=](std::vector<eth::bytes> out) {
      auto count = fn(self, "roundCount").decode_output(out[0]).at(0).as_uint().convert_to<std::uint64_t>();
      // Newest first, the latest 200: older rounds stay readable one by one.
      std::vector<eth::bytes> calls;
      for (auto r = count; r >= 1 && calls.size() < 200; --r)
        calls.push_back(fn(self, "roundInfo").encode_call({r}));
      views(self, calls, [=](std::vector<eth::bytes> infos) {
        json rounds = json::array();
        for (std::size_t i = 0; i < infos.size(); ++i)
          rounds.push_back(ev::summary(ev::decode_info(*self->state.abi, count - i, infos[i]), now));
        deliver(rp, ok_reply(json{{"rounds", rounds}, {"total", count}, {"chain_time", now}}));
      }, fail);
    }, fail);
  }, fail);
}

void get(eval_actor* self, const business_call&, const json& body, promise rp) {
  auto round = round_param(body, rp);
  if (!round)
    return;
  auto fail = ev::failed_for(rp, *round);
  chain_time(self, [=](std::int64_t now) {
    views(self, {fn(self, "roundInfo").encode_call({*round}), fn(self, "ratersOf").encode_call({*round})},
      [=](std::vector<eth::bytes> out) {
        auto info = ev::decode_info(*self->state.abi, *round, out[0]);
        std::vector<eth::address> raters;
        std::vector<eth::bytes> calls;
        auto listed = fn(self, "ratersOf").decode_output(out[1]);   // kept alive for the loop
        for (auto& a : listed.at(0).as_list()) {
          raters.push_back(a.as_address());
          calls.push_back(fn(self, "scoresOf").encode_call({*round, a.as_address()}));
        }
        views(self, calls, [=](std::vector<eth::bytes> sheets_out) {
          auto record = record_of(self, *round);
          std::map<std::string, std::string> users;
          for (auto& r : record.value("raters", json::array()))
            users[r.value("address", "")] = r.value("user", "");
          json rater_docs = json::array();
          std::vector<std::vector<std::uint8_t>> sheets;
          for (std::size_t i = 0; i < raters.size(); ++i) {
            auto v = fn(self, "scoresOf").decode_output(sheets_out[i]);
            bool submitted = v.at(0).as_bool();
            auto user = users.count(raters[i].hex()) ? json(users[raters[i].hex()]) : json(nullptr);
            rater_docs.push_back({{"user", user}, {"address", raters[i].hex()}, {"submitted", submitted}});
            if (!submitted)
              continue;
            std::vector<std::uint8_t> sheet;
            for (auto& x : v.at(1).as_list())
              sheet.push_back(x.as_uint().convert_to<std::uint8_t>());
            sheets.push_back(sheet);
          }
          json doc = ev::summary(info, now);
          try {
            auto judgment = ev::judgment_for(record, info.dimensions);
            doc.update(ev::analyse(info.subjects, info.dimensions, judgment, sheets));
            doc["judgment"] = judgment;
          } catch (const std::exception& e) {
            return deliver(rp, fail_reply(business_error::invalid, "round " + std::to_string(*round) +
                                                                     " cannot be evaluated: " + e.what()));
          }
          doc["raters"] = rater_docs;
          doc["raters_count"] = info.raters;
          doc["chain_time"] = now;
          deliver(rp, ok_reply(doc));
        }, fail);
      }, fail);
  }, fail);
}

void verify(eval_actor* self, const business_call&, const json& body, promise rp) {
  auto round = round_param(body, rp);
  if (!round)
    return;
  eth::address rater;
  try {
    rater = eth::address::parse(body.value("address", std::string()));
  } catch (const std::exception& e) {
    return deliver(rp, fail_reply(business_error::invalid, std::string("'address' is not an address: ") + e.what()));
  }
  auto fail = ev::failed_for(rp, *round);
  views(self, {fn(self, "roundInfo").encode_call({*round}), fn(self, "scoresOf").encode_call({*round, rater})},
    [=](std::vector<eth::bytes> out) {
      auto info = ev::decode_info(*self->state.abi, *round, out[0]);
      auto v = fn(self, "scoresOf").decode_output(out[1]);
      std::vector<std::uint8_t> now_scores;
      for (auto& x : v.at(1).as_list())
        now_scores.push_back(x.as_uint().convert_to<std::uint8_t>());
      auto& cfg = self->state.cfg;
      auto filter = ev::sheet_filter(*self->state.abi, cfg.contracts.evaluation, cfg.contracts.from_block, *round, rater);
      chain::read(self, cfg.chain, "eth_getLogs", json::array({filter}), [=](const json& logs) {
        auto dims = info.dimensions.size();
        json doc{{"round", *round}, {"rater", rater.hex()}, {"user", nullptr}, {"submitted", v.at(0).as_bool()},
                 {"scores", ev::as_rows(now_scores, dims)}, {"event", nullptr}, {"matches", false}};
        for (auto& r : record_of(self, *round).value("raters", json::array()))
          if (r.value("address", "") == rater.hex())
            doc["user"] = r.value("user", "");
        std::vector<std::uint8_t> logged;
        auto event = ev::sheet_event(*self->state.abi, logs, logged);
        if (!event.is_null()) {
          event["scores"] = ev::as_rows(logged, dims);
          doc["event"] = event;
          // What the chain holds now against what was emitted when it was sent.
          doc["matches"] = v.at(0).as_bool() && logged == now_scores;
        }
        deliver(rp, ok_reply(doc));
      }, fail);
    }, fail);
}

void subjects(eval_actor* self, const business_call&, const json&, promise rp) {
  deliver(rp, ok_reply(json{{"subjects", ev::suggested_subjects(self->state.cfg.node_names, self->state.cfg.in_worker)},
                            {"dimensions", ev::default_dimensions()}, {"judgment", ev::default_judgment()}}));
}

const business_op<eval_actor> ops[] = {
  {"evaluation.open", caller::admin, open},     {"evaluation.rate", caller::user, rate},
  {"evaluation.close", caller::admin, close},   {"evaluation.list", caller::user, list},
  {"evaluation.get", caller::user, get},        {"evaluation.verify", caller::user, verify},
  {"evaluation.subjects", caller::user, subjects},
};

caf::behavior evaluation_behavior(eval_actor* self, evaluation_config cfg) {
  self->state.abi = &load_market_abis().evaluation;
  self->state.cfg = std::move(cfg);
  return {
    [self](call_atom, business_call& c) { return dispatch<eval_actor>(self, c, ops); },
    [self](tick_atom, std::uint64_t id) {
      auto node = self->state.later.extract(id);
      if (!node.empty())
        node.mapped()();
    },
  };
}

} // namespace

caf::actor spawn_evaluation_actor(caf::actor_system& sys, evaluation_config cfg) {
  if (!cfg.db)
    throw std::invalid_argument("evaluation actor: a database is required");
  return sys.spawn(evaluation_behavior, std::move(cfg));
}

} // namespace petrade
