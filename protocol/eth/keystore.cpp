// The Web3 Secret Storage v3 JSON format: parsing with field-by-field
// validation, encryption and decryption. Primitives live in keystore_crypto,
// files and directories in keystore_files.
#include "protocol/eth/keystore.hpp"

#include "protocol/eth/hex.hpp"
#include "protocol/eth/keystore_crypto.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace petrade::eth {

namespace {

using nlohmann::json;
using keystore_detail::secret_bytes;

constexpr std::uint64_t max_scrypt_n = 1u << 20;
constexpr std::uint64_t max_scrypt_work = 1u << 24;        // n * r * p
constexpr std::uint64_t max_scrypt_memory = 1ull << 30;    // 128 * n * r bytes
constexpr std::uint64_t max_pbkdf2_c = 1u << 24;
constexpr std::uint64_t min_dklen = 32;
constexpr std::uint64_t max_dklen = 128;
constexpr std::size_t max_salt = 1024;

[[noreturn]] void fail(const std::string& what) {
  throw keystore_error("keystore: " + what);
}

// Text taken from the file, quoted and shortened for an error message.
std::string shown(const std::string& s) {
  std::string out;
  for (char ch : s.substr(0, 40))
    out += std::isprint(static_cast<unsigned char>(ch)) ? ch : '?';
  return "'" + out + (s.size() > 40 ? "...'" : "'");
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

// Go's encoding/json (and therefore geth) matches keys case-insensitively, so
// "Crypto" is as good as "crypto". The exact spelling wins when both exist.
const json* find_key(const json& obj, const std::string& name) {
  if (auto it = obj.find(name); it != obj.end())
    return &*it;
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (lower(it.key()) == name)
      return &*it;
  return nullptr;
}

const json& require(const json& obj, const std::string& name, const std::string& path) {
  const json* v = find_key(obj, name);
  if (v == nullptr || v->is_null())
    fail("missing field " + path);
  return *v;
}

const json& require_object(const json& obj, const std::string& name,
                           const std::string& path) {
  const json& v = require(obj, name, path);
  if (!v.is_object())
    fail(path + " must be an object");
  return v;
}

std::string require_string(const json& obj, const std::string& name,
                           const std::string& path) {
  const json& v = require(obj, name, path);
  if (!v.is_string())
    fail(path + " must be a string");
  return v.get<std::string>();
}

// A non-negative integer given as a JSON number (integral floats included,
// as some writers emit 262144.0) or as a decimal string.
std::uint64_t require_uint(const json& obj, const std::string& name,
                           const std::string& path) {
  const json& v = require(obj, name, path);
  if (v.is_number_unsigned())
    return v.get<std::uint64_t>();
  if (v.is_number_integer()) {
    auto i = v.get<std::int64_t>();
    if (i < 0)
      fail(path + " must not be negative, got " + std::to_string(i));
    return static_cast<std::uint64_t>(i);
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (!std::isfinite(d) || d < 0 || d > 9.0e15 || std::floor(d) != d)
      fail(path + " must be a non-negative integer, got " + v.dump());
    return static_cast<std::uint64_t>(d);
  }
  if (v.is_string()) {
    auto s = v.get<std::string>();
    if (s.empty() || s.size() > 18
        || !std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isdigit(ch); }))
      fail(path + " must be a non-negative integer, got " + shown(s));
    return std::stoull(s);
  }
  fail(path + " must be a number");
}

bytes require_hex(const json& obj, const std::string& name, const std::string& path) {
  auto s = require_string(obj, name, path);
  try {
    return from_hex(s);
  } catch (const decode_error& e) {
    fail(path + " is not hex: " + e.what());
  }
}

bytes require_hex_size(const json& obj, const std::string& name, const std::string& path,
                       std::size_t size) {
  auto b = require_hex(obj, name, path);
  if (b.size() != size)
    fail(path + " must be " + std::to_string(size) + " bytes, got "
         + std::to_string(b.size()));
  return b;
}

void check_scrypt(std::uint64_t n, std::uint64_t r, std::uint64_t p,
                  const std::string& prefix) {
  if (n < 2 || (n & (n - 1)) != 0)
    fail(prefix + "n must be a power of 2 (at least 2), got " + std::to_string(n));
  if (n > max_scrypt_n)
    fail(prefix + "n must be at most 2^20, got " + std::to_string(n));
  if (r < 1 || r > 64)
    fail(prefix + "r must be between 1 and 64, got " + std::to_string(r));
  if (p < 1 || p > 64)
    fail(prefix + "p must be between 1 and 64, got " + std::to_string(p));
  if (n * r * p > max_scrypt_work)
    fail(prefix + "n * r * p must be at most 2^24, got " + std::to_string(n * r * p));
  if (128 * n * r > max_scrypt_memory)
    fail(prefix + "128 * n * r (memory) must be at most 1 GiB");
}

void check_pbkdf2(std::uint64_t c, const std::string& prefix) {
  if (c < 1 || c > max_pbkdf2_c)
    fail(prefix + "c must be between 1 and 2^24, got " + std::to_string(c));
}

// Everything a keystore says, validated, before any password is involved.
struct parsed_keystore {
  std::optional<address> account;
  std::string id;
  kdf_params kdf;
  std::uint64_t dklen = 32;
  bytes salt, iv, ciphertext, mac;
};

json parse_json(std::string_view text) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // nlohmann's message quotes the input; a mistaken key file must not leak.
    throw decode_error("keystore: not valid JSON", e.byte);
  } catch (const json::exception&) {
    // A number beyond a double's range is an out_of_range, not a parse_error.
    throw decode_error("keystore: not valid JSON (a number out of range)", 0);
  }
}

std::optional<address> parse_address_field(const json& doc) {
  const json* v = find_key(doc, "address");
  if (v == nullptr || v->is_null())
    return std::nullopt;
  if (!v->is_string())
    fail("address must be a string");
  auto s = v->get<std::string>();
  if (s.size() == 40)
    s = "0x" + s;
  try {
    return address::parse(s);
  } catch (const decode_error& e) {
    fail(std::string("address is not 20 bytes of hex: ") + e.what());
  }
}

parsed_keystore parse(std::string_view text) {
  json doc = parse_json(text);
  if (!doc.is_object())
    fail("top level must be a JSON object");
  parsed_keystore k;

  if (require_uint(doc, "version", "version") != 3)
    fail("version must be 3, got " + require(doc, "version", "version").dump());
  if (const json* id = find_key(doc, "id"); id != nullptr && id->is_string())
    k.id = id->get<std::string>();
  k.account = parse_address_field(doc);

  const json& crypto = require_object(doc, "crypto", "crypto");
  auto cipher = require_string(crypto, "cipher", "crypto.cipher");
  if (lower(cipher) != "aes-128-ctr")
    fail("unsupported cipher " + shown(cipher) + " in crypto.cipher (only aes-128-ctr)");
  const json& cparams = require_object(crypto, "cipherparams", "crypto.cipherparams");
  k.iv = require_hex_size(cparams, "iv", "crypto.cipherparams.iv", 16);
  k.ciphertext = require_hex_size(crypto, "ciphertext", "crypto.ciphertext", 32);
  k.mac = require_hex_size(crypto, "mac", "crypto.mac", 32);

  auto kdf = lower(require_string(crypto, "kdf", "crypto.kdf"));
  const json& kp = require_object(crypto, "kdfparams", "crypto.kdfparams");
  const std::string prefix = "crypto.kdfparams.";
  k.dklen = require_uint(kp, "dklen", prefix + "dklen");
  if (k.dklen < min_dklen || k.dklen > max_dklen)
    fail(prefix + "dklen must be between 32 and 128, got " + std::to_string(k.dklen));
  k.salt = require_hex(kp, "salt", prefix + "salt");
  if (k.salt.empty() || k.salt.size() > max_salt)
    fail(prefix + "salt must be 1 to 1024 bytes, got " + std::to_string(k.salt.size()));

  if (kdf == "scrypt") {
    auto n = require_uint(kp, "n", prefix + "n");
    auto r = require_uint(kp, "r", prefix + "r");
    auto p = require_uint(kp, "p", prefix + "p");
    check_scrypt(n, r, p, prefix);
    k.kdf = kdf_params::scrypt(n, static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(p));
  } else if (kdf == "pbkdf2") {
    auto c = require_uint(kp, "c", prefix + "c");
    check_pbkdf2(c, prefix);
    auto prf = require_string(kp, "prf", prefix + "prf");
    if (lower(prf) != "hmac-sha256")
      fail("unsupported " + prefix + "prf " + shown(prf) + " (only hmac-sha256)");
    k.kdf = kdf_params::pbkdf2(static_cast<std::uint32_t>(c));
  } else {
    fail("unsupported kdf " + shown(kdf) + " in crypto.kdf (only scrypt and pbkdf2)");
  }
  return k;
}

bytes_view password_view(std::string_view password) {
  return {reinterpret_cast<const std::uint8_t*>(password.data()), password.size()};
}

void derive(secret_bytes& dk, const kdf_params& kdf, std::string_view password,
            bytes_view salt) {
  if (kdf.kind == kdf_params::algorithm::scrypt)
    keystore_detail::scrypt(dk, password_view(password), salt, kdf.n, kdf.r, kdf.p);
  else
    keystore_detail::pbkdf2_sha256(dk, password_view(password), salt, kdf.c);
}

} // namespace

std::string encrypt_keystore(const private_key& key, std::string_view password,
                             const kdf_params& params) {
  const std::string prefix = "kdf parameter ";
  if (params.kind == kdf_params::algorithm::scrypt)
    check_scrypt(params.n, params.r, params.p, prefix);
  else
    check_pbkdf2(params.c, prefix);

  auto salt = keystore_detail::random_bytes(32);
  auto iv = keystore_detail::random_bytes(16);
  secret_bytes dk(32);
  derive(dk, params, password, salt);

  bytes ciphertext(32);
  keystore_detail::aes128_ctr(ciphertext.data(), dk.first(16), iv, key.secret());
  auto mac = keystore_detail::compute_mac(dk.sub(16, 16), ciphertext);

  json kdfparams;
  if (params.kind == kdf_params::algorithm::scrypt)
    kdfparams = {{"dklen", 32}, {"n", params.n}, {"r", params.r}, {"p", params.p},
                 {"salt", to_hex(salt, false)}};
  else
    kdfparams = {{"c", params.c}, {"dklen", 32}, {"prf", "hmac-sha256"},
                 {"salt", to_hex(salt, false)}};

  json doc = {
    {"version", 3},
    {"id", keystore_detail::random_uuid()},
    {"address", to_hex(key.address().view(), false)},
    {"crypto",
     {{"cipher", "aes-128-ctr"},
      {"cipherparams", {{"iv", to_hex(iv, false)}}},
      {"ciphertext", to_hex(ciphertext, false)},
      {"kdf", params.kind == kdf_params::algorithm::scrypt ? "scrypt" : "pbkdf2"},
      {"kdfparams", kdfparams},
      {"mac", to_hex(mac, false)}}},
  };
  return doc.dump();
}

private_key decrypt_keystore(std::string_view json_text, std::string_view password) {
  auto k = parse(json_text);
  secret_bytes dk(static_cast<std::size_t>(k.dklen));
  derive(dk, k.kdf, password, k.salt);
  if (!keystore_detail::mac_matches(dk.sub(16, 16), k.ciphertext, k.mac))
    throw wrong_password();

  secret_bytes plain(k.ciphertext.size());
  keystore_detail::aes128_ctr(plain.data(), dk.first(16), k.iv, k.ciphertext);
  std::optional<private_key> key;
  try {
    key.emplace(private_key::from_bytes(plain.view()));
  } catch (const std::invalid_argument&) {
    fail("the decrypted secret is not a valid secp256k1 private key");
  }
  if (k.account && *k.account != key->address())
    fail("the address field " + k.account->checksummed()
         + " does not belong to the encrypted key");
  return *key;
}

keystore_info inspect_keystore(std::string_view json_text) {
  auto k = parse(json_text);
  return {k.account, k.id,
          k.kdf.kind == kdf_params::algorithm::scrypt ? "scrypt" : "pbkdf2"};
}

std::string with_address_field(std::string_view json_text, const address& account) {
  json doc = parse_json(json_text);
  if (!doc.is_object())
    fail("top level must be a JSON object");
  for (auto it = doc.begin(); it != doc.end();) {
    if (lower(it.key()) == "address")
      it = doc.erase(it);
    else
      ++it;
  }
  doc["address"] = to_hex(account.view(), false);
  return doc.dump();
}

} // namespace petrade::eth
