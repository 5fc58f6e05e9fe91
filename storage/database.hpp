// One RocksDB database with a column family per kind of record (design §8).
// RocksDB's headers stay in database.cpp: callers see strings and a batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace petrade::storage {

/// The column families. Their names on disk are those of column_name().
enum class column : std::uint8_t {
  journal,      // write tasks and their states (storage/journal.hpp)
  idempotency,  // client Idempotency-Key -> task id
  nonces,       // sender + nonce -> task id (storage/nonce_index.hpp)
  users,
  sessions,
  keystores,    // address -> encrypted Web3 v3 keystore JSON
  files,        // keccak256(content) -> content
  read_models,  // projects, demands, friends, bills
  checkpoint,   // indexer progress
};
inline constexpr std::size_t column_count = 9;

/// "journal", "idempotency", ... (stable: they name the column families).
const char* column_name(column c);

/// How a write reaches the disk.
///
/// `sync` (the default) fsyncs the write-ahead log before the call returns, so
/// the write survives a power loss, not just a process crash. Everything a
/// client is told about (a 202 with a task id, a stored keystore, an uploaded
/// file) and every reserved nonce is written this way: an acknowledgement must
/// never outlive the data it acknowledges. RocksDB groups concurrent sync
/// writers into one fsync, so many threads writing at once pay for few.
///
/// `buffered` only reaches the OS page cache: it survives a crash of the
/// process but not of the machine. Meant for data that can be rebuilt (read
/// models and the indexer checkpoint, which are derived from chain events).
enum class durability { sync, buffered };

/// Raised for every RocksDB failure; the message names the database path, the
/// operation and RocksDB's status text.
class storage_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Writes for several column families, applied all at once or not at all by
/// database::write. A plain value: it holds copies of keys and values.
class batch {
public:
  void put(column c, std::string_view key, std::string_view value);
  void erase(column c, std::string_view key);
  std::size_t size() const { return ops_.size(); }
  bool empty() const { return ops_.empty(); }
  void clear() { ops_.clear(); }

private:
  friend class database;
  struct op {
    column col;
    bool erase;
    std::string key;
    std::string value;
  };
  std::vector<op> ops_;
};

class database {
public:
  /// Opens (creating the directory, the database and missing column families
  /// as needed) the database at `path`. Column families found on disk that
  /// this version does not know are opened too and left alone. Throws
  /// storage_error naming `path` when RocksDB refuses, e.g. because another
  /// instance (in this process or another) holds the database's lock.
  explicit database(std::string path);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  const std::string& path() const { return path_; }

  std::optional<std::string> get(column c, std::string_view key) const;
  bool contains(column c, std::string_view key) const;
  void put(column c, std::string_view key, std::string_view value,
           durability d = durability::sync);
  void erase(column c, std::string_view key, durability d = durability::sync);
  /// Applies every operation of `b` atomically (one RocksDB WriteBatch).
  void write(const batch& b, durability d = durability::sync);

  /// Visits the keys starting with `prefix` in ascending byte order, from the
  /// first one >= `start` (start is compared with whole keys; an empty start
  /// means from the first key of the prefix). `visit` returns false to stop.
  using visitor = std::function<bool(std::string_view key, std::string_view value)>;
  void for_each(column c, std::string_view prefix, const visitor& visit,
                std::string_view start = {}) const;
  /// The greatest key starting with `prefix`, and its value.
  std::optional<std::pair<std::string, std::string>> last_with_prefix(
    column c, std::string_view prefix) const;
  /// All (key, value) pairs under `prefix`, at most `limit` of them.
  std::vector<std::pair<std::string, std::string>> scan(
    column c, std::string_view prefix, std::size_t limit = SIZE_MAX) const;

private:
  struct impl;
  std::string path_;
  std::unique_ptr<impl> impl_;
};

} // namespace petrade::storage
