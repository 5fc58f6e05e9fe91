// Event topics and log decoding; topic0 and the hashed topics are checked
// against cast (sig-event, keccak, abi-encode).
#include "protocol/eth/abi_codec.hpp"
#include "protocol/eth/abi_event.hpp"
#include "protocol/eth/abi_json.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

namespace petrade::eth {
namespace {

using petrade::test::cast;

const std::string author = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

hash256 topic_hex(const std::string& hex) { return from_hex_fixed<32>(hex); }

TEST(abi_event, topic0_matches_cast_sig_event) {
  for (const char* sig : {"Transfer(address,address,uint256)",
                          "Posted(address,string,uint256,string)",
                          "Swap(address,(uint256,int24)[],bytes)"}) {
    EXPECT_EQ(to_hex(abi::event_topic(sig)), cast({"sig-event", sig})) << sig;
  }
  auto ev = abi::parse_event(
    "Transfer(address indexed from, address indexed to, uint256 value)");
  EXPECT_EQ(ev.signature(), "Transfer(address,address,uint256)");
  EXPECT_EQ(to_hex(ev.topic0()),
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

TEST(abi_event, decodes_a_hand_built_log_with_an_indexed_string) {
  auto ev = abi::parse_event(
    "Posted(address indexed author, string indexed tag, uint256 id, string body, "
    "int8 indexed mood)");
  ASSERT_EQ(ev.inputs.size(), 5u);

  std::vector<hash256> topics = {
    topic_hex(cast({"sig-event", "Posted(address,string,uint256,string,int8)"})),
    topic_hex(cast({"abi-encode", "f(address)", author})),
    topic_hex(cast({"keccak", "news"})),
    topic_hex(cast({"abi-encode", "f(int8)", "-3"})),
  };
  auto data = from_hex(cast({"abi-encode", "f(uint256,string)", "42", "hello, log"}));

  auto fields = abi::decode_log(ev, topics, data);
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0].name, "author");
  EXPECT_TRUE(fields[0].indexed);
  EXPECT_FALSE(fields[0].hashed);
  EXPECT_EQ(fields[0].value.as_address().checksummed(), author);

  EXPECT_EQ(fields[1].name, "tag");
  EXPECT_TRUE(fields[1].indexed);
  EXPECT_TRUE(fields[1].hashed);
  EXPECT_EQ(to_hex(fields[1].value.as_bytes()), to_hex(keccak256(std::string("news"))));

  EXPECT_EQ(fields[2].name, "id");
  EXPECT_FALSE(fields[2].indexed);
  EXPECT_EQ(fields[2].value, abi::value(42));
  EXPECT_EQ(fields[3].name, "body");
  EXPECT_EQ(fields[3].value, abi::value("hello, log"));
  EXPECT_EQ(fields[4].name, "mood");
  EXPECT_EQ(fields[4].value, abi::value(-3));

  // The encoder side produces the same log.
  std::vector<abi::value> args = {abi::value(address::parse(author)), abi::value("news"),
                                  abi::value(42), abi::value("hello, log"), abi::value(-3)};
  EXPECT_EQ(abi::encode_topics(ev, args), topics);
  EXPECT_EQ(abi::encode_log_data(ev, args), data);
}

TEST(abi_event, indexed_arrays_and_tuples_are_hashed_in_place) {
  // uint256[] [1,2]: keccak of the two words, no length or offset.
  auto words = cast({"abi-encode", "f(uint256,uint256)", "1", "2"});
  EXPECT_EQ(to_hex(abi::topic_of(abi::type::parse("uint256[]"),
                                 abi::value::list({1, 2}))),
            cast({"keccak", words}));
  // (string,uint8): the string padded to 32 bytes without its length, then the word.
  std::string padded_ab = "0x6162" + std::string(60, '0');
  auto word7 = cast({"abi-encode", "f(uint8)", "7"}).substr(2);
  EXPECT_EQ(to_hex(abi::topic_of(abi::type::parse("(string,uint8)"),
                                 abi::value::list({"ab", 7}))),
            cast({"keccak", padded_ab + word7}));
  // bytes: keccak of the raw contents.
  EXPECT_EQ(to_hex(abi::topic_of(abi::type::bytes(), abi::value(bytes{0xde, 0xad}))),
            cast({"keccak", "0xdead"}));
}

TEST(abi_event, rejects_logs_that_do_not_fit) {
  auto ev = abi::parse_event("Transfer(address indexed from, address indexed to, uint256 value)");
  auto a = topic_hex(cast({"abi-encode", "f(address)", author}));
  auto data = abi::encode({abi::type::uint()}, {abi::value(5)});

  // Wrong topic0.
  EXPECT_THROW(abi::decode_log(ev, std::vector<hash256>{a, a, a}, data), decode_error);
  // Missing topic.
  EXPECT_THROW(abi::decode_log(ev, std::vector<hash256>{ev.topic0(), a}, data), decode_error);
  // Dirty address in an indexed topic: the offset names the topic.
  hash256 dirty = a;
  dirty[0] = 1;
  try {
    abi::decode_log(ev, std::vector<hash256>{ev.topic0(), a, dirty}, data);
    ADD_FAILURE() << "dirty topic accepted";
  } catch (const decode_error& e) {
    EXPECT_EQ(e.offset(), 2u);
  }
  // Truncated data.
  EXPECT_THROW(abi::decode_log(ev, std::vector<hash256>{ev.topic0(), a, a}, bytes(31)),
               decode_error);
  auto ok = abi::decode_log(ev, std::vector<hash256>{ev.topic0(), a, a}, data);
  EXPECT_EQ(ok[2].value, abi::value(5));
}

TEST(abi_event, anonymous_events_have_no_topic0) {
  auto ev = abi::parse_event("Ping(uint256 indexed n, bool ok) anonymous");
  EXPECT_TRUE(ev.anonymous);
  std::vector<abi::value> args = {abi::value(9), abi::value(true)};
  auto topics = abi::encode_topics(ev, args);
  ASSERT_EQ(topics.size(), 1u);
  auto fields = abi::decode_log(ev, topics, abi::encode_log_data(ev, args));
  EXPECT_EQ(fields[0].value, abi::value(9));
  EXPECT_EQ(fields[1].value, abi::value(true));
}

TEST(abi_event, found_by_topic0_in_a_json_abi) {
  auto contract = abi::parse_json_abi(R"([
    {"type":"event","name":"Transfer","anonymous":false,"inputs":[
      {"name":"from","type":"address","indexed":true},
      {"name":"to","type":"address","indexed":true},
      {"name":"value","type":"uint256","indexed":false}]},
    {"type":"event","name":"Batch","anonymous":false,"inputs":[
      {"name":"items","type":"tuple[]","indexed":true,"components":[
        {"name":"id","type":"uint64"},{"name":"memo","type":"string"}]},
      {"name":"count","type":"uint256","indexed":false}]}
  ])");
  auto topic = topic_hex(cast({"sig-event", "Batch((uint64,string)[],uint256)"}));
  auto* ev = contract.find_event(topic);
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(ev->name, "Batch");
  EXPECT_TRUE(ev->inputs[0].indexed);
  EXPECT_EQ(contract.find_event("Transfer")->topic0(), abi::event_topic("Transfer(address,address,uint256)"));
  EXPECT_EQ(contract.find_event(hash256{}), nullptr);
}

} // namespace
} // namespace petrade::eth
