// Revert data: Error(string), Panic(uint256), custom errors, empty and unknown
// data. The revert payloads are produced by `cast calldata`.
#include "protocol/eth/abi_json.hpp"
#include "protocol/eth/abi_revert.hpp"
#include "protocol/eth/hex.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

namespace petrade::eth {
namespace {

using petrade::test::cast;

TEST(abi_revert, error_string) {
  auto data = from_hex(cast({"calldata", "Error(string)", "insufficient balance"}));
  auto r = abi::decode_revert(data);
  EXPECT_EQ(r.kind, abi::revert_kind::error_string);
  EXPECT_EQ(r.reason, "insufficient balance");
  EXPECT_EQ(r.message, "execution reverted: insufficient balance");
  EXPECT_EQ(r.raw, data);
  EXPECT_EQ(abi::encode_error_string("insufficient balance"), data);
}

TEST(abi_revert, panic_codes) {
  auto data = from_hex(cast({"calldata", "Panic(uint256)", "0x11"}));
  auto r = abi::decode_revert(data);
  EXPECT_EQ(r.kind, abi::revert_kind::panic);
  EXPECT_EQ(r.panic_code, 0x11);
  EXPECT_EQ(r.message, "panic 0x11: arithmetic overflow or underflow");
  EXPECT_EQ(abi::encode_panic(0x11), data);

  EXPECT_EQ(abi::decode_revert(abi::encode_panic(1)).message, "panic 0x01: assertion failed");
  EXPECT_EQ(abi::panic_meaning(0x12), "division or modulo by zero");
  EXPECT_EQ(abi::panic_meaning(0x32), "array index out of bounds");
  EXPECT_EQ(abi::panic_meaning(0x21), "conversion to an invalid enum value");
  EXPECT_EQ(abi::panic_meaning(0x41), "out of memory (allocation too large)");
  EXPECT_EQ(abi::panic_meaning(0x99), "unknown panic code");
  EXPECT_EQ(abi::panic_meaning(uint256(1) << 200), "unknown panic code");
}

TEST(abi_revert, custom_error_with_arguments) {
  auto contract = abi::parse_json_abi(R"([
    {"type":"error","name":"InsufficientBalance","inputs":[
      {"name":"available","type":"uint256","internalType":"uint256"},
      {"name":"required","type":"uint256","internalType":"uint256"}]},
    {"type":"error","name":"BadOrder","inputs":[
      {"name":"order","type":"tuple","internalType":"struct Order","components":[
        {"name":"maker","type":"address"},{"name":"tags","type":"string[]"}]},
      {"name":"reason","type":"string"}]},
    {"type":"error","name":"Paused","inputs":[]}
  ])");
  auto data = from_hex(cast({"calldata", "InsufficientBalance(uint256,uint256)", "100", "250"}));
  auto r = abi::decode_revert(data, contract.errors);
  EXPECT_EQ(r.kind, abi::revert_kind::custom);
  EXPECT_EQ(r.error_name, "InsufficientBalance");
  ASSERT_EQ(r.arguments.size(), 2u);
  EXPECT_EQ(r.arguments[0].name, "available");
  EXPECT_EQ(r.arguments[0].value, abi::value(100));
  EXPECT_EQ(r.arguments[1].name, "required");
  EXPECT_EQ(r.arguments[1].value, abi::value(250));
  EXPECT_EQ(r.message, "InsufficientBalance(available: 100, required: 250)");

  auto order = from_hex(cast({"calldata", "BadOrder((address,string[]),string)",
                              "(0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266,[a,b])", "expired"}));
  auto r2 = abi::decode_revert(order, contract.errors);
  EXPECT_EQ(r2.kind, abi::revert_kind::custom);
  EXPECT_EQ(r2.message, "BadOrder(order: (0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266, "
                        "[\"a\", \"b\"]), reason: \"expired\")");
  EXPECT_EQ(contract.find_error(abi::selector{order[0], order[1], order[2], order[3]})->name,
            "BadOrder");

  auto paused = from_hex(cast({"sig", "Paused()"}));
  EXPECT_EQ(abi::decode_revert(paused, contract.errors).message, "Paused()");
  // Without the ABI the same data is unknown.
  EXPECT_EQ(abi::decode_revert(data).kind, abi::revert_kind::unknown);
}

TEST(abi_revert, empty_and_unknown_data) {
  auto r = abi::decode_revert({});
  EXPECT_EQ(r.kind, abi::revert_kind::empty);
  EXPECT_EQ(r.message, "reverted without a reason");

  bytes junk = {0xde, 0xad, 0xbe, 0xef, 0x01};
  auto u = abi::decode_revert(junk);
  EXPECT_EQ(u.kind, abi::revert_kind::unknown);
  EXPECT_EQ(u.message, "reverted with unrecognized data 0xdeadbeef01");
  EXPECT_EQ(u.raw, junk);
  EXPECT_EQ(abi::decode_revert(bytes{0x01, 0x02}).kind, abi::revert_kind::unknown);

  // Error(string) selector with a broken body: reported, never thrown.
  auto broken = abi::encode_error_string("cut short");
  broken.resize(broken.size() - 32);
  auto b = abi::decode_revert(broken);
  EXPECT_EQ(b.kind, abi::revert_kind::unknown);
  EXPECT_NE(b.message.find("runs past the end"), std::string::npos) << b.message;
}

} // namespace
} // namespace petrade::eth
