#include "protocol/eth/abi_type.hpp"

#include <cctype>
#include <stdexcept>

namespace petrade::eth::abi {

namespace {

[[noreturn]] void bad_type(std::string_view text, const std::string& why) {
  throw std::invalid_argument("invalid ABI type '" + std::string(text) + "': " + why);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Recursive-descent parser over one type string; `whole` is kept for messages.
class type_parser {
public:
  explicit type_parser(std::string_view whole) : whole_(whole) {}

  type parse_single() {
    skip_space();
    type t = parse_type(0);
    skip_space();
    if (pos_ != whole_.size())
      fail("unexpected '" + std::string(1, whole_[pos_]) + "' at position "
           + std::to_string(pos_));
    return t;
  }

  /// Members of "(a,b)" or of the bare "a,b"; the whole text must be used.
  std::vector<type> parse_list() {
    skip_space();
    std::vector<type> out;
    if (pos_ < whole_.size() && whole_[pos_] == '(') {
      // Only treat the parentheses as the list's own when they close at the end;
      // "(a,b)[]" is a single type.
      std::size_t close = matching_paren(pos_);
      std::size_t after = close + 1;
      while (after < whole_.size() && is_space(whole_[after]))
        ++after;
      if (after == whole_.size()) {
        ++pos_;
        out = parse_members(0);
        skip_space();
        return out;
      }
    }
    if (pos_ == whole_.size())
      return out;
    while (true) {
      out.push_back(parse_type(0));
      skip_space();
      if (pos_ == whole_.size())
        return out;
      if (whole_[pos_] != ',')
        fail("expected ',' at position " + std::to_string(pos_));
      ++pos_;
      skip_space();
    }
  }

private:
  [[noreturn]] void fail(const std::string& why) const { bad_type(whole_, why); }

  void skip_space() {
    while (pos_ < whole_.size() && is_space(whole_[pos_]))
      ++pos_;
  }

  std::size_t matching_paren(std::size_t open) const {
    int depth = 0;
    for (std::size_t i = open; i < whole_.size(); ++i) {
      if (whole_[i] == '(')
        ++depth;
      else if (whole_[i] == ')' && --depth == 0)
        return i;
    }
    fail("unbalanced '('");
  }

  type parse_type(std::size_t depth) {
    if (depth > max_type_depth)
      fail("nested deeper than " + std::to_string(max_type_depth) + " levels");
    type t;
    if (pos_ < whole_.size() && whole_[pos_] == '(') {
      ++pos_;
      auto members = parse_members(depth + 1);
      if (members.empty())
        fail("empty tuple '()' is not a valid type");
      t = type::tuple(std::move(members));
    } else {
      std::size_t start = pos_;
      while (pos_ < whole_.size() && std::isalnum(static_cast<unsigned char>(whole_[pos_])))
        ++pos_;
      std::string_view word = whole_.substr(start, pos_ - start);
      if (word == "tuple" && pos_ < whole_.size() && whole_[pos_] == '(')
        return parse_type(depth); // "tuple(a,b)" is "(a,b)"
      t = elementary(word, start);
    }
    return parse_suffixes(std::move(t), depth);
  }

  /// After '(' : members up to and including the matching ')'.
  std::vector<type> parse_members(std::size_t depth) {
    std::vector<type> members;
    skip_space();
    if (pos_ < whole_.size() && whole_[pos_] == ')') {
      ++pos_;
      return members;
    }
    while (true) {
      skip_space();
      members.push_back(parse_type(depth));
      skip_space();
      if (pos_ >= whole_.size())
        fail("missing ')'");
      char c = whole_[pos_++];
      if (c == ')')
        return members;
      if (c != ',')
        fail("expected ',' or ')' at position " + std::to_string(pos_ - 1));
    }
  }

  type parse_suffixes(type t, std::size_t depth) {
    while (pos_ < whole_.size() && whole_[pos_] == '[') {
      if (++depth > max_type_depth)
        fail("nested deeper than " + std::to_string(max_type_depth) + " levels");
      ++pos_;
      std::size_t start = pos_;
      while (pos_ < whole_.size() && std::isdigit(static_cast<unsigned char>(whole_[pos_])))
        ++pos_;
      if (pos_ >= whole_.size() || whole_[pos_] != ']')
        fail("array suffix must be '[]' or '[<length>]'");
      std::string_view digits = whole_.substr(start, pos_ - start);
      ++pos_;
      if (digits.empty()) {
        t = type::array(std::move(t));
      } else {
        if (digits.size() > 9 || (digits.size() > 1 && digits[0] == '0'))
          fail("bad array length '" + std::string(digits) + "'");
        std::size_t len = std::stoul(std::string(digits));
        if (len == 0)
          fail("fixed array length must be at least 1");
        t = type::array(std::move(t), len);
      }
    }
    return t;
  }

  /// Number after a prefix ("256" in "uint256"); none means `fallback`.
  std::size_t width(std::string_view word, std::size_t prefix, std::size_t fallback,
                    std::size_t start) const {
    auto digits = word.substr(prefix);
    if (digits.empty())
      return fallback;
    for (char c : digits)
      if (!std::isdigit(static_cast<unsigned char>(c)))
        fail("unknown type name '" + std::string(word) + "' at position "
             + std::to_string(start));
    if (digits[0] == '0' || digits.size() > 3)
      fail("bad width in '" + std::string(word) + "'");
    return std::stoul(std::string(digits));
  }

  type elementary(std::string_view word, std::size_t start) const {
    if (word.empty())
      fail(pos_ < whole_.size()
             ? "unexpected '" + std::string(1, whole_[pos_]) + "' at position "
                 + std::to_string(pos_)
             : std::string("missing type"));
    if (word == "address")
      return type::address();
    if (word == "bool")
      return type::boolean();
    if (word == "string")
      return type::string();
    if (word == "bytes")
      return type::bytes();
    auto int_width = [&](std::size_t prefix) {
      std::size_t n = width(word, prefix, 256, start);
      if (n % 8 != 0 || n < 8 || n > 256)
        fail("integer width must be a multiple of 8 between 8 and 256");
      return n;
    };
    if (word.starts_with("uint"))
      return type::uint(int_width(4));
    if (word.starts_with("int"))
      return type::int_(int_width(3));
    if (word.starts_with("bytes")) {
      std::size_t n = width(word, 5, 0, start);
      if (n < 1 || n > 32)
        fail("fixed bytes length must be between 1 and 32");
      return type::fixed_bytes(n);
    }
    if (word.starts_with("fixed") || word.starts_with("ufixed") || word == "function")
      fail("'" + std::string(word) + "' is not supported");
    fail("unknown type name '" + std::string(word) + "'");
  }

  std::string_view whole_;
  std::size_t pos_ = 0;
};

} // namespace

type type::uint(std::size_t bits) {
  if (bits % 8 != 0 || bits < 8 || bits > 256)
    throw std::invalid_argument("uint width must be a multiple of 8 in 8..256, got "
                                + std::to_string(bits));
  return type{type_kind::uint_, bits, {}};
}

type type::int_(std::size_t bits) {
  if (bits % 8 != 0 || bits < 8 || bits > 256)
    throw std::invalid_argument("int width must be a multiple of 8 in 8..256, got "
                                + std::to_string(bits));
  return type{type_kind::int_, bits, {}};
}

type type::address() { return type{type_kind::address, 20, {}}; }
type type::boolean() { return type{type_kind::boolean, 1, {}}; }

type type::fixed_bytes(std::size_t n) {
  if (n < 1 || n > 32)
    throw std::invalid_argument("bytes<N> needs N in 1..32, got " + std::to_string(n));
  return type{type_kind::fixed_bytes, n, {}};
}

type type::bytes() { return type{type_kind::bytes, 0, {}}; }
type type::string() { return type{type_kind::string, 0, {}}; }

type type::array(type element) {
  return type{type_kind::dynamic_array, 0, {std::move(element)}};
}

type type::array(type element, std::size_t len) {
  if (len == 0)
    throw std::invalid_argument("fixed array length must be at least 1");
  // Keeps head sizes far from overflow however deeply arrays nest.
  if (len > (std::size_t(1) << 32) / element.head_size())
    throw std::invalid_argument("fixed array " + element.canonical() + "["
                                + std::to_string(len) + "] is too large");
  return type{type_kind::fixed_array, len, {std::move(element)}};
}

type type::tuple(std::vector<type> members) {
  return type{type_kind::tuple, members.size(), std::move(members)};
}

type type::parse(std::string_view text) { return type_parser(text).parse_single(); }

std::vector<type> parse_type_list(std::string_view text) {
  return type_parser(text).parse_list();
}

std::string canonical_list(const std::vector<type>& types) {
  std::string out = "(";
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i)
      out += ',';
    out += types[i].canonical();
  }
  return out + ")";
}

std::string type::canonical() const {
  switch (kind) {
  case type_kind::uint_: return "uint" + std::to_string(size);
  case type_kind::int_: return "int" + std::to_string(size);
  case type_kind::address: return "address";
  case type_kind::boolean: return "bool";
  case type_kind::fixed_bytes: return "bytes" + std::to_string(size);
  case type_kind::bytes: return "bytes";
  case type_kind::string: return "string";
  case type_kind::fixed_array: return element().canonical() + "[" + std::to_string(size) + "]";
  case type_kind::dynamic_array: return element().canonical() + "[]";
  case type_kind::tuple: return canonical_list(components);
  }
  return {};
}

bool type::is_dynamic() const {
  switch (kind) {
  case type_kind::bytes:
  case type_kind::string:
  case type_kind::dynamic_array: return true;
  case type_kind::fixed_array: return element().is_dynamic();
  case type_kind::tuple:
    for (const auto& c : components)
      if (c.is_dynamic())
        return true;
    return false;
  default: return false;
  }
}

std::size_t type::head_size() const {
  if (is_dynamic())
    return 32;
  if (kind == type_kind::fixed_array)
    return size * element().head_size();
  if (kind == type_kind::tuple) {
    std::size_t n = 0;
    for (const auto& c : components)
      n += c.head_size();
    return n;
  }
  return 32;
}

const type& type::element() const {
  if (!is_array() || components.size() != 1)
    throw std::logic_error("ABI type " + canonical() + " has no element type");
  return components.front();
}

} // namespace petrade::eth::abi
