// storage::keystore_store: encrypted keystores in RocksDB.
#include "storage/keystore_store.hpp"

#include "protocol/eth/hex.hpp"
#include "storage/database.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

namespace {

using namespace petrade;
using namespace petrade::storage;

class KeystoreStore : public ::testing::Test {
protected:
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string dir_ = test::temp_dir("store-keystore");
  std::unique_ptr<database> db_ = std::make_unique<database>(dir_);
};

TEST_F(KeystoreStore, RoundTripSurvivesReopen) {
  auto key = eth::private_key::from_hex(test::dev_keys[1]);
  eth::address account;
  {
    keystore_store store(*db_);
    account = store.create(key, "pw one", eth::kdf_params::light());
    EXPECT_EQ(account, key.address());
    EXPECT_TRUE(store.contains(account));
    // Only ciphertext is stored.
    auto text = store.json(account);
    ASSERT_TRUE(text);
    EXPECT_EQ(text->find(eth::to_hex(key.secret(), false)), std::string::npos);
    EXPECT_NE(text->find("\"version\""), std::string::npos);
  }
  db_.reset();
  db_ = std::make_unique<database>(dir_);
  keystore_store store(*db_);
  auto back = store.load(account, "pw one");
  EXPECT_EQ(back.secret(), key.secret());
  EXPECT_THROW(store.load(account, "wrong"), eth::wrong_password);
}

TEST_F(KeystoreStore, PutValidatesAndListsAddresses) {
  keystore_store store(*db_);
  std::vector<eth::address> expected;
  for (auto hex : test::dev_keys) {
    auto key = eth::private_key::from_hex(hex);
    auto json = eth::encrypt_keystore(key, "pw", eth::kdf_params::light());
    EXPECT_EQ(store.put(json), key.address());
    expected.push_back(key.address());
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(store.list(), expected);

  auto key0 = eth::private_key::from_hex(test::dev_keys[0]);
  auto json0 = eth::encrypt_keystore(key0, "pw", eth::kdf_params::light());
  // A keystore naming another address is refused.
  EXPECT_THROW(store.put(expected[1] == key0.address() ? expected[0] : expected[1], json0),
               eth::keystore_error);
  EXPECT_THROW(store.put("not json"), eth::decode_error);
  EXPECT_THROW(store.put("{\"version\":3}"), eth::keystore_error);

  EXPECT_TRUE(store.erase(key0.address()));
  EXPECT_FALSE(store.erase(key0.address()));
  EXPECT_EQ(store.list().size(), 3u);
  EXPECT_THROW(store.load(key0.address(), "pw"), std::out_of_range);
}

TEST_F(KeystoreStore, KeystoreWithoutAddressGetsOne) {
  keystore_store store(*db_);
  auto key = eth::private_key::from_hex(test::dev_keys[2]);
  auto json = nlohmann::json::parse(eth::encrypt_keystore(key, "pw", eth::kdf_params::light()));
  json.erase("address");   // as cast writes them
  EXPECT_THROW(store.put(json.dump()), eth::keystore_error);
  store.put(key.address(), json.dump());
  EXPECT_EQ(eth::inspect_keystore(*store.json(key.address())).account, key.address());
  EXPECT_EQ(store.load(key.address(), "pw").secret(), key.secret());
}

} // namespace
