// Request encoding and response decoding, without I/O.
#include "protocol/jsonrpc/message.hpp"

#include <gtest/gtest.h>

using namespace petrade::jsonrpc;
using nlohmann::json;

TEST(Message, EncodesCallAndBatch) {
  auto call = json::parse(encode_call(7, "eth_getBalance", json::array({"0xab", "latest"})));
  EXPECT_EQ(call, json::parse(R"({"jsonrpc":"2.0","id":7,"method":"eth_getBalance",
                                  "params":["0xab","latest"]})"));
  EXPECT_EQ(json::parse(encode_call(1, "eth_chainId", nullptr))["params"], json::array());
  auto batch = json::parse(encode_batch(10, {{"a", json::array()}, {"b", json::object()}}));
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0]["id"], 10);
  EXPECT_EQ(batch[1]["id"], 11);
  EXPECT_EQ(batch[1]["params"], json::object());
}

TEST(Message, RejectsBadParamsAndEmptyMethod) {
  EXPECT_THROW(encode_call(1, "m", 5), std::invalid_argument);
  EXPECT_THROW(encode_call(1, "m", "text"), std::invalid_argument);
  EXPECT_THROW(encode_call(1, "", json::array()), std::invalid_argument);
}

TEST(Message, DecodesResultAndError) {
  auto ok = decode_response(json::parse(R"({"jsonrpc":"2.0","id":3,"result":"0x1"})"), 3);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value, "0x1");
  auto bad = decode_response(json::parse(
      R"({"jsonrpc":"2.0","id":3,"error":{"code":3,"message":"execution reverted","data":"0x08c3"}})"), 3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error->kind, error_kind::rpc);
  EXPECT_EQ(bad.error->code, 3);
  EXPECT_EQ(bad.error->message, "execution reverted");
  EXPECT_EQ(*bad.error->data, "0x08c3");
  EXPECT_EQ(rpc_exception(*bad.error).what(),
            std::string("JSON-RPC error 3: execution reverted (data: \"0x08c3\")"));
}

TEST(Message, IdMismatchAndMalformedAreProtocolErrors) {
  auto r = decode_response(json::parse(R"({"jsonrpc":"2.0","id":4,"result":1})"), 3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, error_kind::protocol);
  EXPECT_NE(r.error->message.find("does not match"), std::string::npos);
  EXPECT_EQ(decode_response(json::parse(R"({"id":3})"), 3).error->kind, error_kind::protocol);
  EXPECT_EQ(decode_response(json::parse(R"({"id":3,"error":{"code":"x"}})"), 3).error->kind,
            error_kind::protocol);
  EXPECT_EQ(decode_response(json::parse("[1]"), 3).error->kind, error_kind::protocol);
  // id null + error: the node could not parse the request
  auto e = decode_response(json::parse(R"({"id":null,"error":{"code":-32700,"message":"Parse error"}})"), 3);
  EXPECT_EQ(e.error->kind, error_kind::rpc);
  EXPECT_EQ(e.error->code, -32700);
}

TEST(Message, BatchIsMatchedByIdInAnyOrder) {
  auto doc = json::parse(R"([{"id":12,"result":"c"},
                             {"id":10,"result":"a"},
                             {"id":99,"result":"not ours"}])");
  auto rs = decode_batch_response(doc, 10, 3);
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].value, "a");
  EXPECT_FALSE(rs[1].ok());
  EXPECT_EQ(rs[1].error->kind, error_kind::protocol);
  EXPECT_EQ(rs[2].value, "c");
  auto whole = decode_batch_response(
      json::parse(R"({"id":null,"error":{"code":-32600,"message":"Invalid request"}})"), 1, 2);
  EXPECT_EQ(whole[0].error->code, -32600);
  EXPECT_EQ(whole[1].error->code, -32600);
}

TEST(Message, HttpStatusAndBodyChecks) {
  auto r = decode_http_response(500, "Internal Server Error", "oops", false, 1, 1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].error->kind, error_kind::protocol);
  EXPECT_EQ(r[0].error->code, 500);
  EXPECT_EQ(rpc_exception(*r[0].error).what(),
            std::string("protocol error (HTTP 500): HTTP 500 Internal Server Error: oops"));
  auto nj = decode_http_response(200, "OK", "<html>", true, 1, 2);
  ASSERT_EQ(nj.size(), 2u);
  EXPECT_EQ(nj[1].error->kind, error_kind::protocol);
  // a JSON-RPC error carried by a non-200 status is still the node's error
  auto e = decode_http_response(400, "Bad Request",
                                R"({"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"bad"}})",
                                false, 5, 1);
  EXPECT_EQ(e[0].error->kind, error_kind::rpc);
  EXPECT_EQ(e[0].error->code, -32602);
}

// A body that is not JSON is quoted in the error, which travels on inside
// JSON (the /rpc proxy's answers): its invalid UTF-8 made the proxy's
// writer throw and the request went unanswered (found by
// fuzz_jsonrpc_response). Bytes that are not UTF-8 become U+FFFD, and the
// cut at 160 bytes never splits a character.
TEST(Message, QuotedBodiesAreValidUtf8) {
  auto r = decode_http_response(200, "OK", "{\"result\"\xb5:1}", false, 1, 1);
  ASSERT_TRUE(r[0].error);
  EXPECT_NO_THROW(json(r[0].error->describe()).dump());
  EXPECT_NE(r[0].error->message.find("\"result\"\xEF\xBF\xBD:1}"), std::string::npos) << r[0].error->message;

  auto s = decode_http_response(502, "Bad \xff Gateway", std::string(159, 'a') + "\xc3\xa9tail", false, 1, 1);
  EXPECT_NO_THROW(json(s[0].error->describe()).dump());
  EXPECT_NE(s[0].error->message.find(std::string(159, 'a') + "..."), std::string::npos) << s[0].error->message;
}
