// Keystore files as `petrade account import` and the keystore store read
// them: inspect (everything but the MAC), decrypt with a password, rewrite
// the address field. Documented refusals are keystore_error, decode_error
// (not JSON) and wrong_password; anything else escaping is a finding.
//
// Decryption runs only when the file's kdf is cheap: a valid file may ask for
// up to 1 GiB of scrypt memory by design, which would only measure the kdf.
// The seeds use scrypt n = 2 and pbkdf2 c = 16 so the full path is reached.
#include "protocol/eth/keystore.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

using namespace petrade::eth;
using json = nlohmann::json;

namespace {

constexpr const char* password = "petrade-fuzz";

// Go-style case-insensitive key lookup, as the keystore reader does.
const json* find(const json& obj, const std::string& name) {
  if (!obj.is_object())
    return nullptr;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    std::string k = it.key();
    std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
    if (k == name)
      return &*it;
  }
  return nullptr;
}

std::uint64_t number(const json* obj, const char* name) {
  auto* v = obj ? find(*obj, name) : nullptr;
  if (v && v->is_number_unsigned())
    return v->get<std::uint64_t>();
  return ~std::uint64_t{0};   // unknown: treat as expensive
}

bool cheap_kdf(std::string_view text) {
  auto doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded())
    return false;
  auto* crypto = find(doc, "crypto");
  auto* params = crypto ? find(*crypto, "kdfparams") : nullptr;
  auto* kdf = crypto ? find(*crypto, "kdf") : nullptr;
  if (!kdf || !kdf->is_string())
    return false;
  auto name = kdf->get<std::string>();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  if (name == "scrypt")
    return number(params, "n") <= 16 && number(params, "r") <= 8 && number(params, "p") <= 2;
  return number(params, "c") <= 64;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    inspect_keystore(text);
  } catch (const keystore_error&) {
    return 0;
  } catch (const decode_error&) {
    return 0;
  }
  try {
    if (cheap_kdf(text))
      decrypt_keystore(text, password);
  } catch (const keystore_error&) {
  } catch (const wrong_password&) {
  }
  with_address_field(text, address{});
  return 0;
}
