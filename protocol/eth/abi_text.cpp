#include "protocol/eth/abi_text.hpp"

#include "protocol/eth/abi_codec.hpp"
#include "protocol/eth/hex.hpp"

#include <cstdio>
#include <stdexcept>

namespace petrade::eth::abi {

namespace {

[[noreturn]] void bad_text(const type& t, std::string_view text, const std::string& why) {
  throw std::invalid_argument("cannot read '" + std::string(text) + "' as "
                              + t.canonical() + ": " + why);
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && space(s.back()))
    s.remove_suffix(1);
  return s;
}

/// "\"a\\\"b\"" -> a"b ; text without surrounding quotes is returned as is.
std::string unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"')
    return std::string(s);
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\'))
      ++i;
    out += s[i];
  }
  return out;
}

/// Splits the inside of [...] or (...) at commas outside nested brackets and quotes.
std::vector<std::string_view> split_items(const type& t, std::string_view whole,
                                          std::string_view inner) {
  std::vector<std::string_view> items;
  if (trim(inner).empty())
    return items;
  int depth = 0;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < inner.size(); ++i) {
    char c = inner[i];
    if (quoted) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '[' || c == '(') {
      ++depth;
    } else if (c == ']' || c == ')') {
      if (--depth < 0)
        bad_text(t, whole, "unbalanced brackets");
    } else if (c == ',' && depth == 0) {
      items.push_back(trim(inner.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (depth != 0 || quoted)
    bad_text(t, whole, quoted ? "unterminated quote" : "unbalanced brackets");
  items.push_back(trim(inner.substr(start)));
  return items;
}

/// Decimal with optional fraction, exponent and unit: "1.5e3", "2.5gwei",
/// "1 ether". The fraction must vanish after scaling.
uint256 parse_decimal(const type& t, std::string_view whole, std::string_view s) {
  std::size_t scale = 0;
  for (auto [unit, decimals] : {std::pair{"ether", 18}, {"gwei", 9}, {"wei", 0}}) {
    if (s.ends_with(unit)) {
      s = trim(s.substr(0, s.size() - std::string_view(unit).size()));
      scale = static_cast<std::size_t>(decimals);
      break;
    }
  }
  auto e = s.find_first_of("eE");
  if (e != std::string_view::npos) {
    auto exp_text = s.substr(e + 1);
    if (exp_text.empty() || exp_text.size() > 2
        || exp_text.find_first_not_of("0123456789") != std::string_view::npos)
      bad_text(t, whole, "bad exponent");
    scale += std::stoul(std::string(exp_text));
    s = s.substr(0, e);
  }
  std::string digits(s);
  auto dot = digits.find('.');
  if (dot != std::string::npos) {
    std::size_t fraction = digits.size() - dot - 1;
    if (fraction > scale)
      bad_text(t, whole, "more decimals than the scale allows");
    scale -= fraction;
    digits.erase(dot, 1);
  }
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
    bad_text(t, whole, "not a number");
  uint256 v;
  try {
    v = parse_uint256(digits);
  } catch (const std::invalid_argument&) {
    bad_text(t, whole, "number exceeds 256 bits");
  }
  for (std::size_t i = 0; i < scale; ++i) {
    if (v > (~uint256(0)) / 10)
      bad_text(t, whole, "number exceeds 256 bits");
    v *= 10;
  }
  return v;
}

value parse_integer(const type& t, std::string_view text) {
  std::string_view s = trim(text);
  bool negative = !s.empty() && s.front() == '-';
  if (negative) {
    if (t.kind != type_kind::int_)
      bad_text(t, text, "negative value for an unsigned type");
    s.remove_prefix(1);
  }
  uint256 magnitude;
  if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    try {
      magnitude = parse_uint256(s);
    } catch (const std::invalid_argument&) {
      bad_text(t, text, "not a 256-bit hex number");
    }
  } else {
    magnitude = parse_decimal(t, text, s);
  }
  if (!negative)
    return value(magnitude);
  if (magnitude > (uint256(1) << 255))
    bad_text(t, text, "number is below -2^255");
  return value(-int256(magnitude));
}

value parse_any(const type& t, std::string_view text) {
  std::string_view s = trim(text);
  switch (t.kind) {
  case type_kind::uint_:
  case type_kind::int_: return parse_integer(t, text);
  case type_kind::boolean:
    if (s == "true")
      return value(true);
    if (s == "false")
      return value(false);
    bad_text(t, text, "expected true or false");
  case type_kind::address:
    try {
      return value(eth::address::parse(unquote(s)));
    } catch (const decode_error& err) {
      bad_text(t, text, err.what());
    }
  case type_kind::fixed_bytes:
  case type_kind::bytes:
    try {
      return value(from_hex(unquote(s)));
    } catch (const decode_error& err) {
      bad_text(t, text, err.what());
    }
  case type_kind::string: return value(unquote(text));
  case type_kind::fixed_array:
  case type_kind::dynamic_array:
  case type_kind::tuple: {
    bool tuple = t.kind == type_kind::tuple;
    char open = tuple ? '(' : '[', close = tuple ? ')' : ']';
    if (s.size() < 2 || s.front() != open || s.back() != close)
      bad_text(t, text, std::string("expected ") + open + "..." + close);
    auto items = split_items(t, text, s.substr(1, s.size() - 2));
    std::size_t want = tuple ? t.components.size() : t.size;
    if (t.kind != type_kind::dynamic_array && items.size() != want)
      bad_text(t, text, "expected " + std::to_string(want) + " items, got "
                          + std::to_string(items.size()));
    value_list out;
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      const type& ti = tuple ? t.components[i] : t.element();
      // Inside brackets strings are trimmed; quotes protect spaces and commas.
      out.push_back(ti.kind == type_kind::string ? value(unquote(items[i]))
                                                 : parse_any(ti, items[i]));
    }
    return value(std::move(out));
  }
  }
  bad_text(t, text, "unsupported type");
}

std::string quote_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\0': out += "\\0"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        char buf[12];
        std::snprintf(buf, sizeof buf, "\\u{%x}", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
}

} // namespace

value parse_value(const type& t, std::string_view text) {
  value v = parse_any(t, text);
  try {
    validate(t, v);
  } catch (const std::invalid_argument& err) {
    bad_text(t, text, err.what());
  }
  return v;
}

std::vector<value> parse_values(const std::vector<type>& types,
                                const std::vector<std::string>& args) {
  if (types.size() != args.size())
    throw std::invalid_argument(canonical_list(types) + " needs "
                                + std::to_string(types.size()) + " arguments, got "
                                + std::to_string(args.size()));
  std::vector<value> out;
  out.reserve(args.size());
  for (std::size_t i = 0; i < args.size(); ++i)
    out.push_back(parse_value(types[i], args[i]));
  return out;
}

std::string format_value(const type& t, const value& v) {
  switch (t.kind) {
  case type_kind::uint_: return to_decimal(v.as_uint());
  case type_kind::int_: return v.as_int().str();
  case type_kind::boolean: return v.as_bool() ? "true" : "false";
  case type_kind::address: return v.as_address().checksummed();
  case type_kind::fixed_bytes:
  case type_kind::bytes:
    return v.is_string() ? to_hex(as_view(v.as_string())) : to_hex(v.as_bytes());
  case type_kind::string:
    return v.is_bytes() ? quote_string(std::string(v.as_bytes().begin(), v.as_bytes().end()))
                        : quote_string(v.as_string());
  case type_kind::fixed_array:
  case type_kind::dynamic_array:
  case type_kind::tuple: {
    bool tuple = t.kind == type_kind::tuple;
    const auto& items = v.as_list();
    std::string out = tuple ? "(" : "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i)
        out += ", ";
      out += format_value(tuple ? t.components.at(i) : t.element(), items[i]);
    }
    return out + (tuple ? ")" : "]");
  }
  }
  return {};
}

std::string format_values(const std::vector<type>& types, const std::vector<value>& values) {
  std::string out;
  for (std::size_t i = 0; i < types.size() && i < values.size(); ++i) {
    if (i)
      out += '\n';
    out += format_value(types[i], values[i]);
  }
  return out;
}

} // namespace petrade::eth::abi
