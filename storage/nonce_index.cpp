#include "storage/nonce_index.hpp"

#include "storage/codec.hpp"
#include "storage/database.hpp"

namespace petrade::storage {

std::string nonce_index::key(const eth::address& sender, std::uint64_t nonce) {
  std::string k(codec::chars(sender.view()));
  codec::put_be64(k, nonce);
  return k;
}

std::optional<std::uint64_t> nonce_index::highest(const eth::address& sender) const {
  auto last = db_.last_with_prefix(column::nonces, codec::chars(sender.view()));
  if (!last)
    return std::nullopt;
  return codec::get_be64(last->first, 20);
}

std::optional<std::uint64_t> nonce_index::owner(const eth::address& sender,
                                                std::uint64_t nonce) const {
  auto v = db_.get(column::nonces, key(sender, nonce));
  if (!v)
    return std::nullopt;
  return codec::get_be64(*v);
}

std::vector<std::uint64_t> nonce_index::gaps(const eth::address& sender, std::uint64_t from,
                                             std::uint64_t to) const {
  std::vector<std::uint64_t> out;
  if (from >= to)
    return out;
  auto expected = from;
  db_.for_each(
    column::nonces, codec::chars(sender.view()),
    [&](std::string_view k, std::string_view) {
      auto n = codec::get_be64(k, 20);
      if (n >= to)
        return false;
      for (; expected < n; ++expected)
        out.push_back(expected);
      expected = n + 1;
      return expected < to;
    },
    key(sender, from));
  for (; expected < to; ++expected)
    out.push_back(expected);
  return out;
}

} // namespace petrade::storage
