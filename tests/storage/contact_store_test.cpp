// storage::contact_store: friend requests and friendships in RocksDB.
#include "storage/contact_store.hpp"

#include "storage/database.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

namespace {

using namespace petrade;
using namespace petrade::storage;

class ContactStore : public ::testing::Test {
protected:
  test::scratch_dir dir{"store-contacts"};
  std::unique_ptr<database> db = std::make_unique<database>(dir / "db");
};

TEST_F(ContactStore, FromRequestToFriendship) {
  contact_store c(*db);
  EXPECT_EQ(c.between("ann", "ann"), relation::self);
  EXPECT_EQ(c.between("ann", "bo"), relation::none);
  c.request("ann", "bo");
  EXPECT_EQ(c.between("ann", "bo"), relation::requested);
  EXPECT_EQ(c.between("bo", "ann"), relation::pending);
  EXPECT_EQ(c.outgoing("ann"), std::vector<std::string>{"bo"});
  EXPECT_EQ(c.incoming("bo"), std::vector<std::string>{"ann"});
  // "bo" must not see requests to "bob".
  c.request("cy", "bob");
  EXPECT_EQ(c.incoming("bo"), std::vector<std::string>{"ann"});
  c.befriend("bo", "ann");
  EXPECT_TRUE(c.are_friends("ann", "bo") && c.are_friends("bo", "ann"));
  EXPECT_TRUE(c.outgoing("ann").empty() && c.incoming("bo").empty());
  EXPECT_EQ(c.friends("ann"), std::vector<std::string>{"bo"});
  EXPECT_STREQ(to_string(c.between("ann", "bo")), "friend");
  EXPECT_TRUE(c.withdraw("cy", "bob"));
  EXPECT_FALSE(c.withdraw("cy", "bob"));
  EXPECT_EQ(c.between("cy", "bob"), relation::none);
}

} // namespace
