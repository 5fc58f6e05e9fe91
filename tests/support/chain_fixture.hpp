// A devnet for contract tests: deploy the build's artifacts, send signed
// transactions, read views, decode events and explain reverts, with anvil's
// snapshots and clock for tests that share one deployment.
#pragma once

#include "devnet/devnet.hpp"
#include "protocol/eth/abi.hpp"
#include "protocol/eth/contract_artifact.hpp"
#include "protocol/eth/key.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace petrade::test {

using json = nlohmann::json;
using abi_args = std::vector<eth::abi::value>;

/// One log of a receipt, decoded with the ABI of the contract that emitted it.
struct event {
  std::string name;
  eth::address emitter;
  std::vector<eth::abi::named_value> fields;

  /// The field called `field`; throws std::out_of_range naming it when absent.
  const eth::abi::value& operator[](std::string_view field) const;
};

/// Success when `e` is the event `name` and `fields` gives every one of its
/// fields, by name and in declaration order, with the value it holds.
::testing::AssertionResult
is_event(const event& e, std::string_view name,
         const std::vector<std::pair<std::string, eth::abi::value>>& fields);

class chain;

/// An artifact's ABI bound to the address it was deployed at.
class contract {
public:
  contract(chain& on, eth::contract_artifact artifact, eth::address at);

  const eth::address& address() const { return at_; }
  const eth::contract_artifact& artifact() const { return artifact_; }
  eth::bytes encode(std::string_view fn, const abi_args& args = {}) const;

  /// Sends fn(args) signed by `from` with estimated gas; the mined receipt.
  json send(const eth::private_key& from, std::string_view fn, const abi_args& args = {}) const;
  /// Decoded outputs of eth_call fn(args), as `from` when given.
  std::vector<eth::abi::value> view_all(std::string_view fn, const abi_args& args = {},
                                        std::optional<eth::address> from = {}) const;
  /// The first output: most views return one value.
  eth::abi::value view(std::string_view fn, const abi_args& args = {}) const;

  /// Success when the call reverts with Error(reason), exactly.
  ::testing::AssertionResult reverts(const eth::private_key& from, std::string_view fn,
                                     const abi_args& args, std::string_view reason) const;
  /// As reverts(), and a transaction sent anyway (fixed gas, since estimation
  /// refuses) is mined with status 0 and no logs.
  ::testing::AssertionResult reverts_mined(const eth::private_key& from, std::string_view fn,
                                           const abi_args& args, std::string_view reason) const;

private:
  chain* chain_;
  eth::contract_artifact artifact_;
  eth::address at_;
};

class chain {
public:
  /// Starts a devnet of `nodes` anvil nodes on free ports (node 0 seals).
  explicit chain(int nodes = 1, const std::string& tag = "chain");
  ~chain();
  chain(const chain&) = delete;
  chain& operator=(const chain&) = delete;

  devnet::cluster& net() { return *net_; }
  std::uint64_t chain_id() const { return cfg_.chain_id; }
  /// A raw JSON-RPC call to one node.
  json rpc(const std::string& method, json params = json::array(), int node = 0);

  /// Signs, submits and waits for the receipt. Without `gas` it is estimated,
  /// which throws for a call that would revert.
  json transact(const eth::private_key& from, std::optional<eth::address> to,
                const eth::bytes& data, std::optional<std::uint64_t> gas = {});
  contract deploy(const eth::private_key& from, const eth::contract_artifact& artifact,
                  const abi_args& args = {});
  /// eth_call at "latest" on `node`; throws jsonrpc::rpc_exception on revert.
  eth::bytes call(const eth::address& to, const eth::bytes& data,
                  std::optional<eth::address> from = {}, int node = 0);
  /// The decoded revert of eth_call, or nullopt when the call succeeds.
  /// Custom errors are matched against `errors`.
  std::optional<eth::abi::revert_info>
  revert_of(const eth::address& to, const eth::bytes& data, std::optional<eth::address> from = {},
            const std::vector<eth::abi::error_desc>& errors = {}, int node = 0);
  /// expect_revert(key, to, calldata, "reason") in gtest's assertion style.
  ::testing::AssertionResult reverts(const eth::private_key& from, const eth::address& to,
                                     const eth::bytes& data, std::string_view reason);

  /// Every log of `receipt`, in order, decoded with the ABI of whichever of
  /// `known` emitted it; a log none of them explains throws.
  static std::vector<event> events(const json& receipt,
                                   std::initializer_list<const contract*> known);

  /// Timestamp of the latest block.
  std::uint64_t timestamp();
  /// Moves the clock forward and mines a block that carries the new time.
  void advance_time(std::uint64_t seconds);
  /// anvil's evm_snapshot / evm_revert; a snapshot is used up by reverting to it.
  std::string snapshot();
  void revert_to(const std::string& id);

private:
  devnet::devnet_config cfg_;
  std::unique_ptr<devnet::cluster> net_;
  jsonrpc::io_runner io_{1};
  std::vector<std::shared_ptr<jsonrpc::client>> clients_;
};

/// Base of a suite that deploys once on a one-node devnet: Derived::deploy()
/// runs in SetUpTestSuite, and after each test the chain goes back to the
/// state deploy() left, so tests stay independent at the cost of one revert.

/// PetToken and a market contract (`market`: ProjectMarket or DemandBoard)
/// deployed by `platform`, the market allowed to move tokens and every key in
/// `members` registered. Returns {token, market}.
std::pair<contract, contract> deploy_token_and_market(chain& c, const eth::private_key& platform,
                                                      const std::string& market,
                                                      std::initializer_list<const eth::private_key*> members);

template <class Derived>
class deployed_once : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    chain_ = std::make_unique<test::chain>(1, "contracts");
    Derived::deploy(*chain_);
    clean_ = chain_->snapshot();
  }
  static void TearDownTestSuite() { chain_.reset(); }
  void TearDown() override {
    chain_->revert_to(clean_);
    clean_ = chain_->snapshot();
  }

  static inline std::unique_ptr<test::chain> chain_;
  static inline std::string clean_;
};

/// Keys of anvil's dev accounts 0..3 (tools.hpp): 0 is the platform in contract tests.
eth::private_key dev_key(int index);
/// keccak256(tag): distinct non-zero words for content hashes and payment refs.
eth::hash256 tag32(std::string_view tag);

} // namespace petrade::test
