// EIP-55 checksummed addresses, checked against cast to-check-sum-address.
#include "protocol/eth/address.hpp"

#include "protocol/eth/hex.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

using namespace petrade::eth;
using petrade::test::cast;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const char* const samples[] = {
  "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
  "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
  "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
  "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
  "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb",
  "0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb",
  "0x0000000000000000000000000000000000000000",
  "0xffffffffffffffffffffffffffffffffffffffff",
};

} // namespace

TEST(Address, ChecksumsMatchCast) {
  for (const char* s : samples) {
    auto a = address::parse(s);
    EXPECT_EQ(a.hex(), s);
    EXPECT_EQ(a.checksummed(), cast({"to-check-sum-address", s})) << s;
  }
}

TEST(Address, ChecksummedInputRoundTrips) {
  for (const char* s : samples) {
    const auto sum = address::parse(s).checksummed();
    EXPECT_EQ(address::parse(sum).checksummed(), sum);
    EXPECT_EQ(address::parse(sum), address::parse(s));
  }
}

TEST(Address, WrongChecksumIsRejectedWithOffset) {
  const std::string good = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
  ASSERT_NO_THROW(address::parse(good));
  // Flip the case of each letter in turn; the error names that position.
  int flipped = 0;
  for (std::size_t i = 2; i < good.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(good[i]);
    if (!std::isalpha(c))
      continue;
    std::string bad = good;
    bad[i] = static_cast<char>(std::isupper(c) ? std::tolower(c) : std::toupper(c));
    try {
      address::parse(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const decode_error& e) {
      EXPECT_EQ(e.offset(), i) << bad;
      EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos);
    }
    ++flipped;
  }
  EXPECT_GT(flipped, 10);
}

TEST(Address, AllLowerAndAllUpperAreAccepted) {
  const std::string sum = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
  auto a = address::parse(lower(sum));
  EXPECT_EQ(a.checksummed(), sum);
  std::string upper = "0x";
  for (char c : sum.substr(2))
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(address::parse(upper), a);
}

TEST(Address, MalformedText) {
  EXPECT_THROW(address::parse(""), decode_error);
  EXPECT_THROW(address::parse("f39fd6e51aad88f6f4ce6ab8827279cfffb92266"), decode_error);
  EXPECT_THROW(address::parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb9226"), decode_error);
  EXPECT_THROW(address::parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb922666"),
               decode_error);
  try {
    address::parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb9226g");
    FAIL();
  } catch (const decode_error& e) {
    EXPECT_EQ(e.offset(), 41u);
  }
}

TEST(Address, ZeroAndView) {
  EXPECT_TRUE(address{}.is_zero());
  auto a = address::parse(samples[0]);
  EXPECT_FALSE(a.is_zero());
  EXPECT_EQ(to_hex(a.view()), samples[0]);
}

TEST(Address, FromPublicKey) {
  EXPECT_THROW(address::from_public_key(bytes(63, 1)), decode_error);
}
