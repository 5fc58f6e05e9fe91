// storage::file_store: content-addressed blobs.
#include "storage/file_store.hpp"

#include "protocol/eth/keccak.hpp"
#include "storage/database.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace {

using namespace petrade;
using namespace petrade::storage;

class FileStore : public ::testing::Test {
protected:
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string dir_ = test::temp_dir("store-files");
  std::unique_ptr<database> db_ = std::make_unique<database>(dir_);
};

eth::bytes random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  eth::bytes b(n);
  for (auto& x : b)
    x = static_cast<std::uint8_t>(gen());
  return b;
}

TEST_F(FileStore, ByHash) {
  file_store files(*db_);
  std::string text = "project attachment";
  auto content = eth::as_view(text);
  auto hash = files.put(content);
  EXPECT_EQ(hash, eth::keccak256(content));
  EXPECT_TRUE(files.exists(hash));
  EXPECT_EQ(files.get(hash), eth::bytes(content.begin(), content.end()));
  EXPECT_EQ(files.put(content), hash);   // stored once

  auto empty = files.put({});
  EXPECT_EQ(files.get(empty), eth::bytes{});

  eth::hash256 unknown{};
  EXPECT_FALSE(files.exists(unknown));
  EXPECT_FALSE(files.get(unknown));
  EXPECT_TRUE(files.erase(hash));
  EXPECT_FALSE(files.exists(hash));
  EXPECT_FALSE(files.erase(hash));
}

TEST_F(FileStore, LargeBlobsSurviveReopen) {
  std::vector<std::pair<eth::hash256, eth::bytes>> stored;
  {
    file_store files(*db_);
    for (unsigned i = 0; i < 4; ++i) {
      auto b = random_bytes((1u << 20) + i * 1000, i);   // about 1 MiB each
      stored.emplace_back(files.put(b), std::move(b));
    }
  }
  db_.reset();
  db_ = std::make_unique<database>(dir_);
  file_store files(*db_);
  for (auto& [hash, content] : stored)
    EXPECT_EQ(files.get(hash), content);
}

TEST_F(FileStore, SizeLimit) {
  file_store files(*db_, 1000);
  EXPECT_EQ(files.max_size(), 1000u);
  files.put(random_bytes(1000, 1));
  auto big = random_bytes(1001, 2);
  try {
    files.put(big);
    FAIL();
  } catch (const file_too_large& e) {
    EXPECT_NE(std::string(e.what()).find("1001"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(files.exists(eth::keccak256(big)));
}

TEST_F(FileStore, DamagedContentIsNotReturned) {
  file_store files(*db_);
  auto hash = files.put(random_bytes(100, 3));
  db_->put(column::files, std::string(reinterpret_cast<const char*>(hash.data()), 32), "evil");
  EXPECT_THROW(files.get(hash), storage_error);
}

} // namespace
