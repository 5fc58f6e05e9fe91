// How the evaluation actor reads the Evaluation contract: eth_calls through
// the dispatcher (read tasks, so they are balanced like every other read),
// several at once when a page needs them, and the chain's clock. The chain
// is the source of truth for scores; these helpers only fetch and decode.
#pragma once

#include "actors/chain_access.hpp"
#include "protocol/eth/abi_json.hpp"

#include <caf/fwd.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace petrade::evaluation {

/// roundInfo(round) decoded; names read back from their bytes32 words.
struct round_info {
  std::uint64_t id = 0;
  std::vector<std::string> subjects, dimensions;
  std::int64_t closes_at = 0;
  bool closed = false;
  std::uint64_t raters = 0, submissions = 0;
};

round_info decode_info(const eth::abi::contract_abi& abi, std::uint64_t id, const eth::bytes& out);

/// {round, subjects, dimensions, closes_at, closed, open, raters, submissions}
/// with `open` judged against the chain time `now`.
nlohmann::json summary(const round_info& r, std::int64_t now);

/// eth_calls of `calls` on `to` in parallel; `ok` gets every answer in
/// order, or `fail` the first failure (once).
void views(caf::event_based_actor* self, const chain::access& chain, const eth::address& to,
           std::vector<eth::bytes> calls, std::function<void(std::vector<eth::bytes>)> ok,
           chain::failed fail);

/// The latest block's timestamp: "now" on the chain's clock, which the
/// contract's closing times use.
void chain_time(caf::event_based_actor* self, const chain::access& chain,
                std::function<void(std::int64_t)> ok, chain::failed fail);

/// The eth_getLogs filter of rater `rater`'s ScoresSubmitted in `round`.
nlohmann::json sheet_filter(const eth::abi::contract_abi& abi, const eth::address& contract,
                            std::uint64_t from_block, std::uint64_t round, const eth::address& rater);

/// The ScoresSubmitted log an eth_getLogs answer holds (the contract allows
/// one per rater and round): its flat scores in `scores` and {block, tx}, or
/// null when there is none.
nlohmann::json sheet_event(const eth::abi::contract_abi& abi, const nlohmann::json& logs,
                           std::vector<std::uint8_t>& scores);

/// A failure reading round `round` as an answer: the contract's "no such
/// round" is a 404, anything else as chain::reply_of says.
std::function<void(const chain::failure&)> failed_for(caf::response_promise rp, std::uint64_t round);

} // namespace petrade::evaluation
