#include "actors/evaluation_chain.hpp"

#include "actors/business_kit.hpp"
#include "actors/evaluation_rounds.hpp"
#include "protocol/eth/abi_event.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/uint256.hpp"

#include <caf/all.hpp>

#include <memory>

namespace petrade::evaluation {

using json = nlohmann::json;

round_info decode_info(const eth::abi::contract_abi& abi, std::uint64_t id, const eth::bytes& out) {
  auto v = abi.function("roundInfo").decode_output(out);
  round_info r;
  r.id = id;
  for (auto& w : v.at(0).as_list())
    r.subjects.push_back(name_of(w.as_bytes()));
  for (auto& w : v.at(1).as_list())
    r.dimensions.push_back(name_of(w.as_bytes()));
  r.closes_at = v.at(2).as_uint().convert_to<std::int64_t>();
  r.closed = v.at(3).as_bool();
  r.raters = v.at(4).as_uint().convert_to<std::uint64_t>();
  r.submissions = v.at(5).as_uint().convert_to<std::uint64_t>();
  return r;
}

json summary(const round_info& r, std::int64_t now) {
  return {{"round", r.id},
          {"subjects", r.subjects},
          {"dimensions", r.dimensions},
          {"closes_at", r.closes_at},
          {"closed", r.closed},
          {"open", !r.closed && now < r.closes_at},
          {"raters", r.raters},
          {"submissions", r.submissions}};
}

void views(caf::event_based_actor* self, const chain::access& chain, const eth::address& to,
           std::vector<eth::bytes> calls, std::function<void(std::vector<eth::bytes>)> ok,
           chain::failed fail) {
  struct gather {
    std::vector<eth::bytes> out;
    std::size_t left = 0;
    bool failed = false;
  };
  if (calls.empty())
    return ok({});
  auto g = std::make_shared<gather>();
  g->out.resize(calls.size());
  g->left = calls.size();
  for (std::size_t i = 0; i < calls.size(); ++i)
    chain::view(
      self, chain, to, calls[i],
      [g, i, ok](const eth::bytes& b) {
        if (g->failed)
          return;
        g->out[i] = b;
        if (--g->left == 0)
          ok(std::move(g->out));
      },
      [g, fail](const chain::failure& f) {
        if (!g->failed) {
          g->failed = true;
          fail(f);
        }
      });
}

void chain_time(caf::event_based_actor* self, const chain::access& chain,
                std::function<void(std::int64_t)> ok, chain::failed fail) {
  chain::read(
    self, chain, "eth_getBlockByNumber", json::array({"latest", false}),
    [ok, fail](const json& block) {
      std::int64_t ts = 0;
      try {
        ts = static_cast<std::int64_t>(eth::from_quantity(block.at("timestamp").get<std::string>()));
      } catch (const std::exception& e) {
        return fail(chain::failure{business_error::chain, std::string("unreadable latest block: ") + e.what(), ""});
      }
      ok(ts);
    },
    fail);
}

json sheet_filter(const eth::abi::contract_abi& abi, const eth::address& contract, std::uint64_t from_block,
                  std::uint64_t round, const eth::address& rater) {
  auto word = [](const eth::uint256& x) { return eth::to_hex(eth::to_be32(x)); };
  return {{"address", contract.hex()},
          {"fromBlock", eth::to_quantity(from_block)},
          {"toBlock", "latest"},
          {"topics",
           {eth::to_hex(abi.find_event("ScoresSubmitted")->topic0()), word(round), word(eth::from_be(rater.view()))}}};
}

json sheet_event(const eth::abi::contract_abi& abi, const json& logs, std::vector<std::uint8_t>& scores) {
  if (!logs.is_array() || logs.empty())
    return nullptr;
  auto& l = logs.back();
  std::vector<eth::hash256> topics;
  for (auto& t : l.at("topics"))
    topics.push_back(eth::from_hex_fixed<32>(t.get<std::string>()));
  auto data = eth::from_hex(l.at("data").get<std::string>());
  for (auto& f : eth::abi::decode_log(*abi.find_event("ScoresSubmitted"), topics, data))
    if (f.name == "scores")
      for (auto& x : f.value.as_list())
        scores.push_back(x.as_uint().convert_to<std::uint8_t>());
  return {{"block", static_cast<std::uint64_t>(eth::from_quantity(l.at("blockNumber").get<std::string>()))},
          {"tx", l.at("transactionHash")}};
}

std::function<void(const chain::failure&)> failed_for(caf::response_promise rp, std::uint64_t round) {
  return [rp, round](const chain::failure& f) mutable {
    if (f.revert_reason == "no such round")
      rp.deliver(fail_reply(business_error::not_found, "no evaluation round " + std::to_string(round)));
    else
      rp.deliver(chain::reply_of(f));
  };
}

} // namespace petrade::evaluation
