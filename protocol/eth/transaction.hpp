// Ethereum transactions: legacy (EIP-155 replay-protected) and EIP-1559
// (type 2), their signing hashes, raw encodings, hashes and sender recovery.
#pragma once

#include "protocol/eth/address.hpp"
#include "protocol/eth/bytes.hpp"
#include "protocol/eth/key.hpp"
#include "protocol/eth/uint256.hpp"

#include <optional>
#include <vector>

namespace petrade::eth {

/// One EIP-2930 access list entry: an account and the storage slots it warms.
struct access_list_entry {
  eth::address address;
  std::vector<hash256> storage_keys;

  bool operator==(const access_list_entry&) const = default;
};

enum class tx_type : std::uint8_t {
  legacy = 0,  // rlp([nonce, gasPrice, gas, to, value, data, v, r, s])
  eip1559 = 2, // 0x02 || rlp([chainId, nonce, tip, maxFee, gas, to, value,
               //              data, accessList, yParity, r, s])
};

struct transaction {
  tx_type type = tx_type::eip1559;
  /// For legacy transactions 0 means "no EIP-155 replay protection"
  /// (v = 27/28); such transactions are decoded but never signed here.
  std::uint64_t chain_id = 0;
  std::uint64_t nonce = 0;
  uint256 gas_price = 0;                // legacy only
  uint256 max_priority_fee_per_gas = 0; // EIP-1559 only
  uint256 max_fee_per_gas = 0;          // EIP-1559 only
  std::uint64_t gas_limit = 0;
  /// Empty for a contract creation (`data` is then the init code).
  std::optional<eth::address> to;
  uint256 value = 0;
  bytes data;
  std::vector<access_list_entry> access_list; // EIP-1559 only
  std::optional<signature> sig;

  /// The bytes whose keccak the sender signs (type byte included for 1559).
  /// Throws std::invalid_argument when fields of the other type are set.
  bytes signing_payload() const;
  hash256 signing_hash() const;
  /// Signs in place. Throws std::invalid_argument when chain_id is 0.
  void sign(const private_key& key);

  /// What eth_sendRawTransaction takes. Throws std::logic_error if unsigned.
  bytes raw() const;
  /// keccak256(raw()): the hash nodes report for this transaction.
  hash256 hash() const;
  /// The signer recovered from the signature: std::logic_error if unsigned,
  /// decode_error if the signature is invalid (e.g. high s).
  eth::address sender() const;

  /// Parses a raw (signed) transaction of either type, strictly: canonical
  /// RLP, exact field counts, canonical integers, v consistent with a chain
  /// id, and no bytes after the transaction. With `expected_chain_id`, any
  /// other chain id (or none) is a decode_error too. Offsets count from the
  /// first byte of `raw`.
  static transaction decode(bytes_view raw,
                            std::optional<std::uint64_t> expected_chain_id = {});

  bool operator==(const transaction&) const = default;
};

/// The address of the contract that `sender` creates with nonce `nonce`
/// (CREATE): keccak256(rlp([sender, nonce]))[12:].
address contract_address(const address& sender, std::uint64_t nonce);

} // namespace petrade::eth
