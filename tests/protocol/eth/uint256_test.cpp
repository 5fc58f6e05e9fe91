// uint256 encodings: JSON-RPC quantities, big-endian bytes, decimal parsing.
#include "protocol/eth/uint256.hpp"

#include "protocol/eth/hex.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

using namespace petrade::eth;
using petrade::test::cast;

TEST(Uint256, QuantitiesBothWays) {
  EXPECT_EQ(to_quantity(0), "0x0");
  EXPECT_EQ(to_quantity(1), "0x1");
  EXPECT_EQ(to_quantity(26), "0x1a");
  EXPECT_EQ(to_quantity(256), "0x100");
  EXPECT_EQ(from_quantity("0x0"), 0);
  EXPECT_EQ(from_quantity("0x1a"), 26);
  EXPECT_EQ(from_quantity("0X1A"), 26);
  EXPECT_EQ(from_quantity("0x100"), 256);
  const uint256 max = ~uint256(0);
  EXPECT_EQ(to_quantity(max), "0x" + std::string(64, 'f'));
  EXPECT_EQ(from_quantity(to_quantity(max)), max);
}

TEST(Uint256, QuantitiesMatchCast) {
  for (std::string dec : {"0", "1", "12345", "1000000000000000000",
                          "340282366920938463463374607431768211456"}) {
    const auto v = parse_uint256(dec);
    EXPECT_EQ(to_quantity(v), cast({"to-hex", dec})) << dec;
    EXPECT_EQ(to_decimal(from_quantity(to_quantity(v))),
              cast({"to-dec", to_quantity(v)}));
  }
  EXPECT_EQ(to_decimal(~uint256(0)), cast({"max-uint"}));
}

TEST(Uint256, StrictQuantitiesRejectLeadingZeros) {
  EXPECT_EQ(from_quantity("0x01a"), 26); // lenient by default
  try {
    from_quantity("0x01a", true);
    FAIL() << "leading zero accepted";
  } catch (const decode_error& e) {
    EXPECT_EQ(e.offset(), 2u);
  }
  EXPECT_EQ(from_quantity("0x0", true), 0);
  EXPECT_THROW(from_quantity("0x00", true), decode_error);
}

TEST(Uint256, MalformedQuantities) {
  EXPECT_THROW(from_quantity("0x"), decode_error);
  EXPECT_THROW(from_quantity("1a"), decode_error);
  EXPECT_THROW(from_quantity("0xzz"), decode_error);
  EXPECT_THROW(from_quantity("0x1" + std::string(64, '0')), decode_error); // 2^256
}

TEST(Uint256, BigEndianBytes) {
  EXPECT_TRUE(to_be_minimal(0).empty());
  EXPECT_EQ(to_be_minimal(1), bytes{1});
  EXPECT_EQ(to_be_minimal(0x1234), (bytes{0x12, 0x34}));
  auto w = to_be32(0x1234);
  EXPECT_EQ(w[30], 0x12);
  EXPECT_EQ(w[31], 0x34);
  EXPECT_EQ(from_be(bytes{0x12, 0x34}), 0x1234);
  EXPECT_EQ(from_be(bytes{}), 0);
  EXPECT_EQ(from_be(w), 0x1234);
  EXPECT_THROW(from_be(bytes(33, 1)), decode_error);
}

TEST(Uint256, DecimalParsing) {
  EXPECT_EQ(parse_uint256("0"), 0);
  EXPECT_EQ(parse_uint256("1000000000000000000"), uint256("1000000000000000000"));
  EXPECT_EQ(parse_uint256("0xff"), 255);
  const std::string max =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";
  EXPECT_EQ(parse_uint256(max), ~uint256(0));
}

TEST(Uint256, DecimalOverflowIsAnError) {
  const std::string over =
    "115792089237316195423570985008687907853269984665640564039457584007913129639936";
  try {
    parse_uint256(over);
    FAIL() << "2^256 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("256 bits"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(over), std::string::npos);
  }
  EXPECT_THROW(parse_uint256(over + "0"), std::invalid_argument);
  EXPECT_THROW(parse_uint256(""), std::invalid_argument);
  EXPECT_THROW(parse_uint256("12a"), std::invalid_argument);
  EXPECT_THROW(parse_uint256("-1"), std::invalid_argument);
  EXPECT_THROW(parse_uint256("0x1" + std::string(64, '0')), std::invalid_argument);
}
