// Strict hex decoding: prefixes, odd lengths and bad digits with positions.
#include "protocol/eth/hex.hpp"

#include <gtest/gtest.h>

using namespace petrade::eth;

TEST(Hex, RoundTripsBytes) {
  bytes b{0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  EXPECT_EQ(to_hex(b), "0x00017f80abff");
  EXPECT_EQ(to_hex(b, false), "00017f80abff");
  EXPECT_EQ(from_hex("0x00017f80abff"), b);
  EXPECT_EQ(from_hex("00017F80ABFF"), b);
}

TEST(Hex, EmptyInputs) {
  EXPECT_EQ(to_hex(bytes{}), "0x");
  EXPECT_TRUE(from_hex("").empty());
  EXPECT_TRUE(from_hex("0x").empty());
  EXPECT_TRUE(from_hex("0X").empty());
}

TEST(Hex, AcceptsUpperCasePrefix) {
  EXPECT_EQ(from_hex("0XdeadBEEF"), (bytes{0xde, 0xad, 0xbe, 0xef}));
}

TEST(Hex, OddLengthIsAnError) {
  try {
    from_hex("0xabc");
    FAIL() << "odd length accepted";
  } catch (const decode_error& e) {
    EXPECT_EQ(e.offset(), 5u);
    EXPECT_NE(std::string(e.what()).find("odd"), std::string::npos);
  }
  EXPECT_THROW(from_hex("1"), decode_error);
}

TEST(Hex, BadCharacterNamesItsPosition) {
  try {
    from_hex("0x12g4");
    FAIL() << "bad digit accepted";
  } catch (const decode_error& e) {
    EXPECT_EQ(e.offset(), 4u);
    EXPECT_NE(std::string(e.what()).find("'g'"), std::string::npos);
  }
  try {
    from_hex("123z");
    FAIL();
  } catch (const decode_error& e) {
    EXPECT_EQ(e.offset(), 3u);
  }
  // A second "0x" is not a prefix any more.
  try {
    from_hex("0x0x12");
    FAIL();
  } catch (const decode_error& e) {
    EXPECT_EQ(e.offset(), 3u);
  }
}

TEST(Hex, FixedWidth) {
  auto a = from_hex_fixed<2>("0x0102");
  EXPECT_EQ(a[0], 1);
  EXPECT_EQ(a[1], 2);
  EXPECT_THROW(from_hex_fixed<3>("0x0102"), decode_error);
}
