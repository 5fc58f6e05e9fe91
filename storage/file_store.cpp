#include "storage/file_store.hpp"

#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"
#include "storage/codec.hpp"
#include "storage/database.hpp"

namespace petrade::storage {

file_too_large::file_too_large(std::size_t size, std::size_t limit)
  : std::length_error("file of " + std::to_string(size) + " bytes exceeds the limit of "
                      + std::to_string(limit) + " bytes") {}

eth::hash256 file_store::put(eth::bytes_view content) {
  if (content.size() > max_size_)
    throw file_too_large(content.size(), max_size_);
  auto hash = eth::keccak256(content);
  auto key = codec::chars(hash);
  if (!db_.contains(column::files, key))
    db_.put(column::files, key, codec::chars(content));
  return hash;
}

std::optional<eth::bytes> file_store::get(const eth::hash256& hash) const {
  auto value = db_.get(column::files, codec::chars(hash));
  if (!value)
    return std::nullopt;
  eth::bytes content(value->begin(), value->end());
  if (eth::keccak256(content) != hash)
    throw storage_error("file_store '" + db_.path() + "': content of " + eth::to_hex(hash)
                        + " does not match its hash");
  return content;
}

bool file_store::exists(const eth::hash256& hash) const {
  return db_.contains(column::files, codec::chars(hash));
}

bool file_store::erase(const eth::hash256& hash) {
  if (!exists(hash))
    return false;
  db_.erase(column::files, codec::chars(hash));
  return true;
}

} // namespace petrade::storage
