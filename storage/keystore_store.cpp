#include "storage/keystore_store.hpp"

#include "storage/codec.hpp"
#include "storage/database.hpp"

#include <stdexcept>

namespace petrade::storage {

namespace {

std::string key_of(const eth::address& a) { return std::string(codec::chars(a.view())); }

} // namespace

eth::address keystore_store::put(std::string_view keystore_json) {
  auto info = eth::inspect_keystore(keystore_json);
  if (!info.account)
    throw eth::keystore_error("keystore: no address field; store it with put(address, json)");
  db_.put(column::keystores, key_of(*info.account), keystore_json);
  return *info.account;
}

void keystore_store::put(const eth::address& account, std::string_view keystore_json) {
  auto info = eth::inspect_keystore(keystore_json);
  if (info.account && *info.account != account)
    throw eth::keystore_error("keystore: names " + info.account->hex() + ", not "
                              + account.hex());
  if (info.account)
    db_.put(column::keystores, key_of(account), keystore_json);
  else
    db_.put(column::keystores, key_of(account), eth::with_address_field(keystore_json, account));
}

eth::address keystore_store::create(const eth::private_key& key, std::string_view password,
                                    const eth::kdf_params& params) {
  auto account = key.address();
  db_.put(column::keystores, key_of(account), eth::encrypt_keystore(key, password, params));
  return account;
}

std::optional<std::string> keystore_store::json(const eth::address& account) const {
  return db_.get(column::keystores, key_of(account));
}

bool keystore_store::contains(const eth::address& account) const {
  return db_.contains(column::keystores, key_of(account));
}

eth::private_key keystore_store::load(const eth::address& account,
                                      std::string_view password) const {
  auto text = json(account);
  if (!text)
    throw std::out_of_range("keystore_store: no keystore for " + account.checksummed());
  auto key = eth::decrypt_keystore(*text, password);
  if (key.address() != account)   // decrypt_keystore checks the field; be sure
    throw eth::keystore_error("keystore: stored under " + account.hex() + " but holds the key of "
                              + key.address().hex());
  return key;
}

bool keystore_store::erase(const eth::address& account) {
  if (!contains(account))
    return false;
  db_.erase(column::keystores, key_of(account));
  return true;
}

std::vector<eth::address> keystore_store::list() const {
  std::vector<eth::address> out;
  db_.for_each(column::keystores, {}, [&](std::string_view k, std::string_view) {
    if (k.size() == 20) {
      eth::address a;
      std::copy(k.begin(), k.end(), reinterpret_cast<char*>(a.value.data()));
      out.push_back(a);
    }
    return true;
  });
  return out;
}

} // namespace petrade::storage
