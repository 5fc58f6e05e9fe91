#include "actors/credentials.hpp"

#include "protocol/eth/hex.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <stdexcept>
#include <vector>

namespace petrade::credentials {

namespace {

constexpr std::size_t salt_size = 16;
constexpr std::size_t hash_size = 32;
constexpr std::uint64_t max_n = 1u << 20;
// Bounds for what verify accepts, so a doctored record cannot make one
// login burn gigabytes or minutes.
constexpr std::uint32_t max_r = 32;
constexpr std::uint32_t max_p = 16;
constexpr std::uint64_t max_memory = 1ull << 30;

bool power_of_two(std::uint64_t n) { return n >= 2 && (n & (n - 1)) == 0; }

eth::bytes random_bytes(std::size_t n) {
  eth::bytes out(n);
  if (RAND_bytes(out.data(), static_cast<int>(n)) != 1)
    throw std::runtime_error("credentials: the random source failed");
  return out;
}

/// Holds derived bytes and overwrites them on the way out.
struct derived {
  std::uint8_t data[hash_size] = {};
  ~derived() { OPENSSL_cleanse(data, sizeof data); }
};

bool scrypt(std::string_view password, eth::bytes_view salt, std::uint64_t n, std::uint32_t r,
            std::uint32_t p, derived& out) {
  return EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, r, p,
                        max_memory, out.data, hash_size)
         == 1;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    auto at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos)
      return parts;
    s.remove_prefix(at + 1);
  }
}

template <class Int>
bool number(std::string_view s, Int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

} // namespace

std::string hash_password(std::string_view password, std::uint64_t n, std::uint32_t r,
                          std::uint32_t p) {
  if (!power_of_two(n) || n > max_n)
    throw std::invalid_argument("password scrypt n must be a power of 2 in [2, 2^20], got "
                                + std::to_string(n));
  if (r == 0 || r > max_r || p == 0 || p > max_p)
    throw std::invalid_argument("password scrypt r or p out of range");
  auto salt = random_bytes(salt_size);
  derived dk;
  if (!scrypt(password, salt, n, r, p, dk))
    throw std::runtime_error("credentials: scrypt failed");
  return "scrypt$" + std::to_string(n) + "$" + std::to_string(r) + "$" + std::to_string(p) + "$"
         + eth::to_hex(salt, false) + "$" + eth::to_hex(eth::bytes_view(dk.data, hash_size), false);
}

bool verify_password(std::string_view password, std::string_view stored) {
  auto parts = split(stored, '$');
  if (parts.size() != 6 || parts[0] != "scrypt")
    return false;
  std::uint64_t n = 0;
  std::uint32_t r = 0, p = 0;
  if (!number(parts[1], n) || !number(parts[2], r) || !number(parts[3], p))
    return false;
  if (!power_of_two(n) || n > max_n || r == 0 || r > max_r || p == 0 || p > max_p)
    return false;
  eth::bytes salt, expected;
  try {
    salt = eth::from_hex(parts[4]);
    expected = eth::from_hex(parts[5]);
  } catch (const std::exception&) {
    return false;
  }
  if (salt.empty() || expected.size() != hash_size)
    return false;
  derived dk;
  if (!scrypt(password, salt, n, r, p, dk))
    return false;
  return CRYPTO_memcmp(dk.data, expected.data(), hash_size) == 0;
}

std::string new_session_token() {
  auto raw = random_bytes(32);
  auto token = eth::to_hex(raw, false);
  OPENSSL_cleanse(raw.data(), raw.size());
  return token;
}

std::string token_digest(std::string_view token) {
  std::uint8_t md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(token.data(), token.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("credentials: SHA-256 failed");
  return eth::to_hex(eth::bytes_view(md, len), false);
}

std::string custody_password(std::string_view key_secret, const eth::address& account) {
  auto text = account.hex();
  derived mac;
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key_secret.data(), static_cast<int>(key_secret.size()),
            reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac.data, &len)
      || len != hash_size)
    throw std::runtime_error("credentials: HMAC-SHA256 failed");
  return eth::to_hex(eth::bytes_view(mac.data, hash_size), false);
}

bool looks_like_token(std::string_view text) {
  if (text.size() != 64)
    return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

} // namespace petrade::credentials
