#include "protocol/eth/abi_revert.hpp"

#include "protocol/eth/abi_codec.hpp"
#include "protocol/eth/abi_text.hpp"
#include "protocol/eth/hex.hpp"

#include <algorithm>

namespace petrade::eth::abi {

namespace {

const error_desc& builtin_error() {
  static const error_desc e{"Error", {{"reason", type::string(), false}}};
  return e;
}

const error_desc& builtin_panic() {
  static const error_desc e{"Panic", {{"code", type::uint(), false}}};
  return e;
}

bool has_selector(bytes_view data, const selector& sel) {
  return data.size() >= 4 && std::equal(sel.begin(), sel.end(), data.begin());
}

std::string hex_code(const uint256& code) {
  auto q = to_quantity(code);
  if (q.size() == 3) // "0x1" -> "0x01", as Solidity documents the codes
    q.insert(2, "0");
  return q;
}

revert_info unknown(bytes_view data, const std::string& note = {}) {
  revert_info r;
  r.kind = revert_kind::unknown;
  r.raw.assign(data.begin(), data.end());
  r.message = "reverted with unrecognized data " + to_hex(data) + note;
  return r;
}

std::string describe_custom(const error_desc& e, const std::vector<named_value>& args) {
  std::string out = e.name + "(";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i)
      out += ", ";
    if (!args[i].name.empty())
      out += args[i].name + ": ";
    out += format_value(args[i].type, args[i].value);
  }
  return out + ")";
}

} // namespace

std::string panic_meaning(const uint256& code) {
  if (code > 0xff)
    return "unknown panic code";
  switch (static_cast<unsigned>(code)) {
  case 0x00: return "generic compiler-inserted panic";
  case 0x01: return "assertion failed";
  case 0x11: return "arithmetic overflow or underflow";
  case 0x12: return "division or modulo by zero";
  case 0x21: return "conversion to an invalid enum value";
  case 0x22: return "incorrectly encoded storage byte array";
  case 0x31: return "pop() on an empty array";
  case 0x32: return "array index out of bounds";
  case 0x41: return "out of memory (allocation too large)";
  case 0x51: return "call to a zero-initialized internal function";
  default: return "unknown panic code";
  }
}

revert_info decode_revert(bytes_view data, std::span<const error_desc> errors) {
  if (data.empty()) {
    revert_info r;
    r.message = "reverted without a reason";
    return r;
  }
  if (data.size() < 4)
    return unknown(data);

  auto decode_args = [&](const error_desc& e) {
    return decode(types_of(e.inputs), data.subspan(4));
  };
  try {
    if (has_selector(data, builtin_error().selector())) {
      revert_info r;
      r.kind = revert_kind::error_string;
      r.error_name = "Error";
      r.reason = decode_args(builtin_error()).front().as_string();
      r.message = "execution reverted: " + r.reason;
      r.raw.assign(data.begin(), data.end());
      return r;
    }
    if (has_selector(data, builtin_panic().selector())) {
      revert_info r;
      r.kind = revert_kind::panic;
      r.error_name = "Panic";
      r.panic_code = decode_args(builtin_panic()).front().as_uint();
      r.message = "panic " + hex_code(r.panic_code) + ": " + panic_meaning(r.panic_code);
      r.raw.assign(data.begin(), data.end());
      return r;
    }
    for (const auto& e : errors) {
      if (!has_selector(data, e.selector()))
        continue;
      revert_info r;
      r.kind = revert_kind::custom;
      r.error_name = e.name;
      r.arguments = name_values(e.inputs, decode_args(e));
      r.message = describe_custom(e, r.arguments);
      r.raw.assign(data.begin(), data.end());
      return r;
    }
  } catch (const decode_error& err) {
    return unknown(data, std::string(" (") + err.what() + ")");
  }
  return unknown(data);
}

bytes encode_error_string(const std::string& reason) {
  return builtin_error().encode({value(reason)});
}

bytes encode_panic(const uint256& code) { return builtin_panic().encode({value(code)}); }

} // namespace petrade::eth::abi
