#include "devnet/chain_sync.hpp"

#include "protocol/eth/uint256.hpp"
#include "protocol/jsonrpc/client.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

namespace petrade::devnet {

namespace {

using json = nlohmann::json;

// The source is usually the sealer, which also serves the platform's load: a
// call waits in its queue behind hundreds of others. So a sync pass makes
// three batched calls to it and waits for them as long as it takes, instead
// of failing the pass (and never catching up) when the sealer is saturated.
constexpr std::chrono::milliseconds source_wait{30'000};

std::uint64_t quantity(const json& v) {
  return static_cast<std::uint64_t>(eth::from_quantity(v.get<std::string>()));
}

json block_at(jsonrpc::client& node, std::uint64_t n) {
  return node.call_sync("eth_getBlockByNumber", json::array({eth::to_quantity(n), false}));
}

// The pool by part: anvil mines only "pending" transactions; "queued" ones
// wait for a nonce gap to close, and anvil_dropTransaction cannot remove them.
struct pool_hashes {
  std::vector<std::string> pending, queued;
};

pool_hashes pool_of(jsonrpc::client& node) {
  auto content = node.call_sync("txpool_content", json::array());
  pool_hashes out;
  for (auto [part, into] : {std::pair{"pending", &out.pending}, std::pair{"queued", &out.queued}})
    if (content.contains(part))
      for (auto& [sender, by_nonce] : content[part].items())
        for (auto& [nonce, tx] : by_nonce.items())
          into->push_back(tx.at("hash").get<std::string>());
  return out;
}

void send_on(jsonrpc::client& from, jsonrpc::client& to, const std::string& hash) {
  auto raw = from.call_sync("eth_getRawTransactionByHash", json::array({hash}));
  if (!raw.is_string())
    return;
  try {
    to.call_sync("eth_sendRawTransaction", json::array({raw}), source_wait);
  } catch (const jsonrpc::rpc_exception& e) {
    // "already known" / "nonce too low": the upstream has it or mined it.
    if (e.kind() != jsonrpc::error_kind::rpc)
      throw;
  }
}

void move_transaction(jsonrpc::client& from, jsonrpc::client& to, const std::string& hash) {
  send_on(from, to, hash);
  from.call_sync("anvil_dropTransaction", json::array({hash}));
}

std::uint64_t pending_count(jsonrpc::client& node) {
  return quantity(node.call_sync("txpool_status", json::array()).at("pending"));
}

// Moves every pending transaction that is not in `keep` from `node` to
// `upstream`, so a transaction that reached a follower mid-import is neither
// mined out of turn nor lost. Queued ones cannot be mined into this block.
void strip_pool(jsonrpc::client& node, jsonrpc::client& upstream, const json& keep) {
  for (auto& h : pool_of(node).pending)
    if (std::find(keep.begin(), keep.end(), json(h)) == keep.end())
      move_transaction(node, upstream, h);
}

} // namespace

std::uint64_t head_of(jsonrpc::client& node) {
  return quantity(node.call_sync("eth_blockNumber", json::array()));
}

import_result import_blocks(jsonrpc::client& source, jsonrpc::client& target,
                            std::uint64_t max_blocks) {
  import_result r;
  r.source_head = quantity(source.call_sync("eth_blockNumber", json::array(), source_wait));
  r.target_head = head_of(target);
  // The target's head must be a block of the source's chain, else importing
  // on top of it would fork. When the target is behind, the common block is
  // its head and the blocks to import follow it, so one batch fetches both.
  auto common = std::min(r.source_head, r.target_head);
  auto span = r.source_head > r.target_head ? std::min(max_blocks, r.source_head - r.target_head) : 0;
  std::vector<jsonrpc::batch_item> wanted;
  for (auto n = common; n <= common + span; ++n)
    wanted.push_back({"eth_getBlockByNumber", json::array({eth::to_quantity(n), false})});
  std::vector<json> blocks;
  for (auto& b : source.batch_sync(wanted, source_wait))
    blocks.push_back(b.value_or_throw());
  if (block_at(target, common).at("hash") != blocks.front().at("hash")) {
    r.diverged = true;
    r.why = "block " + std::to_string(common) + " differs";
    return r;
  }
  std::vector<jsonrpc::batch_item> fetch;
  for (std::size_t i = 1; i < blocks.size(); ++i)
    for (auto& h : blocks[i].at("transactions"))
      fetch.push_back({"eth_getRawTransactionByHash", json::array({h})});
  std::vector<jsonrpc::call_result> raws;
  if (!fetch.empty())
    raws = source.batch_sync(fetch, source_wait);
  auto next_raw = raws.begin();
  for (std::size_t i = 1; i < blocks.size(); ++i) {
    const auto& block = blocks[i];
    auto n = r.target_head + 1;
    auto count = block.at("transactions").size();
    // One by one, not as a batch: a node may work on a batch's items
    // concurrently, and the pool's fifo order must be the block's order.
    for (std::size_t t = 0; t < count; ++t, ++next_raw) {
      try {
        target.call_sync("eth_sendRawTransaction", json::array({next_raw->value_or_throw()}));
      } catch (const jsonrpc::rpc_exception& e) {
        if (e.kind() != jsonrpc::error_kind::rpc)
          throw;   // "already known": the pool has it, in its place
      }
    }
    // Anything else in the pool would be mined into this block and fork it.
    if (pending_count(target) != count)
      strip_pool(target, source, block.at("transactions"));
    target.call_sync("evm_mine", json::array({block.at("timestamp")}));
    auto mined = block_at(target, n);
    if (mined.at("hash") != block.at("hash")) {
      r.diverged = true;
      r.why = "replayed block " + std::to_string(n) + " has " + std::to_string(mined.at("transactions").size())
              + " of its " + std::to_string(count) + " transactions, timestamp "
              + mined.at("timestamp").get<std::string>() + " vs " + block.at("timestamp").get<std::string>();
      return r;
    }
    r.target_head = n;
    ++r.imported;
  }
  return r;
}

std::size_t forward_pending(jsonrpc::client& follower, jsonrpc::client& sealer,
                            relayed_set& relayed) {
  auto st = follower.call_sync("txpool_status", json::array());
  if (quantity(st.at("pending")) == 0 && quantity(st.at("queued")) == 0) {
    relayed.clear();
    return 0;
  }
  auto pool = pool_of(follower);
  for (auto& h : pool.pending)
    move_transaction(follower, sealer, h);
  // A queued one stays in the follower's pool: sent on once, remembered for
  // as long as it stays, or every pass would send it again.
  relayed_set still_queued;
  std::size_t sent = pool.pending.size();
  for (auto& h : pool.queued) {
    if (!relayed.count(h)) {
      send_on(follower, sealer, h);
      ++sent;
    }
    still_queued.insert(h);
  }
  relayed = std::move(still_queued);
  return sent;
}

} // namespace petrade::devnet
