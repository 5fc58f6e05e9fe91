// RLP and raw transactions from the outside world: what /rpc's
// eth_sendRawTransaction and a node's answers hand to protocol/eth. Malformed
// input must end in eth::decode_error; and since both decoders are strict,
// whatever they accept must encode back to exactly the input.
#include "protocol/eth/rlp.hpp"
#include "protocol/eth/transaction.hpp"

#include <cstdio>
#include <cstdlib>

using namespace petrade::eth;

namespace {

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "rlp_decode: %s\n", what);
  std::abort();
}

// The typed reads the transaction decoder and the indexer apply to items.
void read_typed(const rlp::item& it, std::size_t depth) {
  if (it.is_list()) {
    if (depth < 8)
      for (auto& c : it.children())
        read_typed(c, depth + 1);
    return;
  }
  auto attempt = [](auto read) {
    try {
      read();
    } catch (const decode_error&) {
    }
  };
  attempt([&] { rlp::as_uint256(it, "u256"); });
  attempt([&] { rlp::as_uint64(it, "u64"); });
  attempt([&] { rlp::as_address(it, "address"); });
  attempt([&] { rlp::as_hash256(it, "hash"); });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bytes_view in(data, size);
  try {
    auto it = rlp::decode(in);
    if (rlp::encode(it) != bytes(in.begin(), in.end()))
      broken("an accepted item does not encode back to the input");
    read_typed(it, 0);
  } catch (const decode_error&) {
  }
  try {
    auto tx = transaction::decode(in);
    if (tx.raw() != bytes(in.begin(), in.end()))
      broken("an accepted transaction does not encode back to the input");
    tx.hash();
    tx.sender();   // an invalid signature is a decode_error too
  } catch (const decode_error&) {
  }
  return 0;
}
