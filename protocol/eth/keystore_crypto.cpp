#include "protocol/eth/keystore_crypto.hpp"

#include "protocol/eth/keccak.hpp"
#include "protocol/eth/keystore.hpp"

#include <cryptopp/aes.h>
#include <cryptopp/modes.h>
#include <cryptopp/pwdbased.h>
#include <cryptopp/scrypt.h>
#include <cryptopp/sha.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace petrade::eth {

void wipe_secret(void* data, std::size_t size) {
  if (data != nullptr && size > 0)
    OPENSSL_cleanse(data, size);
}

namespace keystore_detail {

secret_bytes::~secret_bytes() {
  wipe_secret(data_.data(), data_.size());
}

void scrypt(secret_bytes& out, bytes_view password, bytes_view salt, std::uint64_t n,
            std::uint32_t r, std::uint32_t p) {
  CryptoPP::Scrypt kdf;
  kdf.DeriveKey(out.data(), out.size(), password.data(), password.size(), salt.data(),
                salt.size(), n, r, p);
}

void pbkdf2_sha256(secret_bytes& out, bytes_view password, bytes_view salt,
                   std::uint32_t c) {
  CryptoPP::PKCS5_PBKDF2_HMAC<CryptoPP::SHA256> kdf;
  kdf.DeriveKey(out.data(), out.size(), 0, password.data(), password.size(), salt.data(),
                salt.size(), c);
}

void aes128_ctr(std::uint8_t* out, bytes_view key16, bytes_view iv16, bytes_view in) {
  if (key16.size() != 16 || iv16.size() != 16)
    throw std::logic_error("aes128_ctr needs a 16-byte key and iv");
  CryptoPP::CTR_Mode<CryptoPP::AES>::Encryption ctr;
  ctr.SetKeyWithIV(key16.data(), key16.size(), iv16.data(), iv16.size());
  if (!in.empty())
    ctr.ProcessData(out, in.data(), in.size());
}

bytes random_bytes(std::size_t n) {
  bytes out(n);
  if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1)
    throw std::runtime_error("no randomness available for the keystore");
  return out;
}

std::string random_uuid() {
  auto b = random_bytes(16);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);   // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);   // RFC 4122 variant
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out += '-';
    out += digits[b[i] >> 4];
    out += digits[b[i] & 0xf];
  }
  return out;
}

hash256 compute_mac(bytes_view mac_key, bytes_view ciphertext) {
  bytes buf(mac_key.begin(), mac_key.end());
  append(buf, ciphertext);
  auto h = keccak256(buf);
  wipe_secret(buf.data(), buf.size());
  return h;
}

bool mac_matches(bytes_view mac_key, bytes_view ciphertext, bytes_view mac) {
  auto h = compute_mac(mac_key, ciphertext);
  return mac.size() == h.size() && CRYPTO_memcmp(h.data(), mac.data(), h.size()) == 0;
}

} // namespace keystore_detail
} // namespace petrade::eth
