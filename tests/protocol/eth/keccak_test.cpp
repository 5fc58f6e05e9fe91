// Keccak-256 (Ethereum's, not SHA3-256) against known values and cast.
#include "protocol/eth/keccak.hpp"

#include "protocol/eth/hex.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

using namespace petrade::eth;
using petrade::test::cast;

TEST(Keccak, EmptyInput) {
  EXPECT_EQ(to_hex(keccak256(std::string_view{})),
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(to_hex(keccak256(bytes_view{})),
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

TEST(Keccak, IsNotSha3) {
  // SHA3-256("") is a7ffc6f8...; Ethereum uses the original Keccak padding.
  EXPECT_NE(to_hex(keccak256(std::string_view{})).substr(0, 10), "0xa7ffc6f8");
}

TEST(Keccak, TextMatchesCast) {
  // Lengths around the 136-byte rate exercise the padding of a second block.
  for (std::string text : {std::string("hello"), std::string("transfer(address,uint256)"),
                           std::string(135, 'a'), std::string(136, 'b'),
                           std::string(137, 'c'), std::string(300, 'd')}) {
    EXPECT_EQ(to_hex(keccak256(text)), cast({"keccak", text})) << text.size();
  }
}

TEST(Keccak, BytesMatchCast) {
  // cast keccak reads a 0x-prefixed argument as hex bytes.
  for (std::string hex :
       {std::string("0x00"), std::string("0x1234"), std::string("0xdeadbeefcafebabe"),
        "0x" + std::string(400, 'f')}) {
    EXPECT_EQ(to_hex(keccak256(from_hex(hex))), cast({"keccak", hex})) << hex;
  }
}

TEST(Keccak, FunctionSelector) {
  auto h = keccak256("transfer(address,uint256)");
  EXPECT_EQ(to_hex(bytes_view(h).first(4)), "0xa9059cbb");
}
