// ABI encoding checked byte for byte against foundry's cast, run live:
// the same argument text goes to `cast abi-encode` and to our parser+encoder.
#include "protocol/eth/abi_codec.hpp"
#include "protocol/eth/abi_desc.hpp"
#include "protocol/eth/abi_text.hpp"
#include "protocol/eth/hex.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <regex>

// Inside petrade::eth so that `abi::` is ours, not the global alias from <cxxabi.h>.
namespace petrade::eth {
namespace {

using petrade::test::cast;

struct ref_case {
  std::string types; // "(uint256,string)"
  std::vector<std::string> args;
};

std::ostream& operator<<(std::ostream& os, const ref_case& c) {
  os << c.types;
  for (const auto& a : c.args)
    os << " '" << a << "'";
  return os;
}

const std::string max_u256 =
  "115792089237316195423570985008687907853269984665640564039457584007913129639935";
const std::string min_i256 =
  "-57896044618658097711785492504343953926634992332820282019728792003956564819968";
const std::string addr1 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const std::string addr2 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const std::string word32 = "0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string bytes33 = "0x" + std::string(66, 'a');
const std::string bytes64 = "0x" + std::string(128, '7');
const std::string long_text =
  "a string well over thirty-two bytes long, with unicode: h\xc3\xa9llo \xe2\x9c\x93";

const std::vector<ref_case> reference_cases = {
  // uint<N>
  {"(uint256)", {"0"}},
  {"(uint256)", {max_u256}},
  {"(uint8)", {"255"}},
  {"(uint32)", {"0xdeadbeef"}},
  {"(uint256)", {"1e18"}},
  {"(uint)", {"42"}},
  {"(uint256,uint256,uint64)", {"1.5e3", "1.25 ether", "2.5gwei"}},
  {"(uint96,uint160,uint24)", {"79228162514264337593543950335", "1", "16777215"}},
  // int<N>
  {"(int256)", {"-1"}},
  {"(int8)", {"-128"}},
  {"(int8)", {"127"}},
  {"(int64)", {"-9223372036854775808"}},
  {"(int256)", {min_i256}},
  {"(int24,int40)", {"-8388608", "-549755813888"}},
  {"(int)", {"-42"}},
  {"(int256,int32)", {"-1.5e3", "-0x10"}},
  // address, bool
  {"(address)", {addr1}},
  {"(address)", {"0x0000000000000000000000000000000000000000"}},
  {"(bool)", {"true"}},
  {"(bool,bool)", {"false", "true"}},
  // bytes<N>, bytes
  {"(bytes1)", {"0xff"}},
  {"(bytes4)", {"0xa9059cbb"}},
  {"(bytes32)", {word32}},
  {"(bytes)", {"0x"}},
  {"(bytes)", {"0xdeadbeef"}},
  {"(bytes)", {bytes33}},
  {"(bytes)", {bytes64}},
  // string
  {"(string)", {""}},
  {"(string)", {"hello world"}},
  {"(string)", {long_text}},
  {"(uint256,string)", {"1", "hello"}},
  {"(string,string,string)", {"", "a", ""}},
  // arrays of static types
  {"(uint256[])", {"[]"}},
  {"(uint256[])", {"[1, 2, 3]"}},
  {"(uint8[3])", {"[1,2,3]"}},
  {"(int16[])", {"[-1,2,-300]"}},
  {"(address[2])", {"[" + addr1 + "," + addr2 + "]"}},
  {"(bool[])", {"[true,false,true]"}},
  {"(bytes32[])", {"[" + word32 + "," + word32 + "]"}},
  {"(uint256[3][2])", {"[[1,2,3],[4,5,6]]"}},
  {"(uint256,uint256[],uint256)", {"7", "[8,9]", "10"}},
  // arrays of dynamic types
  {"(string[])", {"[a, \"b,c\", \"\"]"}},
  {"(string[])", {"[]"}},
  {"(bytes[])", {"[0x01,0x,0xdeadbeef]"}},
  {"(string[2])", {"[x,y]"}},
  {"(uint256[][])", {"[[1,2],[],[3]]"}},
  {"(uint256[2][])", {"[[1,2],[3,4]]"}},
  {"(uint256[][2])", {"[[1],[2,3]]"}},
  {"(string[][])", {"[[a,b],[c]]"}},
  // tuples
  {"((uint256,bool))", {"(7,true)"}},
  {"((uint256,string))", {"(7,hi)"}},
  {"((uint256,(bool,address)))", {"(1,(true," + addr1 + "))"}},
  {"((string,(bytes,uint8[])))", {"(s,(0xabcd,[1,2]))"}},
  {"((uint8,string)[])", {"[(1,a),(2,bc)]"}},
  {"((uint8,string)[2])", {"[(1,a),(2,bc)]"}},
  {"((uint256,bool)[])", {"[]"}},
  {"((uint256,bool)[2])", {"[(1,true),(2,false)]"}},
  {"(((uint8,string)[],bytes32))", {"([(1,x)]," + word32 + ")"}},
  {"((int8,(string,uint256[])[])[])", {"[(-1,[(a,[1]),(b,[])]),(2,[])]"}},
  // mixtures
  {"(bytes3,bytes,uint16,string,bool)", {"0x010203", "0x", "65535", "str", "false"}},
  {"(address,uint256[],string,(bool,bytes)[])",
   {addr2, "[5]", "mixed", "[(true,0x00),(false," + bytes33 + ")]"}},
  {"()", {}},
};

std::vector<std::string> with(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

/// cast prints hints like " [1e18]" after large numbers; drop them.
std::string strip_hints(const std::string& s) {
  static const std::regex hint(R"( \[-?[0-9.]+e[0-9]+\])");
  return std::regex_replace(s, hint, "");
}

class abi_reference : public ::testing::TestWithParam<ref_case> {};

TEST_P(abi_reference, encode_matches_cast_and_round_trips) {
  const auto& c = GetParam();
  auto types = abi::parse_type_list(c.types);
  auto values = abi::parse_values(types, c.args);
  auto ours = abi::encode(types, values);

  auto expected = cast(with({"abi-encode", "f" + c.types}, c.args));
  EXPECT_EQ(to_hex(ours), expected);

  // decode(encode(x)) == x
  auto back = abi::decode(types, ours);
  ASSERT_EQ(back.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(back[i], values[i]) << "argument " << i << ": " << back[i].debug_string()
                                  << " vs " << values[i].debug_string();

  // cast reads our bytes back to the same values.
  if (!types.empty()) {
    auto cast_decoded = cast({"abi-decode", "f()" + c.types, to_hex(ours)});
    EXPECT_EQ(strip_hints(cast_decoded), abi::format_values(types, back));
  }
}

INSTANTIATE_TEST_SUITE_P(cast, abi_reference, ::testing::ValuesIn(reference_cases));

struct call_case {
  std::string signature;
  std::vector<std::string> args;
};

std::ostream& operator<<(std::ostream& os, const call_case& c) { return os << c.signature; }

const std::vector<call_case> call_cases = {
  {"transfer(address,uint256)", {addr1, "5"}},
  {"approve(address,uint256)", {addr2, max_u256}},
  {"f()", {}},
  {"multicall(bytes[])", {"[0xa9059cbb,0x]"}},
  {"swap((address,uint256)[],bytes,int24)", {"[(" + addr1 + ",1),(" + addr2 + ",2)]", "0xff", "-600"}},
  {"setNames(string[],uint8)", {"[alice,bob]", "3"}},
  {"submit((bytes32,(uint64,string)[]),bool)", {"(" + word32 + ",[(1,one),(2,two)])", "true"}},
  {"transfer(address, uint)", {addr1, "1"}},
};

class abi_calldata : public ::testing::TestWithParam<call_case> {};

TEST_P(abi_calldata, matches_cast_calldata_and_sig) {
  const auto& c = GetParam();
  auto fn = abi::parse_function(c.signature);
  auto values = abi::parse_values(abi::types_of(fn.inputs), c.args);
  auto ours = abi::encode_call(c.signature, values);
  EXPECT_EQ(to_hex(ours), cast(with({"calldata", c.signature}, c.args)));
  EXPECT_EQ(to_hex(abi::function_selector(c.signature)), cast({"sig", c.signature}));
  EXPECT_EQ(fn.decode_call(ours), values);
}

INSTANTIATE_TEST_SUITE_P(cast, abi_calldata, ::testing::ValuesIn(call_cases));

TEST(abi_codec, decode_output_by_signature) {
  auto data = from_hex(cast({"abi-encode", "f(uint256,string)", "9", "nine"}));
  auto out = abi::decode_output("balanceOf(address)(uint256,string)", data);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], abi::value(9));
  EXPECT_EQ(out[1], abi::value("nine"));
  EXPECT_EQ(abi::decode_output("(uint256,string)", data), out);
}

TEST(abi_codec, typed_values_encode_like_text) {
  using abi::value;
  std::vector<abi::type> types = {abi::type::uint(8), abi::type::int_(16),
                                  abi::type::array(abi::type::string()),
                                  abi::type::tuple({abi::type::boolean(), abi::type::bytes()})};
  std::vector<value> values = {value(200u), value(-2),
                               value::list({"a", "bc"}),
                               value::list({true, bytes{1, 2}})};
  auto expected = cast({"abi-encode", "f(uint8,int16,string[],(bool,bytes))", "200", "-2",
                        "[a,bc]", "(true,0x0102)"});
  EXPECT_EQ(to_hex(abi::encode(types, values)), expected);
}

TEST(abi_codec, values_convert_between_integer_forms) {
  using abi::value;
  EXPECT_EQ(value(5), value(uint256(5)));
  EXPECT_NE(value(-5), value(uint256(5)));
  EXPECT_EQ(value(5).as_uint(), 5u);
  EXPECT_THROW(value(-5).as_uint(), std::invalid_argument);
  EXPECT_THROW(value("x").as_bool(), std::invalid_argument);
}

} // namespace
} // namespace petrade::eth
