// RLP: encodings checked live against `cast to-rlp` / `cast from-rlp`, round
// trips, and the strict decoder's rejection of every non-canonical form.
#include "protocol/eth/rlp.hpp"

#include "protocol/eth/hex.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

using namespace petrade::eth;
using petrade::test::cast;
using rlp::item;

namespace {

// cast's JSON notation: "0x.." for a string, [a,b] for a list, no spaces.
std::string to_json(const item& it) {
  if (it.is_string())
    return "\"" + to_hex(it.data()) + "\"";
  std::string out = "[";
  for (std::size_t i = 0; i < it.children().size(); ++i)
    out += (i ? "," : "") + to_json(it.children()[i]);
  return out + "]";
}

item str_of(std::size_t n, std::uint8_t fill) {
  return item::str(bytes(n, fill));
}

item nested(int depth) {
  item it = item::list();
  for (int i = 0; i < depth; ++i)
    it = item::list({it});
  return it;
}

struct reference_case {
  std::string name;
  item value;
};

std::vector<reference_case> reference_cases() {
  std::vector<item> hundred;
  for (int i = 0; i < 100; ++i)
    hundred.push_back(item::uint(static_cast<unsigned>(i * 3)));
  std::vector<item> thousand;
  for (int i = 0; i < 1000; ++i)
    thousand.push_back(item::uint(static_cast<unsigned>(i % 200)));
  const item empty_list = item::list();
  return {
    {"empty string", item{}},
    {"byte 0x00", item::str(bytes{0x00})},
    {"byte 0x01", item::str(bytes{0x01})},
    {"byte 0x7f", item::str(bytes{0x7f})},
    {"byte 0x80", item::str(bytes{0x80})},
    {"byte 0xff", item::str(bytes{0xff})},
    {"two bytes", item::str(bytes{0x04, 0x00})},
    {"dog", item::text("dog")},
    {"55 bytes", str_of(55, 0xaa)},
    {"56 bytes", str_of(56, 0xbb)},
    {"255 bytes", str_of(255, 0x01)},
    {"256 bytes", str_of(256, 0x02)},
    {"1024 bytes", str_of(1024, 0x7f)},
    {"60000 bytes", str_of(60000, 0x33)},
    {"uint 1024", item::uint(1024)},
    {"uint max", item::uint(~uint256(0))},
    {"empty list", empty_list},
    {"list of empty string", item::list({item{}})},
    {"cat dog", item::list({item::text("cat"), item::text("dog")})},
    {"set of three", item::list({empty_list, item::list({empty_list}),
                                 item::list({empty_list, item::list({empty_list})})})},
    {"deeply nested", nested(20)},
    {"list payload 55", item::list({str_of(53, 0x11)})},
    {"list payload 56", item::list({str_of(54, 0x11)})},
    {"100 items", item::list(hundred)},
    {"1000 items", item::list(thousand)},
    {"mixed", item::list({item::uint(0), item::str(bytes{0x00}), str_of(300, 0xcc),
                          item::list({item::text("a"), item::list({str_of(60, 0xdd)})}),
                          item::addr(address::parse(petrade::test::dev_addr0))})},
  };
}

void expect_error(const std::string& hex, std::size_t offset, const std::string& words) {
  try {
    rlp::decode(from_hex(hex));
    ADD_FAILURE() << hex << " was accepted";
  } catch (const decode_error& e) {
    EXPECT_EQ(e.offset(), offset) << hex << ": " << e.what();
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos)
      << hex << ": " << e.what();
  }
}

} // namespace

TEST(Rlp, EncodingsMatchCastToRlp) {
  int checked = 0;
  for (const auto& c : reference_cases()) {
    const auto ours = to_hex(rlp::encode(c.value));
    EXPECT_EQ(ours, cast({"to-rlp", to_json(c.value)})) << c.name;
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST(Rlp, DecodeInvertsEncode) {
  for (const auto& c : reference_cases()) {
    const auto enc = rlp::encode(c.value);
    EXPECT_EQ(rlp::decode(enc), c.value) << c.name;
  }
  // A 3-byte length (too long for a command line, so not checked with cast).
  auto big = str_of(70000, 0x44);
  auto enc = rlp::encode(big);
  EXPECT_EQ(to_hex(bytes_view(enc).first(4)), "0xba011170");
  EXPECT_EQ(rlp::decode(enc), big);
}

TEST(Rlp, CastFromRlpAgrees) {
  for (const auto& c : reference_cases()) {
    if (c.name == "60000 bytes")
      continue; // output of 120 kB is fine but slow to diff on failure
    EXPECT_EQ(cast({"from-rlp", to_hex(rlp::encode(c.value))}), to_json(c.value))
      << c.name;
  }
}

TEST(Rlp, KnownVectors) {
  EXPECT_EQ(to_hex(rlp::encode(item::text("dog"))), "0x83646f67");
  EXPECT_EQ(to_hex(rlp::encode_uint(0)), "0x80");
  EXPECT_EQ(to_hex(rlp::encode_uint(15)), "0x0f");
  EXPECT_EQ(to_hex(rlp::encode_uint(1024)), "0x820400");
  EXPECT_EQ(to_hex(rlp::encode_string(bytes{})), "0x80");
  EXPECT_EQ(to_hex(rlp::encode_list_payload(bytes{})), "0xc0");
  auto payload = rlp::encode(item::text("cat"));
  append(payload, rlp::encode(item::text("dog")));
  EXPECT_EQ(to_hex(rlp::encode_list_payload(payload)), "0xc88363617483646f67");
}

TEST(Rlp, DecodedItemsKnowTheirOffsets) {
  auto it = rlp::decode(from_hex("0xc88363617483646f67"), 5);
  ASSERT_EQ(it.children().size(), 2u);
  EXPECT_EQ(it.offset(), 5u);
  EXPECT_EQ(it.children()[0].offset(), 6u);
  EXPECT_EQ(it.children()[1].offset(), 10u);
}

TEST(Rlp, MalformedInputsNameTheOffset) {
  expect_error("0x", 0, "empty");
  // A single byte below 0x80 must be encoded as itself.
  expect_error("0x8100", 0, "single byte");
  expect_error("0x817f", 0, "single byte");
  expect_error("0xc3018105", 2, "single byte");
  // Long form for short payloads.
  expect_error("0xb80161", 0, "long-form length");
  expect_error("0xb837" + std::string(55 * 2, '1'), 0, "long-form length");
  expect_error("0xf80101", 0, "long-form length");
  // Leading zero in the length.
  expect_error("0xb90038" + std::string(56 * 2, '1'), 1, "leading zero");
  expect_error("0xf90038" + std::string(56 * 2, '1'), 1, "leading zero");
  // Running past the end.
  expect_error("0x830102", 0, "past the end");
  expect_error("0xb9", 0, "past the end");
  expect_error("0xb901", 0, "past the end");
  expect_error("0xbfffffffffffffffff", 0, "past the end");
  expect_error("0xc5830102", 0, "past the end");
  expect_error("0xc28301020304", 1, "enclosing list");
  // Trailing bytes.
  expect_error("0x0102", 1, "trailing");
  expect_error("0xc0c0", 1, "trailing");
  expect_error("0x8301020300", 4, "trailing");
}

TEST(Rlp, ErrorOffsetsIncludeTheBase) {
  try {
    rlp::decode(from_hex("0xc3018105"), 1);
    FAIL();
  } catch (const decode_error& e) {
    EXPECT_EQ(e.offset(), 3u);
  }
}

TEST(Rlp, CastAlsoRejectsNonCanonicalForms) {
  for (std::string bad : {"0x8100", "0xb80161", "0x830102"})
    EXPECT_THROW(cast({"from-rlp", bad}), std::runtime_error) << bad;
}

TEST(Rlp, NestingDepthIsBounded) {
  EXPECT_NO_THROW(rlp::decode(rlp::encode(nested(200))));
  try {
    rlp::decode(rlp::encode(nested(static_cast<int>(rlp::max_depth) + 5)));
    FAIL();
  } catch (const decode_error& e) {
    EXPECT_NE(std::string(e.what()).find("nested"), std::string::npos);
  }
}

TEST(Rlp, TypedReads) {
  const auto it = rlp::decode(from_hex("0xc7820400808201f0"));
  EXPECT_EQ(rlp::as_uint256(it.children()[0], "a"), 1024);
  EXPECT_EQ(rlp::as_uint64(it.children()[1], "b"), 0u);
  EXPECT_EQ(rlp::as_uint64(it.children()[2], "c"), 0x1f0u);
  EXPECT_EQ(rlp::as_list(it, "x", 3).size(), 3u);
  EXPECT_THROW(rlp::as_list(it, "x", 2), decode_error);
  EXPECT_EQ(rlp::as_bytes(it.children()[0], "a"), (bytes{0x04, 0x00}));

  const auto addr = address::parse(petrade::test::dev_addr0);
  EXPECT_EQ(rlp::as_address(rlp::decode(rlp::encode(item::addr(addr))), "to"), addr);
  hash256 h{};
  h[31] = 1;
  EXPECT_EQ(rlp::as_hash256(rlp::decode(rlp::encode(item::str(h))), "key"), h);
}

TEST(Rlp, TypedReadErrors) {
  auto expect_read_error = [](auto&& read, std::size_t offset, const std::string& words) {
    try {
      read();
      ADD_FAILURE() << "accepted";
    } catch (const decode_error& e) {
      EXPECT_EQ(e.offset(), offset) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  // [0x0001, 0x00, [], 9 bytes, 33 bytes]
  std::vector<item> parts{item::str(bytes{0x00, 0x01}), item::str(bytes{0x00}),
                          item::list(), str_of(9, 1), str_of(33, 1)};
  const auto enc = rlp::encode(item::list(parts)); // offsets 1, 4, 5, 6, 16
  const auto it = rlp::decode(enc);
  const auto& c = it.children();
  expect_read_error([&] { return rlp::as_uint256(c[0], "nonce"); }, 1,
                    "nonce: integer has a leading zero");
  expect_read_error([&] { return rlp::as_uint256(c[1], "value"); }, 4, "leading zero");
  expect_read_error([&] { return rlp::as_uint256(c[2], "gas"); }, 5,
                    "gas: expected a byte string");
  expect_read_error([&] { return rlp::as_uint64(c[3], "nonce"); }, 6, "exceeds 64 bits");
  expect_read_error([&] { return rlp::as_uint256(c[4], "value"); }, 16,
                    "exceeds 256 bits");
  expect_read_error([&] { return rlp::as_address(c[3], "to"); }, 6, "20-byte address");
  expect_read_error([&] { return rlp::as_hash256(c[3], "key"); }, 6, "expected 32 bytes");
  expect_read_error([&] { return rlp::as_list(c[0], "access list"); }, 1,
                    "expected a list");
  EXPECT_THROW(c[2].data(), std::logic_error);
  EXPECT_THROW(c[0].children(), std::logic_error);
}
