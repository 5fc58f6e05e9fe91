#include "devnet/chain_sync.hpp"

#include "protocol/eth/uint256.hpp"
#include "protocol/jsonrpc/client.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <tuple>
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

json block_at(jsonrpc::client& node, json ref) {
  return node.call_sync("eth_getBlockByNumber", json::array({std::move(ref), false}));
}

json block_at(jsonrpc::client& node, std::uint64_t n) {
  return block_at(node, json(eth::to_quantity(n)));
}

bool listed(const json& hashes, const json& hash) {
  return std::find(hashes.begin(), hashes.end(), hash) != hashes.end();
}

struct pooled {
  std::string hash, sender;
  std::uint64_t nonce = 0;
  bool pending = false;   // anvil mines only these; "queued" ones wait for a nonce gap to close
};

// Every pooled transaction, each sender's in nonce order.
std::vector<pooled> pool_of(jsonrpc::client& node) {
  auto content = node.call_sync("txpool_content", json::array());
  std::vector<pooled> out;
  for (const char* part : {"pending", "queued"})
    if (content.contains(part))
      for (auto& [sender, by_nonce] : content[part].items())
        for (auto& [nonce, tx] : by_nonce.items())
          out.push_back({tx.at("hash").get<std::string>(), sender, std::stoull(nonce),
                         std::string(part) == "pending"});
  std::sort(out.begin(), out.end(), [](const pooled& x, const pooled& y) {
    return std::tie(x.sender, x.nonce) < std::tie(y.sender, y.nonce);
  });
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

// Sends on what `relayed` lacks, then drops the pending ones that `keep`
// lacks. anvil drops a transaction together with every later one of its
// sender, so all are sent before the first drop, and the pool is listed
// again until it holds nothing new: a transaction that arrives after the
// last listing and is dropped with its predecessor is the one left at risk.
// Queued ones stay (anvil cannot drop them) and are remembered instead.
std::size_t relay_pool(jsonrpc::client& node, jsonrpc::client& upstream, relayed_set& relayed,
                       const json& keep) {
  auto kept = [&](const std::string& h) { return listed(keep, json(h)); };
  std::size_t sent = 0;
  std::vector<pooled> pool;
  for (int listing = 0; listing < 4; ++listing) {
    pool = pool_of(node);
    bool news = false;
    for (auto& p : pool)
      if (!kept(p.hash) && relayed.insert(p.hash).second) {
        send_on(node, upstream, p.hash);
        ++sent;
        news = true;
      }
    if (!news)
      break;
  }
  relayed_set still_queued;
  for (auto p = pool.rbegin(); p != pool.rend(); ++p) {
    if (!p->pending)
      still_queued.insert(p->hash);
    else if (!kept(p->hash))
      node.call_sync("anvil_dropTransaction", json::array({p->hash}));
  }
  relayed = std::move(still_queued);
  return sent;
}

std::uint64_t pending_count(jsonrpc::client& node) {
  return quantity(node.call_sync("txpool_status", json::array()).at("pending"));
}

} // namespace

std::uint64_t head_of(jsonrpc::client& node) {
  return quantity(node.call_sync("eth_blockNumber", json::array()));
}

import_result import_blocks(jsonrpc::client& source, jsonrpc::client& target,
                            std::uint64_t max_blocks, relayed_set& relayed) {
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
      relay_pool(target, source, relayed, block.at("transactions"));
    target.call_sync("evm_mine", json::array({block.at("timestamp")}));
    auto mined = block_at(target, n);
    if (mined.at("hash") != block.at("hash")) {
      // The target is about to be reset: a transaction that slipped into its
      // pool after the strip and was mined here must reach the source.
      for (auto& h : mined.at("transactions"))
        if (!listed(block.at("transactions"), h))
          send_on(target, source, h.get<std::string>());
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
  return relay_pool(follower, sealer, relayed, json::array());
}

std::size_t mine_stalled_pool(jsonrpc::client& sealer, pool_watch& watch) {
  auto head = head_of(sealer);
  auto seen = watch;
  watch = {head, pending_count(sealer) > 0};
  if (!watch.waiting)
    return 0;
  bool stalled = block_at(sealer, json("latest")).at("transactions").empty() || (seen.waiting && seen.head == head);
  if (!stalled)
    return 0;   // automine is at work
  sealer.call_sync("evm_mine", json::array());
  watch = {};   // the next check looks afresh
  return block_at(sealer, json("latest")).at("transactions").size();
}

} // namespace petrade::devnet
