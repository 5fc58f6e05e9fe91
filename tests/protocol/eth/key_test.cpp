// secp256k1 keys: derivation, RFC 6979 signatures (against cast wallet sign
// --no-hash), recovery and rejection of malleable or malformed signatures.
#include "protocol/eth/key.hpp"

#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"
#include "protocol/eth/uint256.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

using namespace petrade::eth;
using petrade::test::cast;
using petrade::test::dev_addr0;
using petrade::test::dev_key0;

namespace {

const uint256 curve_n(
  "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

} // namespace

TEST(Key, DevKeyAddress) {
  auto k = private_key::from_hex(dev_key0);
  EXPECT_EQ(k.address().checksummed(), dev_addr0);
  EXPECT_EQ(k.public_key().size(), 64u);
  EXPECT_EQ(address::from_public_key(k.public_key()), k.address());
  EXPECT_EQ(k.address().checksummed(),
            cast({"wallet", "address", "--private-key", dev_key0}));
}

TEST(Key, InvalidSecrets) {
  EXPECT_THROW(private_key::from_hex("0x" + std::string(64, '0')), std::invalid_argument);
  EXPECT_THROW(private_key::from_hex(
                 "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"),
               std::invalid_argument); // = n
  EXPECT_THROW(private_key::from_hex("0x1234"), std::invalid_argument);
  EXPECT_THROW(private_key::from_hex("0xzz"), decode_error);
}

TEST(Key, SignRecoverRoundTrip) {
  for (int i = 0; i < 8; ++i) {
    auto k = private_key::generate();
    auto digest = keccak256("message " + std::to_string(i));
    auto sig = k.sign(digest);
    EXPECT_LE(sig.recovery_id, 1);
    EXPECT_EQ(recover_signer(digest, sig), k.address());
    EXPECT_LE(from_be(sig.s), curve_n / 2); // low s
    auto other = keccak256("other " + std::to_string(i));
    EXPECT_NE(recover_signer(other, sig), k.address());
  }
}

TEST(Key, SignatureIsDeterministicAndMatchesCast) {
  auto k = private_key::from_hex(dev_key0);
  for (std::string msg : {"hello", "petrade", "0"}) {
    auto digest = keccak256(msg);
    auto sig = k.sign(digest);
    EXPECT_EQ(sig, k.sign(digest));
    const auto ours =
      to_hex(sig.r) + to_hex(sig.s, false) + (sig.recovery_id == 0 ? "1b" : "1c");
    EXPECT_EQ(ours, cast({"wallet", "sign", "--no-hash", "--private-key", dev_key0,
                          to_hex(digest)}))
      << msg;
  }
}

TEST(Key, HighSIsRejected) {
  auto k = private_key::from_hex(dev_key0);
  auto digest = keccak256("malleable");
  auto sig = k.sign(digest);
  // (r, n - s) with the other recovery id is the same signature, mirrored.
  signature high = sig;
  high.s = to_be32(curve_n - from_be(sig.s));
  high.recovery_id = sig.recovery_id ^ 1;
  try {
    recover_signer(digest, high);
    FAIL() << "high s accepted";
  } catch (const decode_error& e) {
    EXPECT_NE(std::string(e.what()).find("upper half"), std::string::npos);
  }
}

TEST(Key, BadRecoveryIdOrRangeIsRejected) {
  auto k = private_key::from_hex(dev_key0);
  auto digest = keccak256("recid");
  auto sig = k.sign(digest);
  for (std::uint8_t id : {2, 3, 27}) {
    auto bad = sig;
    bad.recovery_id = id;
    EXPECT_THROW(recover_signer(digest, bad), decode_error) << int(id);
  }
  auto zero_r = sig;
  zero_r.r = hash256{};
  EXPECT_THROW(recover_signer(digest, zero_r), decode_error);
  auto big_r = sig;
  big_r.r = to_be32(curve_n);
  EXPECT_THROW(recover_signer(digest, big_r), decode_error);
  // The other recovery id yields some other key, never ours.
  auto flipped = sig;
  flipped.recovery_id ^= 1;
  try {
    EXPECT_NE(recover_signer(digest, flipped), k.address());
  } catch (const decode_error&) {
  }
}
