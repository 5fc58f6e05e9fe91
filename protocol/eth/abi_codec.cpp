#include "protocol/eth/abi_codec.hpp"

#include <algorithm>
#include <stdexcept>

namespace petrade::eth::abi {

namespace {

// ---- encoding ------------------------------------------------------------

/// Where in the argument list a value sits, kept on the stack so that the path
/// is only formatted when something is wrong.
struct path_frame {
  const path_frame* parent;
  std::size_t index;
  bool member; // tuple member (".i") rather than array element ("[i]")
};

std::string path_text(const path_frame* f) {
  std::vector<const path_frame*> chain;
  for (; f; f = f->parent)
    chain.push_back(f);
  if (chain.empty())
    return "value";
  std::reverse(chain.begin(), chain.end());
  std::string out = "argument " + std::to_string(chain.front()->index);
  for (std::size_t i = 1; i < chain.size(); ++i)
    out += chain[i]->member ? "." + std::to_string(chain[i]->index)
                            : "[" + std::to_string(chain[i]->index) + "]";
  return out;
}

[[noreturn]] void bad_value(const path_frame* at, const type& t, const std::string& why) {
  throw std::invalid_argument("ABI " + path_text(at) + " (" + t.canonical() + "): " + why);
}

std::string int_text(const value& v) {
  return v.is_int() ? std::get<int256>(v.data).str() : to_decimal(std::get<uint256>(v.data));
}

uint256 twos_complement(const int256& v) {
  if (v >= 0)
    return uint256(v);
  uint256 magnitude = uint256(-v);
  return ~magnitude + 1;
}

void need_kind(bool ok, const value& v, const char* wanted, const path_frame* at,
               const type& t) {
  if (!ok)
    bad_value(at, t, std::string("expected ") + wanted + ", got " + v.kind_name() + " "
                       + v.debug_string());
}

hash256 leaf_word(const type& t, const value& v, const path_frame* at) {
  hash256 w{};
  switch (t.kind) {
  case type_kind::uint_: {
    need_kind(v.is_uint() || v.is_int(), v, "an integer", at, t);
    if (v.is_int() && std::get<int256>(v.data) < 0)
      bad_value(at, t, "negative value " + int_text(v) + " for an unsigned type");
    uint256 u = v.as_uint();
    if (t.size < 256 && (u >> t.size) != 0)
      bad_value(at, t, "value " + int_text(v) + " does not fit in " + std::to_string(t.size)
                         + " bits");
    return to_be32(u);
  }
  case type_kind::int_: {
    need_kind(v.is_uint() || v.is_int(), v, "an integer", at, t);
    const int256 limit = int256(uint256(1) << (t.size - 1));
    bool fits = v.is_int() ? (std::get<int256>(v.data) >= -limit
                              && std::get<int256>(v.data) < limit)
                           : std::get<uint256>(v.data) < uint256(limit);
    if (!fits)
      bad_value(at, t, "value " + int_text(v) + " is outside the range of int"
                         + std::to_string(t.size));
    return to_be32(twos_complement(v.as_int()));
  }
  case type_kind::address:
    need_kind(v.is_address(), v, "an address", at, t);
    std::copy(v.as_address().value.begin(), v.as_address().value.end(), w.begin() + 12);
    return w;
  case type_kind::boolean:
    need_kind(v.is_bool(), v, "a bool", at, t);
    w[31] = v.as_bool() ? 1 : 0;
    return w;
  case type_kind::fixed_bytes: {
    need_kind(v.is_bytes(), v, "bytes", at, t);
    const auto& b = v.as_bytes();
    if (b.size() != t.size)
      bad_value(at, t, "expected exactly " + std::to_string(t.size) + " bytes, got "
                         + std::to_string(b.size()));
    std::copy(b.begin(), b.end(), w.begin());
    return w;
  }
  default:
    throw std::logic_error("ABI type " + t.canonical() + " is not a 32-byte leaf");
  }
}

void append_word(bytes& out, const hash256& w) { out.insert(out.end(), w.begin(), w.end()); }

void append_length(bytes& out, std::size_t n) { append_word(out, to_be32(uint256(n))); }

void encode_into(const type& t, const value& v, bytes& out, const path_frame* at);

/// A tuple-like sequence: heads in order (static values in place, offsets to
/// dynamic ones), then the tails. Offsets count from the start of the heads.
template <typename TypeAt>
void encode_items(std::size_t n, TypeAt type_at, const value_list& items, bytes& out,
                  const path_frame* at, bool members) {
  std::size_t head_total = 0;
  for (std::size_t i = 0; i < n; ++i)
    head_total += type_at(i).head_size();
  bytes head, tail;
  head.reserve(head_total);
  for (std::size_t i = 0; i < n; ++i) {
    path_frame frame{at, i, members};
    const type& ti = type_at(i);
    if (ti.is_dynamic()) {
      append_length(head, head_total + tail.size());
      encode_into(ti, items[i], tail, &frame);
    } else {
      encode_into(ti, items[i], head, &frame);
    }
  }
  append(out, head);
  append(out, tail);
}

void encode_into(const type& t, const value& v, bytes& out, const path_frame* at) {
  switch (t.kind) {
  case type_kind::bytes:
  case type_kind::string: {
    bool is_str = t.kind == type_kind::string;
    // Raw bytes are accepted for a string too (non-UTF-8 strings exist on chain).
    need_kind(v.is_bytes() || (is_str && v.is_string()), v, is_str ? "a string" : "bytes",
              at, t);
    bytes_view body = v.is_string() ? as_view(v.as_string()) : bytes_view(v.as_bytes());
    append_length(out, body.size());
    append(out, body);
    out.resize(out.size() + (32 - body.size() % 32) % 32, 0);
    return;
  }
  case type_kind::dynamic_array: {
    need_kind(v.is_list(), v, "a list", at, t);
    const auto& items = v.as_list();
    append_length(out, items.size());
    encode_items(items.size(), [&](std::size_t) -> const type& { return t.element(); },
                 items, out, at, false);
    return;
  }
  case type_kind::fixed_array: {
    need_kind(v.is_list(), v, "a list", at, t);
    const auto& items = v.as_list();
    if (items.size() != t.size)
      bad_value(at, t, "expected " + std::to_string(t.size) + " elements, got "
                         + std::to_string(items.size()));
    encode_items(items.size(), [&](std::size_t) -> const type& { return t.element(); },
                 items, out, at, false);
    return;
  }
  case type_kind::tuple: {
    need_kind(v.is_list(), v, "a list", at, t);
    const auto& items = v.as_list();
    if (items.size() != t.components.size())
      bad_value(at, t, "expected " + std::to_string(t.components.size())
                         + " tuple members, got " + std::to_string(items.size()));
    encode_items(items.size(), [&](std::size_t i) -> const type& { return t.components[i]; },
                 items, out, at, true);
    return;
  }
  default:
    append_word(out, leaf_word(t, v, at));
  }
}

// ---- decoding ------------------------------------------------------------

class decoder {
public:
  explicit decoder(bytes_view data)
    : data_(data), budget_(4 * data.size() + 1024) {}

  template <typename TypeAt>
  value_list decode_items(std::size_t n, TypeAt type_at, std::size_t base) {
    value_list out;
    out.reserve(n);
    std::size_t head = base;
    for (std::size_t i = 0; i < n; ++i) {
      const type& ti = type_at(i);
      if (ti.is_dynamic()) {
        std::size_t offset = read_size(head, "offset");
        if (offset > data_.size() - base)
          throw decode_error("offset " + std::to_string(offset)
                               + " points past the end of the data ("
                               + std::to_string(data_.size()) + " bytes)",
                             head);
        out.push_back(decode_at(ti, base + offset));
      } else {
        out.push_back(decode_at(ti, head));
      }
      head += ti.head_size();
    }
    return out;
  }

  value decode_at(const type& t, std::size_t pos) {
    switch (t.kind) {
    case type_kind::bytes:
    case type_kind::string: return decode_bytes(t, pos);
    case type_kind::dynamic_array: {
      std::size_t n = read_size(pos, "array length");
      const type& elem = t.element();
      std::size_t base = pos + 32;
      if (n > (data_.size() - base) / elem.head_size())
        throw decode_error("array length " + std::to_string(n)
                             + " exceeds the remaining data",
                           pos);
      return decode_items(n, [&](std::size_t) -> const type& { return elem; }, base);
    }
    case type_kind::fixed_array: {
      const type& elem = t.element();
      // Check the whole head up front so a huge T[k] cannot reserve memory first.
      if (pos > data_.size() || t.size > (data_.size() - pos) / elem.head_size())
        throw decode_error("truncated ABI data: " + t.canonical() + " needs "
                             + std::to_string(t.size * elem.head_size()) + " bytes",
                           pos);
      return decode_items(t.size, [&](std::size_t) -> const type& { return elem; }, pos);
    }
    case type_kind::tuple:
      return decode_items(t.components.size(),
                          [&](std::size_t i) -> const type& { return t.components[i]; },
                          pos);
    default: return decode_leaf(t, pos);
    }
  }

private:
  /// Fails unless `n` bytes are available at `pos`; charges them to the budget
  /// that stops overlapping offsets from multiplying the work.
  void need(std::size_t pos, std::size_t n) {
    if (pos > data_.size() || data_.size() - pos < n)
      throw decode_error("truncated ABI data: " + std::to_string(n) + " bytes needed, "
                           + std::to_string(pos > data_.size() ? 0 : data_.size() - pos)
                           + " remain",
                         pos);
    if (n > budget_)
      throw decode_error("ABI data refers to the same bytes too often", pos);
    budget_ -= n;
  }

  bytes_view word(std::size_t pos) {
    need(pos, 32);
    return data_.subspan(pos, 32);
  }

  /// An offset or a length: must be a small number.
  std::size_t read_size(std::size_t pos, const char* what) {
    auto w = word(pos);
    for (std::size_t i = 0; i < 24; ++i)
      if (w[i] != 0)
        throw decode_error(std::string(what) + " is too large", pos);
    std::uint64_t v = 0;
    for (std::size_t i = 24; i < 32; ++i)
      v = (v << 8) | w[i];
    if (v > data_.size())
      throw decode_error(std::string(what) + " " + std::to_string(v)
                           + " exceeds the data size " + std::to_string(data_.size()),
                         pos);
    return static_cast<std::size_t>(v);
  }

  value decode_bytes(const type& t, std::size_t pos) {
    std::size_t len = read_size(pos, "length");
    std::size_t start = pos + 32;
    std::size_t padded = (len + 31) / 32 * 32;
    if (padded > data_.size() - std::min(start, data_.size()))
      throw decode_error(t.canonical() + " of length " + std::to_string(len)
                           + " runs past the end of the data",
                         pos);
    need(start, padded);
    for (std::size_t i = start + len; i < start + padded; ++i)
      if (data_[i] != 0)
        throw decode_error("non-zero padding after " + t.canonical(), i);
    auto body = data_.subspan(start, len);
    if (t.kind == type_kind::string)
      return value(std::string(body.begin(), body.end()));
    return value(bytes(body.begin(), body.end()));
  }

  value decode_leaf(const type& t, std::size_t pos) {
    auto w = word(pos);
    auto nonzero = [&](std::size_t from, std::size_t to) {
      return std::any_of(w.begin() + from, w.begin() + to, [](auto b) { return b != 0; });
    };
    switch (t.kind) {
    case type_kind::uint_: {
      uint256 u = from_be(w);
      if (t.size < 256 && (u >> t.size) != 0)
        throw decode_error("value does not fit " + t.canonical(), pos);
      return value(u);
    }
    case type_kind::int_: {
      uint256 u = from_be(w);
      const uint256 half = uint256(1) << (t.size - 1);
      if (u < half)
        return value(int256(u));
      uint256 magnitude = ~u + 1; // |value| when negative
      if (magnitude > half || (u >> 255) == 0)
        throw decode_error("value does not fit " + t.canonical()
                             + " (not sign-extended)",
                           pos);
      return value(-int256(magnitude));
    }
    case type_kind::address: {
      if (nonzero(0, 12))
        throw decode_error("address has non-zero high bytes", pos);
      eth::address a;
      std::copy(w.begin() + 12, w.end(), a.value.begin());
      return value(a);
    }
    case type_kind::boolean:
      if (nonzero(0, 31) || w[31] > 1)
        throw decode_error("bool must be 0 or 1", pos);
      return value(w[31] == 1);
    case type_kind::fixed_bytes:
      if (nonzero(t.size, 32))
        throw decode_error("non-zero padding after " + t.canonical(), pos);
      return value(bytes(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(t.size)));
    default: throw std::logic_error("not a leaf type: " + t.canonical());
    }
  }

  bytes_view data_;
  std::size_t budget_;
};

} // namespace

bytes encode(const std::vector<type>& types, const std::vector<value>& values) {
  if (types.size() != values.size())
    throw std::invalid_argument("ABI encoding " + canonical_list(types) + " needs "
                                + std::to_string(types.size()) + " values, got "
                                + std::to_string(values.size()));
  bytes out;
  encode_items(types.size(), [&](std::size_t i) -> const type& { return types[i]; }, values,
               out, nullptr, true);
  return out;
}

bytes encode_single(const type& t, const value& v) { return encode({t}, {v}); }

std::vector<value> decode(const std::vector<type>& types, bytes_view data) {
  decoder d(data);
  return d.decode_items(types.size(), [&](std::size_t i) -> const type& { return types[i]; },
                        0);
}

value decode_single(const type& t, bytes_view data) { return decode({t}, data).front(); }

void validate(const type& t, const value& v) {
  bytes scratch;
  encode_into(t, v, scratch, nullptr);
}

hash256 encode_word(const type& t, const value& v) { return leaf_word(t, v, nullptr); }

} // namespace petrade::eth::abi
