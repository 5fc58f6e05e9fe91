// Content-addressed blobs (project attachments) in the `files` column family:
// the key is keccak256 of the content, so equal files are stored once and a
// hash names exactly one content.
#pragma once

#include "protocol/eth/bytes.hpp"

#include <cstddef>
#include <optional>
#include <stdexcept>

namespace petrade::storage {

class database;

/// A blob larger than the store's limit.
class file_too_large : public std::length_error {
public:
  file_too_large(std::size_t size, std::size_t limit);
};

class file_store {
public:
  static constexpr std::size_t default_max_size = 16u << 20;  // 16 MiB

  explicit file_store(database& db, std::size_t max_size = default_max_size)
    : db_(db), max_size_(max_size) {}

  /// Stores `content` (synchronously, see storage::durability) unless it is
  /// already there, and returns keccak256(content). Throws file_too_large
  /// beyond max_size().
  eth::hash256 put(eth::bytes_view content);
  /// The content, or nothing. Content whose hash no longer matches its key
  /// (disk corruption) throws storage_error rather than being returned.
  std::optional<eth::bytes> get(const eth::hash256& hash) const;
  bool exists(const eth::hash256& hash) const;
  /// Removes a blob; false when there was none.
  bool erase(const eth::hash256& hash);

  std::size_t max_size() const { return max_size_; }

private:
  database& db_;
  std::size_t max_size_;
};

} // namespace petrade::storage
