// The nonces each sender has used, in the `nonces` column family:
// key = sender (20 bytes) + nonce (8 bytes, big-endian), value = the id of the
// journal task that holds it (8 bytes, big-endian). The journal writes an
// entry in the same WriteBatch as the task that uses the nonce, and erases it
// in the same batch that fails a task whose transaction was never broadcast.
// The greatest entry is the sender's high-water mark; a missing entry below
// it is a gap: a nonce no journalled transaction holds.
#pragma once

#include "protocol/eth/address.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace petrade::storage {

class database;

class nonce_index {
public:
  explicit nonce_index(const database& db) : db_(db) {}

  static std::string key(const eth::address& sender, std::uint64_t nonce);

  /// The highest nonce stored for `sender`, if any.
  std::optional<std::uint64_t> highest(const eth::address& sender) const;
  /// The task holding `nonce`, if any.
  std::optional<std::uint64_t> owner(const eth::address& sender, std::uint64_t nonce) const;
  /// The nonces in [from, to) that have no entry, ascending.
  std::vector<std::uint64_t> gaps(const eth::address& sender, std::uint64_t from,
                                  std::uint64_t to) const;

private:
  const database& db_;
};

} // namespace petrade::storage
