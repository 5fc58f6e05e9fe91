// Transactions: raw encodings against `cast mktx`, decoding and sender
// recovery of cast's output, contract addresses against `cast
// compute-address`, a live anvil accepting our raw transactions, and the
// decoder's errors for broken input.
#include "protocol/eth/transaction.hpp"

#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"
#include "protocol/eth/rlp.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace petrade::eth;
using petrade::test::cast;
using petrade::test::dev_addr0;
using petrade::test::dev_key0;

namespace {

const char* const dev_addr1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
// Init code that deploys `runtime`, which returns the word 42.
const char* const runtime = "0x602a60005260206000f3";
const char* const init_code = "0x600a600c600039600a6000f3602a60005260206000f3";

const uint256 gwei = 1000000000;

transaction legacy(std::uint64_t chain, std::uint64_t nonce, std::uint64_t gas,
                   std::optional<address> to, uint256 value, bytes data = {}) {
  transaction tx;
  tx.type = tx_type::legacy;
  tx.chain_id = chain;
  tx.nonce = nonce;
  tx.gas_price = 10 * gwei;
  tx.gas_limit = gas;
  tx.to = to;
  tx.value = value;
  tx.data = std::move(data);
  return tx;
}

transaction eip1559(std::uint64_t chain, std::uint64_t nonce, std::uint64_t gas,
                    std::optional<address> to, uint256 value, bytes data = {}) {
  transaction tx;
  tx.type = tx_type::eip1559;
  tx.chain_id = chain;
  tx.nonce = nonce;
  tx.max_priority_fee_per_gas = gwei;
  tx.max_fee_per_gas = 10 * gwei;
  tx.gas_limit = gas;
  tx.to = to;
  tx.value = value;
  tx.data = std::move(data);
  return tx;
}

std::string access_list_json(const std::vector<access_list_entry>& list) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& e : list) {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& k : e.storage_keys)
      keys.push_back(to_hex(k));
    j.push_back({{"address", e.address.checksummed()}, {"storageKeys", keys}});
  }
  return j.dump();
}

// The `cast mktx` command line that builds and signs `tx` with dev_key0.
std::vector<std::string> mktx_args(const transaction& tx) {
  std::vector<std::string> a{"mktx", "--private-key", dev_key0};
  a.insert(a.end(), {"--chain", std::to_string(tx.chain_id)});
  a.insert(a.end(), {"--nonce", std::to_string(tx.nonce)});
  a.insert(a.end(), {"--gas-limit", std::to_string(tx.gas_limit)});
  a.insert(a.end(), {"--value", to_decimal(tx.value)});
  if (tx.type == tx_type::legacy) {
    a.insert(a.end(), {"--legacy", "--gas-price", to_decimal(tx.gas_price)});
  } else {
    a.insert(a.end(), {"--gas-price", to_decimal(tx.max_fee_per_gas),
                       "--priority-gas-price", to_decimal(tx.max_priority_fee_per_gas)});
    if (!tx.access_list.empty())
      a.insert(a.end(), {"--access-list", access_list_json(tx.access_list)});
  }
  if (tx.to) {
    a.push_back(tx.to->checksummed());
    if (!tx.data.empty())
      a.push_back(to_hex(tx.data));
  } else {
    a.insert(a.end(), {"--create", to_hex(tx.data)});
  }
  return a;
}

std::vector<std::pair<std::string, transaction>> cast_cases() {
  const auto to = address::parse(dev_addr1);
  const auto init = from_hex(init_code);
  hash256 k1{}, k2{};
  k1[31] = 1;
  k2.fill(0xab);
  auto with_list = eip1559(31337, 4, 60000, to, 0, from_hex("0x1234"));
  with_list.access_list = {{to, {k1, k2}}, {address::parse(dev_addr0), {}}};
  auto big = eip1559(11155111, 300, 90000, to, uint256("123456789012345678901234567890"));
  big.max_fee_per_gas = uint256("1000000000000000000000");
  return {
    {"legacy transfer", legacy(31337, 0, 21000, to, 1000)},
    {"legacy chain 1 call",
     legacy(1, 7, 60000, to, uint256("1000000000000000000"),
            from_hex(
              "0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17"
              "dc79c8000000000000000000000000000000000000000000000000000000000000002a"))},
    {"legacy create", legacy(31337, 3, 200000, std::nullopt, 0, init)},
    {"1559 transfer", eip1559(31337, 0, 21000, to, 1000)},
    {"1559 create", eip1559(31337, 2, 200000, std::nullopt, 5, init)},
    {"1559 access list", with_list},
    {"1559 big numbers", big},
  };
}

nlohmann::json parse_cast_json(const std::string& out) {
  auto j = nlohmann::json::parse(out);
  return j.is_string() ? nlohmann::json::parse(j.get<std::string>()) : j;
}

void expect_decode_error(bytes_view raw, std::size_t offset, const std::string& words,
                         std::optional<std::uint64_t> chain = {}) {
  try {
    transaction::decode(raw, chain);
    ADD_FAILURE() << to_hex(raw) << " was accepted";
  } catch (const decode_error& e) {
    EXPECT_EQ(e.offset(), offset) << e.what();
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

// Re-encodes `raw` with field `index` of its RLP list replaced.
bytes with_field(bytes_view raw, std::size_t index, const rlp::item& value) {
  const bool typed = raw[0] < 0x80;
  auto fields = rlp::decode(typed ? raw.subspan(1) : raw).children();
  fields.at(index) = value;
  bytes out;
  if (typed)
    out.push_back(raw[0]);
  rlp::encode_to(out, rlp::item::list(std::move(fields)));
  return out;
}

} // namespace

TEST(Transaction, RawMatchesCastMktx) {
  const auto key = private_key::from_hex(dev_key0);
  for (auto [name, tx] : cast_cases()) {
    tx.sign(key);
    EXPECT_EQ(to_hex(tx.raw()), cast(mktx_args(tx))) << name;
  }
}

TEST(Transaction, DecodesCastOutputAndRecoversSender) {
  const auto key = private_key::from_hex(dev_key0);
  for (auto [name, tx] : cast_cases()) {
    const auto raw = from_hex(cast(mktx_args(tx)));
    const auto decoded = transaction::decode(raw, tx.chain_id);
    tx.sign(key);
    EXPECT_EQ(decoded, tx) << name;
    EXPECT_EQ(decoded.raw(), raw) << name;
    EXPECT_EQ(decoded.sender().checksummed(), dev_addr0) << name;
    EXPECT_EQ(to_hex(decoded.hash()), cast({"keccak", to_hex(raw)})) << name;
    const auto j = parse_cast_json(cast({"decode-transaction", to_hex(raw)}));
    EXPECT_EQ(j.at("hash").get<std::string>(), to_hex(decoded.hash())) << name;
    EXPECT_EQ(address::parse(j.at("signer").get<std::string>()), decoded.sender())
      << name;
  }
}

TEST(Transaction, Eip155VAndSigningPayloads) {
  auto tx = legacy(31337, 0, 21000, address::parse(dev_addr1), 1);
  tx.sign(private_key::from_hex(dev_key0));
  const auto fields = rlp::decode(tx.raw()).children();
  const auto v = rlp::as_uint64(fields[6], "v");
  EXPECT_EQ(v, tx.sig->recovery_id + 35u + 2u * 31337u);
  // The EIP-155 payload ends with [chainId, 0, 0].
  const auto unsigned_fields = rlp::decode(tx.signing_payload()).children();
  ASSERT_EQ(unsigned_fields.size(), 9u);
  EXPECT_EQ(rlp::as_uint64(unsigned_fields[6], "chain"), 31337u);
  EXPECT_TRUE(unsigned_fields[7].data().empty());
  // A typed payload is 0x02 || rlp of the nine unsigned fields.
  auto t2 = eip1559(5, 0, 21000, std::nullopt, 0);
  const auto p = t2.signing_payload();
  ASSERT_EQ(p[0], 0x02);
  EXPECT_EQ(rlp::decode(bytes_view(p).subspan(1)).children().size(), 9u);
  EXPECT_EQ(t2.signing_hash(), keccak256(p));
}

TEST(Transaction, ContractAddressMatchesCast) {
  const auto sender = address::parse(dev_addr0);
  for (std::uint64_t nonce :
       {0ull, 1ull, 2ull, 127ull, 128ull, 255ull, 256ull, 70000ull, 4294967296ull}) {
    auto out = cast({"compute-address", dev_addr0, "--nonce", std::to_string(nonce)});
    const auto pos = out.find("0x");
    ASSERT_NE(pos, std::string::npos) << out;
    EXPECT_EQ(contract_address(sender, nonce).checksummed(), out.substr(pos)) << nonce;
  }
}

TEST(Transaction, AnvilAcceptsOurRawTransactions) {
  petrade::test::anvil_node node;
  const auto url = node.url();
  const auto key = private_key::from_hex(dev_key0);
  const auto me = address::parse(dev_addr0);
  const auto to = address::parse(dev_addr1);
  const auto init = from_hex(init_code);
  std::vector<transaction> txs{
    legacy(31337, 0, 21000, to, 1000),
    eip1559(31337, 1, 21000, to, uint256("1000000000000000000")),
    eip1559(31337, 2, 200000, std::nullopt, 0, init),
    legacy(31337, 3, 200000, std::nullopt, 7, init),
  };
  for (auto& tx : txs) {
    tx.sign(key);
    const auto hash = cast({"publish", "--async", "--rpc-url", url, to_hex(tx.raw())});
    EXPECT_EQ(hash, to_hex(tx.hash())) << tx.nonce;
    const auto receipt =
      parse_cast_json(cast({"receipt", "--json", "--rpc-url", url, hash}));
    EXPECT_EQ(receipt.at("status"), "0x1") << tx.nonce;
    EXPECT_EQ(address::parse(cast({"tx", "--rpc-url", url, hash, "from"})), tx.sender());
    EXPECT_EQ(tx.sender(), me);
    if (!tx.to) {
      const auto created = contract_address(me, tx.nonce);
      EXPECT_EQ(address::parse(receipt.at("contractAddress").get<std::string>()),
                created);
      EXPECT_EQ(cast({"code", "--rpc-url", url, created.hex()}), runtime);
      EXPECT_EQ(from_quantity(cast({"call", "--rpc-url", url, created.hex()})), 42);
    }
  }
  // A transaction signed for another chain: anvil takes it into its pool but
  // never executes it; decode() refuses it when told the expected chain id.
  auto foreign = legacy(1, 4, 21000, to, 1);
  foreign.sign(key);
  const auto hash = to_hex(foreign.hash());
  try {
    EXPECT_EQ(cast({"publish", "--async", "--rpc-url", url, to_hex(foreign.raw())}),
              hash);
  } catch (const std::runtime_error&) {
    // A stricter node rejects it outright, which is as good.
  }
  cast({"rpc", "--rpc-url", url, "evm_mine"});
  EXPECT_EQ(cast({"rpc", "--rpc-url", url, "eth_getTransactionReceipt", hash}), "null");
  EXPECT_EQ(cast({"nonce", "--rpc-url", url, dev_addr0}), "4");
  EXPECT_THROW(transaction::decode(foreign.raw(), 31337), decode_error);
}

TEST(Transaction, TruncatedOrUnknownInput) {
  auto tx = legacy(31337, 0, 21000, address::parse(dev_addr1), 1000);
  const auto raw = from_hex(cast(mktx_args(tx)));
  expect_decode_error(bytes_view(raw).first(raw.size() - 1), 0, "past the end");
  auto t2 = eip1559(31337, 0, 21000, address::parse(dev_addr1), 1000);
  auto raw2 = from_hex(cast(mktx_args(t2)));
  expect_decode_error(bytes_view(raw2).first(raw2.size() - 1), 1, "past the end");
  expect_decode_error(bytes_view(raw2).first(1), 1, "empty");
  auto trailing = raw2;
  trailing.push_back(0x00);
  expect_decode_error(trailing, raw2.size(), "trailing");

  auto unknown = raw2;
  unknown[0] = 0x05;
  expect_decode_error(unknown, 0, "unknown transaction type 0x05");
  unknown[0] = 0x01;
  expect_decode_error(unknown, 0, "unsupported transaction type 0x01");
  expect_decode_error(bytes{}, 0, "empty");
  expect_decode_error(from_hex("0x8180"), 0, "RLP string");
}

TEST(Transaction, BadVAndWrongChainId) {
  auto tx = legacy(31337, 0, 21000, address::parse(dev_addr1), 1000);
  const auto raw = from_hex(cast(mktx_args(tx)));
  const std::size_t v_offset = 37; // f869 80 85.. 82.. 94.. 82.. 80 | v
  ASSERT_EQ(rlp::decode(raw).children()[6].offset(), v_offset);

  expect_decode_error(with_field(raw, 6, rlp::item::uint(29)), v_offset, "v = 29");
  expect_decode_error(with_field(raw, 6, rlp::item::uint(0)), v_offset, "v = 0");
  // EIP-155 with chain id 0 (found by fuzz_rlp_decode): accepted, it came
  // back with chain id 0, re-encoded as v = 27 and recovered another sender.
  expect_decode_error(with_field(raw, 6, rlp::item::uint(35)), v_offset, "v = 35");
  expect_decode_error(with_field(raw, 6, rlp::item::uint(36)), v_offset, "v = 36");

  // v claiming chain 1: decodes, but not as chain 31337, and not to our sender.
  const auto v = rlp::as_uint64(rlp::decode(raw).children()[6], "v");
  const auto other = with_field(raw, 6, rlp::item::uint(v - 2 * 31337 + 2 * 1));
  expect_decode_error(other, v_offset, "chain id 1, expected 31337", 31337);
  const auto decoded = transaction::decode(other);
  EXPECT_EQ(decoded.chain_id, 1u);
  try {
    EXPECT_NE(decoded.sender().checksummed(), dev_addr0);
  } catch (const decode_error&) {
  }
  // Pre-EIP-155 v = 27/28 has no chain id at all.
  expect_decode_error(with_field(raw, 6, rlp::item::uint(27)), v_offset, "no chain id",
                      31337);
  EXPECT_EQ(transaction::decode(with_field(raw, 6, rlp::item::uint(28))).chain_id, 0u);

  auto t2 = eip1559(31337, 0, 21000, address::parse(dev_addr1), 1000);
  const auto raw2 = from_hex(cast(mktx_args(t2)));
  expect_decode_error(raw2, 1 + 2, "chain id 31337, expected 1", 1);
  const auto parity_offset =
    rlp::decode(bytes_view(raw2).subspan(1), 1).children()[9].offset();
  expect_decode_error(with_field(raw2, 9, rlp::item::uint(2)), parity_offset,
                      "y parity must be 0 or 1");
}

TEST(Transaction, MalformedFields) {
  auto tx = legacy(31337, 0, 21000, address::parse(dev_addr1), 1000);
  const auto raw = from_hex(cast(mktx_args(tx)));
  auto fields = rlp::decode(raw).children();
  fields.pop_back();
  expect_decode_error(rlp::encode(rlp::item::list(fields)), 0,
                      "expected a list of 9 items, got 8");
  expect_decode_error(with_field(raw, 0, rlp::item::str(bytes{0x00})), 2, "nonce");
  expect_decode_error(with_field(raw, 3, rlp::item::str(bytes(19, 1))), 12,
                      "to: expected a 20-byte");
  expect_decode_error(with_field(raw, 5, rlp::item::list()), 36,
                      "data: expected a byte string");

  auto t2 = eip1559(31337, 0, 21000, address::parse(dev_addr1), 1000);
  const auto raw2 = from_hex(cast(mktx_args(t2)));
  auto f2 = rlp::decode(bytes_view(raw2).subspan(1)).children();
  f2.push_back(rlp::item{});
  bytes long_one{0x02};
  rlp::encode_to(long_one, rlp::item::list(f2));
  expect_decode_error(long_one, 1, "expected a list of 12 items, got 13");
  const auto list_offset =
    rlp::decode(bytes_view(raw2).subspan(1), 1).children()[8].offset();
  expect_decode_error(with_field(raw2, 8, rlp::item::list({rlp::item::list()})),
                      list_offset + 1,
                      "access list entry: expected a list of 2 items, got 0");
}

TEST(Transaction, SignatureAndFieldMisuse) {
  const auto key = private_key::from_hex(dev_key0);
  auto tx = eip1559(31337, 0, 21000, address::parse(dev_addr1), 1);
  EXPECT_THROW(tx.raw(), std::logic_error);
  EXPECT_THROW(tx.sender(), std::logic_error);
  auto no_chain = tx;
  no_chain.chain_id = 0;
  EXPECT_THROW(no_chain.sign(key), std::invalid_argument);
  auto mixed = tx;
  mixed.gas_price = 1;
  EXPECT_THROW(mixed.sign(key), std::invalid_argument);
  auto legacy_list = legacy(31337, 0, 21000, std::nullopt, 0);
  legacy_list.access_list.push_back({address::parse(dev_addr1), {}});
  EXPECT_THROW(legacy_list.signing_hash(), std::invalid_argument);

  // The mirrored (high-s) signature decodes but yields no sender.
  tx.sign(key);
  auto high = *tx.sig;
  high.s =
    to_be32(uint256("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
            - from_be(high.s));
  high.recovery_id ^= 1;
  auto mirrored = tx;
  mirrored.sig = high;
  const auto decoded = transaction::decode(mirrored.raw());
  EXPECT_THROW(decoded.sender(), decode_error);
}
