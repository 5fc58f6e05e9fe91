// A node's HTTP answer to the JSON-RPC client, as protocol/jsonrpc's
// connection reads it: Boost.Beast's response parser with the client's body
// limit, header then body, then decode_http_response for a single call or a
// batch. Decoding never throws: every defect becomes a call_result error.
// The errors are then rendered the way they travel on (describe(), and into
// JSON by the /rpc proxy and the logs), which must not throw either.
//
// Input: shape byte (bit 0: batch; bits 1-3: batch size - 1), then the
// response bytes. The request ids start at 1, like a new client's.
#include "protocol/eth/uint256.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/message.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <cstdlib>

using namespace petrade;
namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

[[noreturn]] void broken(const std::string& what) {
  std::fprintf(stderr, "jsonrpc_response: %s\n", what.c_str());
  std::abort();
}

void use(const jsonrpc::call_result& r) {
  if (r.error) {
    auto text = r.error->describe();
    json{{"error", {{"code", r.error->code}, {"message", r.error->message}}}}.dump();
    json(text).dump();
    return;
  }
  r.value.dump();
  // Node and transaction actors read quantities (heads, nonces) this way.
  if (r.value.is_string()) {
    try {
      eth::from_quantity(r.value.get<std::string>());
    } catch (const eth::decode_error&) {
    } catch (const std::invalid_argument&) {
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  bool batch = data[0] & 1;
  std::size_t count = batch ? 1 + ((data[0] >> 1) & 7) : 0;
  http::response_parser<http::string_body> parser;
  parser.body_limit(jsonrpc::client_options{}.max_response_bytes);
  // The header alone first, then the body, as the connection reads them
  // (async_read_header, async_read): Boost 1.74 checks Content-Length
  // against the body limit only when the parser stops after the header.
  parser.eager(false);
  boost::beast::error_code ec;
  auto used = parser.put(boost::asio::buffer(data + 1, size - 1), ec);
  if (!ec && parser.is_header_done() && !parser.is_done()) {
    parser.eager(true);
    parser.put(boost::asio::buffer(data + 1 + used, size - 1 - used), ec);
  }
  if (ec == http::error::need_more || (!ec && !parser.is_done()))
    parser.put_eof(ec);   // the node closed the connection
  if (ec || !parser.is_done())
    return 0;             // the client reports a transport error
  auto res = parser.release();
  std::vector<jsonrpc::call_result> results;
  try {
    results = jsonrpc::decode_http_response(res.result_int(), std::string(res.reason()), res.body(), batch, 1,
                                            count);
  } catch (const std::exception& e) {
    broken(std::string("decode_http_response threw: ") + e.what());
  }
  if (results.size() != (batch ? count : 1))
    broken("wrong number of results");
  for (auto& r : results)
    use(r);
  return 0;
}
