#include "protocol/eth/transaction.hpp"

#include "protocol/eth/keccak.hpp"
#include "protocol/eth/rlp.hpp"

#include <limits>
#include <stdexcept>

namespace petrade::eth {

namespace {

constexpr std::size_t legacy_fields = 9;
constexpr std::size_t eip1559_fields = 12;

rlp::item to_item(const std::optional<address>& to) {
  return to ? rlp::item::addr(*to) : rlp::item{};
}

rlp::item access_list_item(const std::vector<access_list_entry>& list) {
  std::vector<rlp::item> entries;
  entries.reserve(list.size());
  for (const auto& e : list) {
    std::vector<rlp::item> keys;
    keys.reserve(e.storage_keys.size());
    for (const auto& k : e.storage_keys)
      keys.push_back(rlp::item::str(k));
    entries.push_back(
      rlp::item::list({rlp::item::addr(e.address), rlp::item::list(std::move(keys))}));
  }
  return rlp::item::list(std::move(entries));
}

void check_consistent(const transaction& tx) {
  if (tx.type == tx_type::legacy) {
    if (tx.max_fee_per_gas != 0 || tx.max_priority_fee_per_gas != 0)
      throw std::invalid_argument(
        "a legacy transaction has a gas price, not EIP-1559 fees");
    if (!tx.access_list.empty())
      throw std::invalid_argument("a legacy transaction cannot carry an access list");
  } else if (tx.type == tx_type::eip1559) {
    if (tx.gas_price != 0)
      throw std::invalid_argument(
        "an EIP-1559 transaction has fee caps, not a gas price");
  } else {
    throw std::invalid_argument("unsupported transaction type "
                                + std::to_string(static_cast<int>(tx.type)));
  }
}

// The fields both types share in their signed order, minus the signature.
std::vector<rlp::item> unsigned_fields(const transaction& tx) {
  check_consistent(tx);
  if (tx.type == tx_type::legacy)
    return {rlp::item::uint(tx.nonce),     rlp::item::uint(tx.gas_price),
            rlp::item::uint(tx.gas_limit), to_item(tx.to),
            rlp::item::uint(tx.value),     rlp::item::str(tx.data)};
  return {rlp::item::uint(tx.chain_id),
          rlp::item::uint(tx.nonce),
          rlp::item::uint(tx.max_priority_fee_per_gas),
          rlp::item::uint(tx.max_fee_per_gas),
          rlp::item::uint(tx.gas_limit),
          to_item(tx.to),
          rlp::item::uint(tx.value),
          rlp::item::str(tx.data),
          access_list_item(tx.access_list)};
}

bytes typed(std::uint8_t type, const rlp::item& body) {
  bytes out{type};
  rlp::encode_to(out, body);
  return out;
}

// ---- decoding helpers -------------------------------------------------------

std::optional<address> read_to(const rlp::item& it) {
  const auto& b = rlp::as_bytes(it, "to");
  if (b.empty())
    return std::nullopt;
  return rlp::as_address(it, "to");
}

std::vector<access_list_entry> read_access_list(const rlp::item& it) {
  std::vector<access_list_entry> out;
  for (const auto& entry : rlp::as_list(it, "access list")) {
    const auto& pair = rlp::as_list(entry, "access list entry", 2);
    access_list_entry e;
    e.address = rlp::as_address(pair[0], "access list address");
    for (const auto& key : rlp::as_list(pair[1], "access list storage keys"))
      e.storage_keys.push_back(rlp::as_hash256(key, "access list storage key"));
    out.push_back(std::move(e));
  }
  return out;
}

hash256 read_word(const rlp::item& it, std::string_view what) {
  return to_be32(rlp::as_uint256(it, what));
}

void check_chain(const transaction& tx, const rlp::item& where,
                 std::optional<std::uint64_t> expected) {
  if (expected && tx.chain_id != *expected)
    throw decode_error((tx.chain_id == 0
                          ? std::string("transaction has no chain id (pre-EIP-155)")
                          : "transaction is for chain id " + std::to_string(tx.chain_id))
                         + ", expected " + std::to_string(*expected),
                       where.offset());
}

transaction decode_legacy(bytes_view raw, std::optional<std::uint64_t> expected) {
  auto root = rlp::decode(raw);
  const auto& f = rlp::as_list(root, "legacy transaction", legacy_fields);
  transaction tx;
  tx.type = tx_type::legacy;
  tx.nonce = rlp::as_uint64(f[0], "nonce");
  tx.gas_price = rlp::as_uint256(f[1], "gas price");
  tx.gas_limit = rlp::as_uint64(f[2], "gas limit");
  tx.to = read_to(f[3]);
  tx.value = rlp::as_uint256(f[4], "value");
  tx.data = rlp::as_bytes(f[5], "data");
  const uint256 v = rlp::as_uint256(f[6], "v");
  signature sig;
  if (v == 27 || v == 28) {
    tx.chain_id = 0;
    sig.recovery_id = static_cast<std::uint8_t>(v - 27);
  } else if (v >= 37) {
    const uint256 chain = (v - 35) / 2;
    if (chain > std::numeric_limits<std::uint64_t>::max())
      throw decode_error("v encodes a chain id wider than 64 bits", f[6].offset());
    tx.chain_id = static_cast<std::uint64_t>(chain);
    sig.recovery_id = static_cast<std::uint8_t>((v - 35) % 2);
  } else {
    // 35/36 would be EIP-155 with chain id 0, which nothing signs: read as
    // "no chain id" it would re-encode as 27/28 and recover another sender.
    throw decode_error("v = " + to_decimal(v)
                         + " is neither 27/28 nor an EIP-155 value for a chain id >= 1 (>= 37)",
                       f[6].offset());
  }
  sig.r = read_word(f[7], "r");
  sig.s = read_word(f[8], "s");
  tx.sig = sig;
  check_chain(tx, f[6], expected);
  return tx;
}

transaction decode_1559(bytes_view raw, std::optional<std::uint64_t> expected) {
  auto root = rlp::decode(raw.subspan(1), 1);
  const auto& f = rlp::as_list(root, "EIP-1559 transaction", eip1559_fields);
  transaction tx;
  tx.type = tx_type::eip1559;
  tx.chain_id = rlp::as_uint64(f[0], "chain id");
  tx.nonce = rlp::as_uint64(f[1], "nonce");
  tx.max_priority_fee_per_gas = rlp::as_uint256(f[2], "max priority fee per gas");
  tx.max_fee_per_gas = rlp::as_uint256(f[3], "max fee per gas");
  tx.gas_limit = rlp::as_uint64(f[4], "gas limit");
  tx.to = read_to(f[5]);
  tx.value = rlp::as_uint256(f[6], "value");
  tx.data = rlp::as_bytes(f[7], "data");
  tx.access_list = read_access_list(f[8]);
  signature sig;
  const auto parity = rlp::as_uint64(f[9], "y parity");
  if (parity > 1)
    throw decode_error("y parity must be 0 or 1, got " + std::to_string(parity),
                       f[9].offset());
  sig.recovery_id = static_cast<std::uint8_t>(parity);
  sig.r = read_word(f[10], "r");
  sig.s = read_word(f[11], "s");
  tx.sig = sig;
  check_chain(tx, f[0], expected);
  return tx;
}

std::string type_hex(std::uint8_t t) {
  static constexpr char digits[] = "0123456789abcdef";
  return std::string("0x") + digits[t >> 4] + digits[t & 0xf];
}

} // namespace

bytes transaction::signing_payload() const {
  auto fields = unsigned_fields(*this);
  if (type == tx_type::legacy) {
    if (chain_id != 0) { // EIP-155: [..., chainId, 0, 0]
      fields.push_back(rlp::item::uint(chain_id));
      fields.emplace_back();
      fields.emplace_back();
    }
    return rlp::encode(rlp::item::list(std::move(fields)));
  }
  return typed(static_cast<std::uint8_t>(type), rlp::item::list(std::move(fields)));
}

hash256 transaction::signing_hash() const {
  return keccak256(signing_payload());
}

void transaction::sign(const private_key& key) {
  if (chain_id == 0)
    throw std::invalid_argument(
      "refusing to sign a transaction without a chain id (no replay protection)");
  sig = key.sign(signing_hash());
}

bytes transaction::raw() const {
  if (!sig)
    throw std::logic_error("transaction is not signed");
  auto fields = unsigned_fields(*this);
  if (type == tx_type::legacy) {
    const uint256 v = chain_id == 0
                        ? uint256(27 + sig->recovery_id)
                        : uint256(sig->recovery_id) + 35 + uint256(chain_id) * 2;
    fields.push_back(rlp::item::uint(v));
  } else {
    fields.push_back(rlp::item::uint(sig->recovery_id));
  }
  fields.push_back(rlp::item::uint(from_be(sig->r)));
  fields.push_back(rlp::item::uint(from_be(sig->s)));
  if (type == tx_type::legacy)
    return rlp::encode(rlp::item::list(std::move(fields)));
  return typed(static_cast<std::uint8_t>(type), rlp::item::list(std::move(fields)));
}

hash256 transaction::hash() const {
  return keccak256(raw());
}

address transaction::sender() const {
  if (!sig)
    throw std::logic_error("transaction is not signed");
  return recover_signer(signing_hash(), *sig);
}

transaction transaction::decode(bytes_view raw,
                                std::optional<std::uint64_t> expected_chain_id) {
  if (raw.empty())
    throw decode_error("empty raw transaction", 0);
  const std::uint8_t first = raw[0];
  if (first >= 0xc0)
    return decode_legacy(raw, expected_chain_id);
  if (first == static_cast<std::uint8_t>(tx_type::eip1559))
    return decode_1559(raw, expected_chain_id);
  if (first >= 0x80)
    throw decode_error(
      "raw transaction starts with an RLP string, not a list or a type byte", 0);
  if (first == 0x01 || first == 0x03 || first == 0x04)
    throw decode_error("unsupported transaction type " + type_hex(first)
                         + " (only legacy and EIP-1559 type 0x02 are handled)",
                       0);
  throw decode_error("unknown transaction type " + type_hex(first), 0);
}

address contract_address(const address& sender, std::uint64_t nonce) {
  auto h = keccak256(
    rlp::encode(rlp::item::list({rlp::item::addr(sender), rlp::item::uint(nonce)})));
  address a;
  std::copy(h.begin() + 12, h.end(), a.value.begin());
  return a;
}

} // namespace petrade::eth
