// solc JSON ABI: descriptions, lookups, calls and deploy data checked against cast.
#include "protocol/eth/abi_codec.hpp"
#include "protocol/eth/abi_json.hpp"
#include "protocol/eth/abi_text.hpp"
#include "protocol/eth/hex.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

namespace petrade::eth {
namespace {

using petrade::test::cast;

// Shaped like solc's output, including fields we ignore (internalType).
const char* const market_abi = R"([
  {"type":"constructor","stateMutability":"nonpayable","inputs":[
    {"name":"owner","type":"address","internalType":"address"},
    {"name":"fees","type":"uint16[]","internalType":"uint16[]"},
    {"name":"label","type":"string","internalType":"string"}]},
  {"type":"function","name":"placeOrders","stateMutability":"payable","inputs":[
    {"name":"orders","type":"tuple[]","internalType":"struct Market.Order[]","components":[
      {"name":"maker","type":"address","internalType":"address"},
      {"name":"price","type":"uint128","internalType":"uint128"},
      {"name":"legs","type":"tuple[2]","internalType":"struct Market.Leg[2]","components":[
        {"name":"asset","type":"bytes32","internalType":"bytes32"},
        {"name":"size","type":"int64","internalType":"int64"}]}]},
    {"name":"memo","type":"bytes","internalType":"bytes"}],
   "outputs":[{"name":"ids","type":"uint256[]","internalType":"uint256[]"}]},
  {"type":"function","name":"book","stateMutability":"view","inputs":[],
   "outputs":[{"name":"","type":"uint256"},
              {"name":"top","type":"tuple[]","components":[
                {"name":"maker","type":"address"},{"name":"note","type":"string"}]}]},
  {"type":"function","name":"get","stateMutability":"view",
   "inputs":[{"name":"id","type":"uint256"}],"outputs":[{"name":"","type":"string"}]},
  {"type":"function","name":"get","stateMutability":"view",
   "inputs":[{"name":"key","type":"string"}],"outputs":[{"name":"","type":"string"}]},
  {"type":"event","name":"Placed","anonymous":false,"inputs":[
    {"name":"maker","type":"address","indexed":true},
    {"name":"id","type":"uint256","indexed":false}]},
  {"type":"error","name":"TooSmall","inputs":[{"name":"min","type":"uint128"}]},
  {"type":"fallback","stateMutability":"payable"},
  {"type":"receive","stateMutability":"payable"}
])";

const std::string maker = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const std::string asset = "0x" + std::string(62, '0') + "aa";

TEST(abi_json, parses_entries_and_tuple_components) {
  auto c = abi::parse_json_abi(market_abi);
  EXPECT_EQ(c.functions.size(), 4u);
  EXPECT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.errors.size(), 1u);
  ASSERT_TRUE(c.constructor.has_value());
  EXPECT_TRUE(c.has_fallback);
  EXPECT_TRUE(c.has_receive);

  const auto& place = c.function("placeOrders");
  EXPECT_EQ(place.signature(), "placeOrders((address,uint128,(bytes32,int64)[2])[],bytes)");
  EXPECT_EQ(place.state_mutability, "payable");
  EXPECT_EQ(place.inputs[0].name, "orders");
  EXPECT_EQ(to_hex(place.selector()), cast({"sig", place.signature()}));
  EXPECT_EQ(c.find_function(place.selector()), &place);

  // Overloads: by name the first wins; a signature picks exactly.
  EXPECT_EQ(c.find_function("get")->inputs[0].name, "id");
  EXPECT_EQ(c.find_function("get(string)")->inputs[0].name, "key");
  EXPECT_EQ(c.find_function("missing"), nullptr);
  EXPECT_THROW(c.function("missing"), std::invalid_argument);
  EXPECT_EQ(c.find_error("TooSmall")->signature(), "TooSmall(uint128)");
}

TEST(abi_json, encode_call_matches_cast_calldata) {
  auto c = abi::parse_json_abi(market_abi);
  const auto& place = c.function("placeOrders");
  std::string orders = "[(" + maker + ",1000,[(" + asset + ",-5),(" + asset + ",7)]),(" + maker
                       + ",1,[(" + asset + ",0),(" + asset + ",1)])]";
  auto args = abi::parse_values(abi::types_of(place.inputs), {orders, "0xbeef"});
  auto ours = place.encode_call(args);
  EXPECT_EQ(to_hex(ours), cast({"calldata", place.signature(), orders, "0xbeef"}));
  EXPECT_EQ(place.decode_call(ours), args);
  EXPECT_THROW(c.function("book").decode_call(ours), decode_error);
}

TEST(abi_json, decodes_return_data) {
  auto c = abi::parse_json_abi(market_abi);
  const auto& book = c.function("book");
  auto ret = from_hex(cast({"abi-encode", "f(uint256,(address,string)[])", "3",
                            "[(" + maker + ",first),(" + maker + ",second)]"}));
  auto out = book.decode_output(ret);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], abi::value(3));
  EXPECT_EQ(out[1][1][1], abi::value("second"));
  EXPECT_EQ(out[1][0][0].as_address().checksummed(), maker);
}

TEST(abi_json, constructor_arguments_follow_the_bytecode) {
  auto c = abi::parse_json_abi(market_abi);
  bytes code = from_hex("0x6080604052348015600f57600080fd5b50");
  auto args = abi::parse_values(abi::types_of(c.constructor->inputs),
                                {maker, "[30,5]", "spot market"});
  auto deploy = c.encode_deploy(code, args);
  auto encoded_args = cast({"abi-encode", "constructor(address,uint16[],string)", maker,
                            "[30,5]", "spot market"});
  EXPECT_EQ(to_hex(deploy), to_hex(code) + encoded_args.substr(2));

  // No constructor in the ABI: only argument-free deploys.
  auto bare = abi::parse_json_abi(R"([])");
  EXPECT_EQ(bare.encode_deploy(code, {}), code);
  EXPECT_THROW(bare.encode_deploy(code, {abi::value(1)}), std::invalid_argument);
}

TEST(abi_json, artifact_objects_and_bad_abis) {
  auto artifact = abi::parse_json_abi(
    R"({"abi":[{"type":"function","name":"f","inputs":[],"outputs":[]}],"bytecode":"0x"})");
  EXPECT_EQ(artifact.functions.at(0).signature(), "f()");

  for (const char* bad : {
         R"({"not":"an abi"})",
         R"([{"type":"function","name":"f","inputs":[{"name":"x","type":"uint7"}]}])",
         R"([{"type":"function","name":"f","inputs":[{"name":"x","type":"tuple"}]}])",
         R"([{"type":"function","name":"f","inputs":[{"name":"x"}]}])",
         R"([{"type":"widget","name":"f"}])",
         R"([{"type":"function","name":"f","inputs":[{"name":"x","type":"tuplex",
             "components":[{"type":"bool"}]}]}])",
         R"([1, 2])",
         "[{",
       }) {
    try {
      abi::parse_json_abi(std::string_view(bad));
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("invalid JSON ABI"), std::string::npos) << e.what();
    }
  }
}

} // namespace
} // namespace petrade::eth
