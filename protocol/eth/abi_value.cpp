#include "protocol/eth/abi_value.hpp"

#include "protocol/eth/hex.hpp"

#include <stdexcept>

namespace petrade::eth::abi {

namespace {

[[noreturn]] void wrong_kind(const value& v, const char* wanted) {
  throw std::invalid_argument(std::string("ABI value is ") + v.kind_name() + ", not "
                              + wanted);
}

const int256 int_max = int256((uint256(1) << 255) - 1);

} // namespace

uint256 value::as_uint() const {
  if (auto* u = std::get_if<uint256>(&data))
    return *u;
  if (auto* i = std::get_if<int256>(&data)) {
    if (*i < 0)
      throw std::invalid_argument("ABI value " + i->str() + " is negative, not a uint");
    return uint256(*i);
  }
  wrong_kind(*this, "uint");
}

int256 value::as_int() const {
  if (auto* i = std::get_if<int256>(&data))
    return *i;
  if (auto* u = std::get_if<uint256>(&data)) {
    if (*u > uint256(int_max))
      throw std::invalid_argument("ABI value " + to_decimal(*u) + " does not fit int256");
    return int256(*u);
  }
  wrong_kind(*this, "int");
}

bool value::as_bool() const {
  if (auto* b = std::get_if<bool>(&data))
    return *b;
  wrong_kind(*this, "bool");
}

const eth::address& value::as_address() const {
  if (auto* a = std::get_if<eth::address>(&data))
    return *a;
  wrong_kind(*this, "address");
}

const eth::bytes& value::as_bytes() const {
  if (auto* b = std::get_if<eth::bytes>(&data))
    return *b;
  wrong_kind(*this, "bytes");
}

const std::string& value::as_string() const {
  if (auto* s = std::get_if<std::string>(&data))
    return *s;
  wrong_kind(*this, "string");
}

const value_list& value::as_list() const {
  if (auto* l = std::get_if<value_list>(&data))
    return *l;
  wrong_kind(*this, "list");
}

const char* value::kind_name() const {
  static constexpr const char* names[] = {"uint", "int",    "bool", "address",
                                          "bytes", "string", "list"};
  return names[data.index()];
}

std::string value::debug_string() const {
  return std::visit(
    [](const auto& v) -> std::string {
      using T = std::decay_t<decltype(v)>;
      if constexpr (std::is_same_v<T, uint256>)
        return to_decimal(v);
      else if constexpr (std::is_same_v<T, int256>)
        return v.str();
      else if constexpr (std::is_same_v<T, bool>)
        return v ? "true" : "false";
      else if constexpr (std::is_same_v<T, eth::address>)
        return v.checksummed();
      else if constexpr (std::is_same_v<T, eth::bytes>)
        return to_hex(v);
      else if constexpr (std::is_same_v<T, std::string>)
        return "\"" + v + "\"";
      else {
        std::string out = "[";
        for (std::size_t i = 0; i < v.size(); ++i)
          out += (i ? ", " : "") + v[i].debug_string();
        return out + "]";
      }
    },
    data);
}

bool operator==(const value& a, const value& b) {
  bool a_num = a.is_uint() || a.is_int();
  bool b_num = b.is_uint() || b.is_int();
  if (a_num && b_num) {
    if (a.is_uint() && b.is_uint())
      return std::get<uint256>(a.data) == std::get<uint256>(b.data);
    if (a.is_int() && b.is_int())
      return std::get<int256>(a.data) == std::get<int256>(b.data);
    const uint256& u = a.is_uint() ? std::get<uint256>(a.data) : std::get<uint256>(b.data);
    const int256& i = a.is_int() ? std::get<int256>(a.data) : std::get<int256>(b.data);
    return i >= 0 && uint256(i) == u;
  }
  return a.data == b.data;
}

} // namespace petrade::eth::abi
