// storage::user_store: users with their address index, sessions and the
// accounts index, in RocksDB.
#include "storage/user_store.hpp"

#include "protocol/eth/key.hpp"
#include "storage/database.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

namespace {

using namespace petrade;
using namespace petrade::storage;

class UserStore : public ::testing::Test {
protected:
  user_record user(const std::string& name, int key) {
    return {name, eth::private_key::from_hex(test::dev_keys[key]).address(), "user",
            "scrypt$2$8$1$00$00", 1700000000};
  }
  test::scratch_dir dir{"store-users"};
  std::unique_ptr<database> db = std::make_unique<database>(dir / "db");
};

TEST_F(UserStore, UsersAreFoundByNameAndAddressAndNeverTwice) {
  user_store store(*db);
  auto alice = user("alice", 0);
  EXPECT_TRUE(store.create(alice));
  EXPECT_FALSE(store.create(alice)) << "same name";
  EXPECT_FALSE(store.create(user("bob", 0))) << "same address";
  EXPECT_TRUE(store.create(user("bob", 1)));
  auto found = store.find("alice");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->address, alice.address);
  EXPECT_EQ(found->password_hash, alice.password_hash);
  EXPECT_EQ(found->created, alice.created);
  EXPECT_EQ(store.find_by_address(user("x", 1).address)->username, "bob");
  EXPECT_FALSE(store.find("carol"));
  EXPECT_FALSE(store.find_by_address(user("x", 2).address));
  EXPECT_EQ(store.usernames_containing("o", 10), std::vector<std::string>{"bob"});
  EXPECT_EQ(store.usernames_containing("", 1), std::vector<std::string>{"alice"});

  // Every user is in the accounts index; admin accounts join it.
  store.add_account({user("x", 2).address, std::nullopt, 5});
  auto all = store.accounts();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(store.account(alice.address)->owner, std::optional<std::string>("alice"));
  EXPECT_FALSE(store.account(user("x", 2).address)->owner);
}

TEST_F(UserStore, SessionsOpenAndClose) {
  user_store store(*db);
  store.open_session("d1", {"alice", 123});
  ASSERT_TRUE(store.session("d1"));
  EXPECT_EQ(store.session("d1")->username, "alice");
  EXPECT_EQ(store.session("d1")->expires_ms, 123);
  store.close_session("d1");
  EXPECT_FALSE(store.session("d1"));
}

TEST_F(UserStore, AnUnreadableRecordNamesItsKey) {
  db->put(column::users, "user:broken", "{not json");
  try {
    user_store(*db).find("broken");
    FAIL() << "no error";
  } catch (const storage_error& e) {
    EXPECT_NE(std::string(e.what()).find("user:broken"), std::string::npos) << e.what();
  }
}

} // namespace
