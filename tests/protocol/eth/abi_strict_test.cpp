// Bad input: malformed type strings, values that do not fit their types, and
// ABI data that a strict decoder must refuse (with the offset of the problem).
#include "protocol/eth/abi_codec.hpp"
#include "protocol/eth/abi_text.hpp"
#include "protocol/eth/hex.hpp"

#include <gtest/gtest.h>

namespace petrade::eth {
namespace {

std::string word(const std::string& hex) {
  return std::string(64 - hex.size(), '0') + hex;
}

bytes data_of(const std::vector<std::string>& hex_words) {
  std::string all;
  for (const auto& w : hex_words)
    all += w;
  return from_hex(all);
}

/// Runs `f`, expects decode_error, returns it for inspection.
template <typename F>
decode_error expect_decode_error(F f) {
  try {
    f();
  } catch (const decode_error& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception: " << e.what();
    return decode_error("wrong exception", 0);
  }
  ADD_FAILURE() << "no decode_error";
  return decode_error("none", 0);
}

template <typename F>
std::string expect_invalid(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception: " << e.what();
    return {};
  }
  ADD_FAILURE() << "no std::invalid_argument";
  return {};
}

std::vector<abi::value> decode_as(const std::string& types, const bytes& data) {
  return abi::decode(abi::parse_type_list(types), data);
}

// ---- type strings ---------------------------------------------------------

TEST(abi_type, rejects_bad_type_strings) {
  for (const char* bad :
       {"uint7", "bytes33", "(uint256", "foo", "uint264", "int0", "bytes0", "uint256[0]",
        "uint256[", "()", "uint256[]x", "", "uint08", "(uint256,)", "uint256)", "fixed128x18",
        "address payable", "uint256[-1]", "string[01]"}) {
    auto msg = expect_invalid([&] { abi::type::parse(bad); });
    EXPECT_NE(msg.find(std::string("'") + bad + "'"), std::string::npos)
      << "message should name the text: " << msg;
  }
  EXPECT_NE(expect_invalid([] { abi::type::parse("uint7"); }).find("multiple of 8"),
            std::string::npos);
  EXPECT_NE(expect_invalid([] { abi::type::parse("bytes33"); }).find("between 1 and 32"),
            std::string::npos);
  EXPECT_NE(expect_invalid([] { abi::type::parse("foo"); }).find("unknown type name"),
            std::string::npos);
  EXPECT_NE(expect_invalid([] { abi::type::parse("(uint256"); }).find("')'"),
            std::string::npos);
  std::string deep = std::string(40, '(') + "uint256" + std::string(40, ')');
  EXPECT_NE(expect_invalid([&] { abi::type::parse(deep); }).find("nested deeper"),
            std::string::npos);
  expect_invalid([] { abi::type::parse("uint256[4294967295][4294967295]"); });
}

TEST(abi_type, canonical_spelling) {
  EXPECT_EQ(abi::type::parse("uint").canonical(), "uint256");
  EXPECT_EQ(abi::type::parse("int").canonical(), "int256");
  EXPECT_EQ(abi::type::parse("tuple(uint,bool)[2][]").canonical(), "(uint256,bool)[2][]");
  EXPECT_EQ(abi::type::parse("( uint8 , string )[]").canonical(), "(uint8,string)[]");
  EXPECT_EQ(abi::type::parse("((int,bytes1)[],address)").canonical(),
            "((int256,bytes1)[],address)");
  EXPECT_EQ(abi::parse_type_list("uint256, string").size(), 2u);
  EXPECT_EQ(abi::parse_type_list("(uint256,string)").size(), 2u);
  EXPECT_EQ(abi::parse_type_list("(uint256,string)[]").size(), 1u);
  EXPECT_TRUE(abi::parse_type_list("()").empty());
  EXPECT_TRUE(abi::parse_type_list("").empty());
  EXPECT_EQ(abi::canonical_list(abi::parse_type_list("uint,bool")), "(uint256,bool)");
}

TEST(abi_type, static_and_dynamic) {
  auto s = abi::type::parse("(uint256,bool)[2]");
  EXPECT_FALSE(s.is_dynamic());
  EXPECT_EQ(s.head_size(), 128u);
  auto d = abi::type::parse("(uint256,string)[2]");
  EXPECT_TRUE(d.is_dynamic());
  EXPECT_EQ(d.head_size(), 32u);
  EXPECT_TRUE(abi::type::parse("uint8[]").is_dynamic());
  EXPECT_EQ(abi::type::parse("uint8[3][2]").head_size(), 192u);
  EXPECT_EQ(abi::type::parse("uint8[3][]").element(), abi::type::array(abi::type::uint(8), 3));
}

// ---- strict decoding ------------------------------------------------------

TEST(abi_decode, truncated_data) {
  auto full = abi::encode({abi::type::uint()}, {abi::value(7)});
  bytes cut(full.begin(), full.end() - 1);
  auto e = expect_decode_error([&] { decode_as("(uint256)", cut); });
  EXPECT_EQ(e.offset(), 0u);
  EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  expect_decode_error([] { decode_as("(uint256)", {}); });
  // Second member missing entirely.
  auto e2 = expect_decode_error([&] { decode_as("(uint256,uint256)", full); });
  EXPECT_EQ(e2.offset(), 32u);
  // A string whose body is cut short.
  auto str = abi::encode({abi::type::string()}, {abi::value(std::string(40, 'x'))});
  bytes short_str(str.begin(), str.end() - 20);
  auto e3 = expect_decode_error([&] { decode_as("(string)", short_str); });
  EXPECT_EQ(e3.offset(), 32u) << e3.what();
}

TEST(abi_decode, offset_past_the_end) {
  auto e = expect_decode_error(
    [] { decode_as("(string)", data_of({word("1000"), word("0")})); });
  EXPECT_EQ(e.offset(), 0u);
  EXPECT_NE(std::string(e.what()).find("offset"), std::string::npos) << e.what();
  // Offset inside the data but with no room for the length word.
  expect_decode_error([] { decode_as("(bytes)", data_of({word("40"), word("0")})); });
  // A 2^255 offset.
  expect_decode_error(
    [] { decode_as("(uint256[])", data_of({"8" + std::string(63, '0'), word("0")})); });
  // Nested: the inner tuple's offset is relative to the tuple and too large.
  auto e4 = expect_decode_error([] {
    decode_as("((uint256,string))", data_of({word("20"), word("1"), word("200")}));
  });
  EXPECT_EQ(e4.offset(), 64u);
}

TEST(abi_decode, lengths_past_the_end) {
  auto e = expect_decode_error(
    [] { decode_as("(string)", data_of({word("20"), word("64"), word("61")})); });
  EXPECT_EQ(e.offset(), 32u);
  auto e2 = expect_decode_error(
    [] { decode_as("(uint256[])", data_of({word("20"), word("3e8"), word("1")})); });
  EXPECT_EQ(e2.offset(), 32u);
  EXPECT_NE(std::string(e2.what()).find("array length"), std::string::npos);
  expect_decode_error([] {
    decode_as("(uint256[])", data_of({word("20"), "0000000000000001" + std::string(48, '0')}));
  });
}

TEST(abi_decode, dirty_padding) {
  // "hello" followed by a stray byte in the padding.
  auto good = abi::encode({abi::type::string()}, {abi::value("hello")});
  auto dirty = good;
  dirty[64 + 10] = 1;
  auto e = expect_decode_error([&] { decode_as("(string)", dirty); });
  EXPECT_EQ(e.offset(), 74u);
  EXPECT_NE(std::string(e.what()).find("padding"), std::string::npos);
  EXPECT_EQ(decode_as("(string)", good)[0], abi::value("hello"));

  auto e2 = expect_decode_error([] { decode_as("(bytes4)", data_of({"a9059cbb01" + std::string(54, '0')})); });
  EXPECT_EQ(e2.offset(), 0u);
  auto e3 = expect_decode_error([] { decode_as("(uint256,address)", data_of({word("1"), "01" + std::string(62, '0')})); });
  EXPECT_EQ(e3.offset(), 32u);
  EXPECT_NE(std::string(e3.what()).find("address"), std::string::npos);
}

TEST(abi_decode, bad_bool) {
  auto e = expect_decode_error([] { decode_as("(bool)", data_of({word("2")})); });
  EXPECT_NE(std::string(e.what()).find("bool"), std::string::npos);
  expect_decode_error([] { decode_as("(bool)", data_of({"01" + std::string(62, '0')})); });
  auto e2 = expect_decode_error([] { decode_as("(bool[])", data_of({word("20"), word("2"), word("1"), word("5")})); });
  EXPECT_EQ(e2.offset(), 96u);
  EXPECT_EQ(decode_as("(bool)", data_of({word("1")}))[0], abi::value(true));
}

TEST(abi_decode, integers_must_fit_their_width) {
  expect_decode_error([] { decode_as("(uint8)", data_of({word("100")})); });
  expect_decode_error([] { decode_as("(uint248)", data_of({"01" + std::string(62, '0')})); });
  // int8: 0x80 is not sign-extended, ff..7f is not either; ff..80 is -128.
  expect_decode_error([] { decode_as("(int8)", data_of({word("80")})); });
  expect_decode_error([] { decode_as("(int8)", data_of({std::string(62, 'f') + "7f"})); });
  expect_decode_error([] { decode_as("(int16)", data_of({"7f" + std::string(58, 'f') + "8000"})); });
  EXPECT_EQ(decode_as("(int8)", data_of({std::string(62, 'f') + "80"}))[0], abi::value(-128));
  EXPECT_EQ(decode_as("(int8)", data_of({word("7f")}))[0], abi::value(127));
  EXPECT_EQ(decode_as("(int256)", data_of({"8" + std::string(63, '0')}))[0].as_int(),
            -(int256(1) << 255));
}

TEST(abi_decode, overlapping_offsets_cannot_multiply_work) {
  // An outer array of n offsets all pointing at one inner array of m words.
  const std::size_t n = 200, m = 200;
  std::vector<std::string> words{word("20"), word("c8")};
  for (std::size_t i = 0; i < n; ++i)
    words.push_back(word("1900")); // 32 * 200: just past the offsets
  words.push_back(word("c8"));
  for (std::size_t i = 0; i < m; ++i)
    words.push_back(word("1"));
  auto e = expect_decode_error([&] { decode_as("(uint256[][])", data_of(words)); });
  EXPECT_NE(std::string(e.what()).find("too often"), std::string::npos) << e.what();
}

// ---- encoding validation --------------------------------------------------

TEST(abi_encode, validates_values_against_types) {
  using abi::type;
  using abi::value;
  auto msg = expect_invalid([] { abi::encode({type::uint(8)}, {value(256)}); });
  EXPECT_NE(msg.find("argument 0 (uint8)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("256"), std::string::npos) << msg;
  expect_invalid([] { abi::encode({type::uint()}, {value(-1)}); });
  expect_invalid([] { abi::encode({type::int_(8)}, {value(128)}); });
  expect_invalid([] { abi::encode({type::int_(8)}, {value(-129)}); });
  EXPECT_NO_THROW(abi::encode({type::int_(8)}, {value(-128)}));
  msg = expect_invalid([] { abi::encode({type::fixed_bytes(4)}, {value(bytes{1, 2, 3})}); });
  EXPECT_NE(msg.find("exactly 4 bytes, got 3"), std::string::npos) << msg;
  msg = expect_invalid([] {
    abi::encode({type::uint(), type::array(type::uint(), 2)},
                {value(1), value::list({1, 2, 3})});
  });
  EXPECT_NE(msg.find("argument 1 (uint256[2]): expected 2 elements, got 3"), std::string::npos)
    << msg;
  msg = expect_invalid([] {
    abi::encode({type::array(type::tuple({type::uint(8), type::string()}))},
                {value::list({value::list({1, "a"}), value::list({300, "b"})})});
  });
  EXPECT_NE(msg.find("argument 0[1].0 (uint8)"), std::string::npos) << msg;
  msg = expect_invalid([] { abi::encode({type::uint()}, {value("12")}); });
  EXPECT_NE(msg.find("expected an integer, got string"), std::string::npos) << msg;
  expect_invalid([] { abi::encode({type::uint(), type::uint()}, {value(1)}); });
  expect_invalid([] { abi::encode({type::tuple({type::boolean()})}, {value::list({})}); });
  expect_invalid([] { abi::encode({type::address()}, {value(bytes(20))}); });
}

TEST(abi_text, rejects_bad_argument_text) {
  auto t = [](const char* s) { return abi::type::parse(s); };
  for (auto [type, text] : std::vector<std::pair<const char*, const char*>>{
         {"uint256", "abc"},
         {"uint256", "-1"},
         {"uint8", "256"},
         {"int8", "-129"},
         {"bool", "maybe"},
         {"address", "0x123"},
         {"address", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92267"},
         {"bytes", "0x123"},
         {"bytes2", "0x01"},
         {"uint256[]", "[1,2"},
         {"uint256[3]", "[1,2]"},
         {"(uint256,bool)", "(1)"},
         {"uint256[]", "1,2"},
         {"uint256", "1e80"},
         {"uint256", "1.55e1"},
         {"uint256", "1.5"},
         {"uint256", "5 dollars"},
       }) {
    // Init-captures: clang 14 (the sanitizer build) cannot capture a structured binding.
    auto msg = expect_invalid([&, type = type, text = text] { abi::parse_value(t(type), text); });
    EXPECT_NE(msg.find(text), std::string::npos) << msg;
  }
}

} // namespace
} // namespace petrade::eth
