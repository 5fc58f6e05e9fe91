#include "protocol/eth/keccak.hpp"

#include <cryptopp/keccak.h>

namespace petrade::eth {

hash256 keccak256(bytes_view data) {
  CryptoPP::Keccak_256 h;
  h.Update(data.data(), data.size());
  hash256 out;
  h.Final(out.data());
  return out;
}

} // namespace petrade::eth
