#include "protocol/jsonrpc/message.hpp"

#include <stdexcept>

namespace petrade::jsonrpc {

using nlohmann::json;

namespace {

json make_call(std::uint64_t id, std::string_view method, const json& params) {
  if (method.empty())
    throw std::invalid_argument("JSON-RPC method name must not be empty");
  if (!params.is_null() && !params.is_array() && !params.is_object())
    throw std::invalid_argument("JSON-RPC params for " + std::string(method) +
                                " must be an array or an object, got " + params.dump());
  return json{{"jsonrpc", "2.0"},
              {"id", id},
              {"method", method},
              {"params", params.is_null() ? json::array() : params}};
}

/// The length of the valid UTF-8 sequence at the start of `s`, or 0.
std::size_t utf8_length(std::string_view s) {
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](std::size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    bool second = s.size() > 1 && (c == 0xE0 ? b(1) >= 0xA0 : c == 0xED ? b(1) < 0xA0 : true);
    return second && cont(1) && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    bool second = s.size() > 1 && (c == 0xF0 ? b(1) >= 0x90 : c == 0xF4 ? b(1) < 0x90 : true);
    return second && cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/// Up to `max` bytes of a node's text for an error message. Invalid UTF-8
/// becomes U+FFFD and a cut never splits a character: the message travels
/// on inside JSON (the /rpc proxy's answers, JSON logs), whose writer throws
/// on invalid UTF-8.
std::string snippet(std::string_view text, std::size_t max = 160) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    auto n = utf8_length(text.substr(i));
    if (out.size() + (n ? n : 3) > max)   // U+FFFD takes 3 bytes
      break;
    out += n ? text.substr(i, n) : std::string_view("\xEF\xBF\xBD");
    i += n ? n : 1;
  }
  if (i < text.size())
    out += "...";
  return out;
}

/// A well-formed error object, or nullopt.
std::optional<rpc_error> parse_error_object(const json& err) {
  if (!err.is_object())
    return std::nullopt;
  auto code = err.find("code");
  auto message = err.find("message");
  if (code == err.end() || !code->is_number_integer() || message == err.end() ||
      !message->is_string())
    return std::nullopt;
  std::optional<json> data;
  if (auto d = err.find("data"); d != err.end())
    data = *d;
  return rpc_error::from_node(code->get<std::int64_t>(), message->get<std::string>(),
                              std::move(data));
}

/// The id as an unsigned number, or nullopt (null, string, negative, ...).
std::optional<std::uint64_t> numeric_id(const json& doc) {
  auto id = doc.find("id");
  if (id == doc.end() || !id->is_number_unsigned())
    return std::nullopt;
  return id->get<std::uint64_t>();
}

/// Result or error of one response object whose id has been checked.
call_result decode_body(const json& doc) {
  if (auto err = doc.find("error"); err != doc.end() && !err->is_null()) {
    if (auto e = parse_error_object(*err))
      return {json(), std::move(*e)};
    return {json(), rpc_error::protocol("malformed error object: " + snippet(err->dump()))};
  }
  if (auto res = doc.find("result"); res != doc.end())
    return {*res, std::nullopt};
  return {json(), rpc_error::protocol("response has neither result nor error: " +
                                      snippet(doc.dump()))};
}

bool any_protocol_error(const std::vector<call_result>& results) {
  for (auto& r : results)
    if (r.error && r.error->kind == error_kind::protocol)
      return true;
  return false;
}

} // namespace

std::string encode_call(std::uint64_t id, std::string_view method, const json& params) {
  return make_call(id, method, params).dump();
}

std::string encode_batch(std::uint64_t first_id, const std::vector<batch_item>& items) {
  json arr = json::array();
  for (std::size_t i = 0; i < items.size(); ++i)
    arr.push_back(make_call(first_id + i, items[i].method, items[i].params));
  return arr.dump();
}

call_result decode_response(const json& doc, std::uint64_t id) {
  if (!doc.is_object())
    return {json(), rpc_error::protocol("expected a JSON object, got " + snippet(doc.dump()))};
  auto got = numeric_id(doc);
  if (!got) {
    // A node that could not read our request answers with id null and an error.
    auto idv = doc.find("id");
    bool null_id = idv == doc.end() || idv->is_null();
    if (null_id && doc.contains("error")) {
      auto r = decode_body(doc);
      if (r.error)
        return r;
    }
    return {json(), rpc_error::protocol("response id " + (idv == doc.end() ? "missing" : idv->dump()) +
                                        " does not match request id " + std::to_string(id))};
  }
  if (*got != id)
    return {json(), rpc_error::protocol("response id " + std::to_string(*got) +
                                        " does not match request id " + std::to_string(id))};
  return decode_body(doc);
}

std::vector<call_result> decode_batch_response(const json& doc, std::uint64_t first_id,
                                               std::size_t count) {
  std::vector<call_result> out(count);
  std::vector<bool> filled(count, false);
  std::optional<rpc_error> batch_error;   // an id-less error answers the whole batch

  if (doc.is_object()) {
    auto r = decode_body(doc);
    if (r.error && r.error->kind == error_kind::rpc)
      batch_error = r.error;
    else
      batch_error = rpc_error::protocol("expected a JSON array for a batch, got " +
                                        snippet(doc.dump()));
  } else if (!doc.is_array()) {
    batch_error = rpc_error::protocol("expected a JSON array for a batch, got " + snippet(doc.dump()));
  } else {
    for (const auto& item : doc) {
      if (!item.is_object())
        continue;
      auto id = numeric_id(item);
      if (!id) {
        auto r = decode_body(item);
        if (r.error && r.error->kind == error_kind::rpc && !batch_error)
          batch_error = r.error;
        continue;
      }
      if (*id < first_id || *id - first_id >= count || filled[*id - first_id])
        continue;                      // not ours, or a duplicate: ignore
      out[*id - first_id] = decode_body(item);
      filled[*id - first_id] = true;
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (filled[i])
      continue;
    out[i].error = batch_error ? *batch_error
                               : rpc_error::protocol("batch response has no answer for id " +
                                                     std::to_string(first_id + i));
  }
  return out;
}

std::vector<call_result> decode_http_response(unsigned status, std::string_view reason,
                                              std::string_view body, bool is_batch,
                                              std::uint64_t first_id, std::size_t count) {
  const std::size_t n = is_batch ? count : 1;
  auto fail_all = [n](const rpc_error& e) { return std::vector<call_result>(n, {json(), e}); };

  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  bool parsed = !doc.is_discarded();
  if (status != 200) {
    if (parsed) {
      auto results = is_batch ? decode_batch_response(doc, first_id, count)
                              : std::vector<call_result>{decode_response(doc, first_id)};
      if (!any_protocol_error(results))
        return results;
    }
    return fail_all(rpc_error::protocol("HTTP " + std::to_string(status) + " " +
                                            snippet(reason) + ": " + snippet(body),
                                        status));
  }
  if (!parsed)
    return fail_all(rpc_error::protocol("response is not valid JSON: " + snippet(body)));
  if (is_batch)
    return decode_batch_response(doc, first_id, count);
  return {decode_response(doc, first_id)};
}

} // namespace petrade::jsonrpc
