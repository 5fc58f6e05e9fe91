// storage::database against a real RocksDB in a temporary directory.
#include "storage/database.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using namespace petrade::storage;

constexpr column all_columns[] = {
  column::journal, column::idempotency, column::nonces, column::users, column::sessions,
  column::keystores, column::files, column::read_models, column::checkpoint,
};
static_assert(std::size(all_columns) == column_count);

class Database : public ::testing::Test {
protected:
  void TearDown() override { std::filesystem::remove_all(base_); }
  std::string base_ = petrade::test::temp_dir("store-db");
  std::string dir_ = base_ + "/db";   // database creates the last level itself
};

std::string number_key(unsigned i) {
  std::string k(4, '\0');
  for (int b = 0; b < 4; ++b)
    k[b] = static_cast<char>((i >> (24 - 8 * b)) & 0xff);
  return k;
}

TEST_F(Database, ColumnNamesAreDistinct) {
  std::set<std::string> names;
  for (auto c : all_columns)
    names.insert(column_name(c));
  EXPECT_EQ(names.size(), column_count);
  EXPECT_STREQ(column_name(column::read_models), "read_models");
}

TEST_F(Database, ReopenKeepsDataInEveryColumn) {
  {
    database db(dir_);
    for (auto c : all_columns)
      db.put(c, "key", std::string("value of ") + column_name(c));
    db.put(column::read_models, "rebuildable", "x", durability::buffered);
  }
  database db(dir_);
  for (auto c : all_columns) {
    auto v = db.get(c, "key");
    ASSERT_TRUE(v) << column_name(c);
    EXPECT_EQ(*v, std::string("value of ") + column_name(c));
  }
  EXPECT_EQ(db.get(column::read_models, "rebuildable"), "x");
  EXPECT_FALSE(db.get(column::journal, "rebuildable"));   // columns are separate
}

TEST_F(Database, GetPutEraseAndBinaryKeys) {
  database db(dir_);
  std::string key("\0\xff\x01", 3), value("\0\0zero", 6);
  EXPECT_FALSE(db.contains(column::users, key));
  db.put(column::users, key, value);
  EXPECT_EQ(db.get(column::users, key), value);
  db.put(column::users, key, "second");
  EXPECT_EQ(db.get(column::users, key), "second");
  db.erase(column::users, key);
  EXPECT_FALSE(db.get(column::users, key));
  db.erase(column::users, "never there");   // not an error
}

TEST_F(Database, BatchAcrossColumnsIsAllOrNothing) {
  database db(dir_);
  batch b;
  for (auto c : all_columns)
    b.put(c, "batched", column_name(c));
  b.erase(column::users, "batched");   // later ops win within a batch
  EXPECT_EQ(b.size(), column_count + 1);
  db.write(b);
  for (auto c : all_columns)
    EXPECT_EQ(db.contains(c, "batched"), c != column::users) << column_name(c);

  // One bad operation (an unknown column) and none of the others happen.
  batch bad;
  for (auto c : all_columns)
    bad.put(c, "doomed", "x");
  bad.put(static_cast<column>(42), "doomed", "x");
  EXPECT_THROW(db.write(bad), std::invalid_argument);
  for (auto c : all_columns)
    EXPECT_FALSE(db.contains(c, "doomed")) << column_name(c);
}

// A writer process killed in the middle of a stream of batches: after
// recovery every batch is either wholly there (in all nine columns) or not at
// all, and the ones there are a prefix of the stream.
TEST_F(Database, BatchesSurviveAKilledWriterWhole) {
  { database create(dir_); }
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    try {
      database db(dir_);
      for (unsigned i = 0;; ++i) {
        batch b;
        for (auto c : all_columns)
          b.put(c, number_key(i), std::string(100, static_cast<char>('a' + i % 26)));
        db.write(b, i % 2 ? durability::sync : durability::buffered);
        if (i == 50 && write(ready[1], "x", 1) != 1)
          _exit(3);
      }
    } catch (...) {
      _exit(2);
    }
  }
  close(ready[1]);
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  usleep(100'000);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(ready[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited with " << WEXITSTATUS(status);

  database db(dir_);
  auto present = db.scan(column::journal, "").size();
  EXPECT_GT(present, 50u);
  for (unsigned i = 0; i < present + 100; ++i)
    for (auto col : all_columns)
      EXPECT_EQ(db.contains(col, number_key(i)), i < present)
        << "batch " << i << " column " << column_name(col);
}

TEST_F(Database, SecondOpenInThisProcessFailsClearly) {
  database first(dir_);
  try {
    database second(dir_);
    FAIL() << "opened a locked database";
  } catch (const storage_error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find(dir_), std::string::npos) << what;
    EXPECT_NE(what.find("lock"), std::string::npos) << what;
  }
  first.put(column::users, "still", "usable");
  EXPECT_EQ(first.get(column::users, "still"), "usable");
}

TEST_F(Database, OpenLockedByAnotherProcessFailsClearly) {
  { database create(dir_); }
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    try {
      database db(dir_);
      if (write(ready[1], "x", 1) != 1)
        _exit(3);
      pause();
    } catch (...) {
    }
    _exit(2);
  }
  close(ready[1]);
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  std::string what;
  try {
    database db(dir_);
  } catch (const storage_error& e) {
    what = e.what();
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(ready[0]);
  EXPECT_NE(what.find("rocksdb open '" + dir_ + "'"), std::string::npos) << what;
  EXPECT_NE(what.find("lock"), std::string::npos) << what;
  database after(dir_);   // the lock dies with its holder
}

TEST_F(Database, UnusablePathNamesItself) {
  std::string file = dir_ + "-file";
  std::filesystem::create_directories(dir_);
  { std::FILE* f = std::fopen(file.c_str(), "w"); std::fclose(f); }
  try {
    database db(file + "/db");
    FAIL();
  } catch (const storage_error& e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
  }
  std::filesystem::remove(file);
}

TEST_F(Database, IteratesByPrefix) {
  database db(dir_);
  for (std::string k : std::vector<std::string>{"a", "a1", "a2", std::string("a\xff", 2), "ab", "b", "b1", ""})
    db.put(column::read_models, k, "v:" + k);
  db.put(column::read_models, std::string("\xff\xff", 2), "top");
  db.put(column::sessions, "a3", "other column");

  auto keys = [&](std::string_view prefix, std::string_view start = {}) {
    std::vector<std::string> out;
    db.for_each(column::read_models, prefix, [&](std::string_view k, std::string_view v) {
      EXPECT_EQ(v, k == "\xff\xff" ? "top" : "v:" + std::string(k));
      out.emplace_back(k);
      return true;
    }, start);
    return out;
  };
  using v = std::vector<std::string>;
  EXPECT_EQ(keys("a"), (v{"a", "a1", "a2", "ab", std::string("a\xff", 2)}));
  EXPECT_EQ(keys("a", "a2"), (v{"a2", "ab", std::string("a\xff", 2)}));
  EXPECT_EQ(keys("b"), (v{"b", "b1"}));
  EXPECT_EQ(keys("c"), v{});
  EXPECT_EQ(keys(std::string("\xff", 1)), v{std::string("\xff\xff", 2)});
  EXPECT_EQ(keys("").size(), 9u);

  // Stopping early.
  int seen = 0;
  db.for_each(column::read_models, "a", [&](auto, auto) { return ++seen < 2; });
  EXPECT_EQ(seen, 2);

  EXPECT_EQ(db.scan(column::read_models, "a", 2).size(), 2u);
  EXPECT_EQ(db.last_with_prefix(column::read_models, "a")->first, std::string("a\xff", 2));
  EXPECT_EQ(db.last_with_prefix(column::read_models, "b")->second, "v:b1");
  EXPECT_FALSE(db.last_with_prefix(column::read_models, "c"));
  EXPECT_EQ(db.last_with_prefix(column::read_models, "")->second, "top");
  EXPECT_EQ(db.last_with_prefix(column::read_models, std::string("\xff", 1))->second, "top");
  EXPECT_FALSE(db.last_with_prefix(column::users, ""));
}

} // namespace
