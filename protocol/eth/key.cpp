#include "protocol/eth/key.hpp"

#include "protocol/eth/hex.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace petrade::eth {

namespace {

// One context for the process: creating one is expensive, and a context that
// is only used for signing and verification is safe to share across threads.
const secp256k1_context* ctx() {
  static secp256k1_context* c =
    secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
  return c;
}

bytes serialize_public(const secp256k1_pubkey& pk) {
  std::uint8_t out[65];
  size_t len = sizeof out;
  secp256k1_ec_pubkey_serialize(ctx(), out, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
  return bytes(out + 1, out + 65);
}

// Upper bound for a canonical s (n / 2), as Ethereum requires since Homestead.
bool is_high_s(const hash256& s) {
  static const auto half_n =
    from_hex("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0");
  return std::lexicographical_compare(half_n.begin(), half_n.end(), s.begin(), s.end());
}

} // namespace

private_key private_key::generate() {
  for (;;) {
    private_key k;
    if (RAND_bytes(k.secret_.data(), static_cast<int>(k.secret_.size())) != 1)
      throw std::runtime_error("no randomness available for a new key");
    if (secp256k1_ec_seckey_verify(ctx(), k.secret_.data()) == 1)
      return k;
  }
}

private_key private_key::from_bytes(bytes_view secret32) {
  if (secret32.size() != 32)
    throw std::invalid_argument("a private key is 32 bytes, got "
                                + std::to_string(secret32.size()));
  private_key k;
  std::copy(secret32.begin(), secret32.end(), k.secret_.begin());
  if (secp256k1_ec_seckey_verify(ctx(), k.secret_.data()) != 1)
    throw std::invalid_argument("not a valid secp256k1 private key");
  return k;
}

private_key private_key::from_hex(std::string_view hex) {
  auto raw = eth::from_hex(hex);
  auto k = from_bytes(raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return k;
}

private_key::~private_key() {
  OPENSSL_cleanse(secret_.data(), secret_.size());
}

bytes private_key::public_key() const {
  secp256k1_pubkey pk;
  if (secp256k1_ec_pubkey_create(ctx(), &pk, secret_.data()) != 1)
    throw std::runtime_error("public key derivation failed");
  return serialize_public(pk);
}

address private_key::address() const {
  return address::from_public_key(public_key());
}

signature private_key::sign(const hash256& digest) const {
  secp256k1_ecdsa_recoverable_signature rs;
  if (secp256k1_ecdsa_sign_recoverable(ctx(), &rs, digest.data(), secret_.data(),
                                       nullptr, nullptr)
      != 1)
    throw std::runtime_error("signing failed");
  std::uint8_t compact[64];
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx(), compact, &recid, &rs);
  signature sig;
  std::copy(compact, compact + 32, sig.r.begin());
  std::copy(compact + 32, compact + 64, sig.s.begin());
  sig.recovery_id = static_cast<std::uint8_t>(recid);
  return sig;
}

address recover_signer(const hash256& digest, const signature& sig) {
  if (sig.recovery_id > 1)
    throw decode_error("recovery id must be 0 or 1, got "
                         + std::to_string(sig.recovery_id),
                       0);
  if (is_high_s(sig.s))
    throw decode_error("signature s is in the upper half of the curve order", 32);
  std::uint8_t compact[64];
  std::copy(sig.r.begin(), sig.r.end(), compact);
  std::copy(sig.s.begin(), sig.s.end(), compact + 32);
  secp256k1_ecdsa_recoverable_signature rs;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx(), &rs, compact,
                                                          sig.recovery_id)
      != 1)
    throw decode_error("signature r or s is out of range", 0);
  secp256k1_pubkey pk;
  if (secp256k1_ecdsa_recover(ctx(), &pk, &rs, digest.data()) != 1)
    throw decode_error("no public key recovers from this signature", 0);
  return address::from_public_key(serialize_public(pk));
}

} // namespace petrade::eth
