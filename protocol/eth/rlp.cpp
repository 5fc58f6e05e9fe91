#include "protocol/eth/rlp.hpp"

#include <stdexcept>

namespace petrade::eth::rlp {

// ---- item -------------------------------------------------------------------

item item::str(bytes_view data) {
  item it;
  it.data_.assign(data.begin(), data.end());
  return it;
}

item item::text(std::string_view s) {
  return str(bytes_view{reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

item item::uint(const uint256& v) {
  item it;
  it.data_ = to_be_minimal(v);
  return it;
}

item item::addr(const address& a) {
  return str(a.value);
}

item item::list(std::vector<item> children) {
  item it;
  it.is_list_ = true;
  it.children_ = std::move(children);
  return it;
}

const bytes& item::data() const {
  if (is_list_)
    throw std::logic_error("RLP item is a list, not a byte string");
  return data_;
}

const std::vector<item>& item::children() const {
  if (!is_list_)
    throw std::logic_error("RLP item is a byte string, not a list");
  return children_;
}

bool operator==(const item& a, const item& b) {
  return a.is_list_ == b.is_list_ && a.data_ == b.data_ && a.children_ == b.children_;
}

// ---- encoding ---------------------------------------------------------------

namespace {

// Short form: one byte `short_base + len`; long form: `long_base + n` and the
// n-byte big-endian length.
void put_header(bytes& out, std::size_t len, std::uint8_t short_base) {
  if (len < 56) {
    out.push_back(static_cast<std::uint8_t>(short_base + len));
    return;
  }
  auto len_bytes = to_be_minimal(uint256(len));
  out.push_back(static_cast<std::uint8_t>(short_base + 55 + len_bytes.size()));
  append(out, len_bytes);
}

void put_string(bytes& out, bytes_view data) {
  if (data.size() == 1 && data[0] < 0x80) {
    out.push_back(data[0]);
    return;
  }
  put_header(out, data.size(), 0x80);
  append(out, data);
}

} // namespace

void encode_to(bytes& out, const item& it) {
  if (it.is_string()) {
    put_string(out, it.data());
    return;
  }
  bytes payload;
  for (const auto& child : it.children())
    encode_to(payload, child);
  put_header(out, payload.size(), 0xc0);
  append(out, payload);
}

bytes encode(const item& it) {
  bytes out;
  encode_to(out, it);
  return out;
}

bytes encode_string(bytes_view data) {
  bytes out;
  put_string(out, data);
  return out;
}

bytes encode_uint(const uint256& v) {
  return encode_string(to_be_minimal(v));
}

bytes encode_list_payload(bytes_view payload) {
  bytes out;
  put_header(out, payload.size(), 0xc0);
  append(out, payload);
  return out;
}

// ---- decoding ---------------------------------------------------------------

// Walks one input; positions are indices into `in_`, reported plus `base_`.
class decoder {
public:
  decoder(bytes_view in, std::size_t base) : in_(in), base_(base) {}

  item top() {
    if (in_.empty())
      fail("empty RLP input", 0);
    std::size_t pos = 0;
    item it = parse(pos, in_.size(), 0);
    if (pos != in_.size())
      fail(std::to_string(in_.size() - pos) + " trailing byte(s) after the RLP item",
           pos);
    return it;
  }

private:
  [[noreturn]] void fail(const std::string& msg, std::size_t pos) const {
    throw decode_error("RLP: " + msg, base_ + pos);
  }

  // Parses the item starting at `pos`, which must end by `end`; moves `pos`
  // past it.
  item parse(std::size_t& pos, std::size_t end, std::size_t depth) {
    const std::size_t start = pos;
    const std::uint8_t b = in_[start];
    item it;
    it.offset_ = base_ + start;
    if (b < 0x80) {
      it.data_.push_back(b);
      pos = start + 1;
      return it;
    }
    const bool is_list = b >= 0xc0;
    const std::uint8_t rel = static_cast<std::uint8_t>(b - (is_list ? 0xc0 : 0x80));
    std::size_t payload = start + 1;
    std::size_t len = 0;
    if (rel < 56) {
      len = rel;
    } else {
      const std::size_t n = rel - 55; // 1..8 length bytes
      if (n > end - payload)
        fail("long-form length bytes run past the end of the input", start);
      if (in_[payload] == 0)
        fail("long-form length has a leading zero byte", payload);
      std::uint64_t l = 0;
      for (std::size_t i = 0; i < n; ++i)
        l = (l << 8) | in_[payload + i];
      if (l < 56)
        fail("long-form length used for a payload of " + std::to_string(l)
               + " bytes (< 56)",
             start);
      payload += n;
      len = l;
    }
    if (len > end - payload)
      fail("item of " + std::to_string(len) + " bytes runs past the end of its "
             + (end == in_.size() ? "input" : "enclosing list"),
           start);
    const std::size_t item_end = payload + len;
    if (!is_list) {
      if (len == 1 && in_[payload] < 0x80)
        fail("single byte below 0x80 must be encoded as itself", start);
      it.data_.assign(in_.begin() + static_cast<std::ptrdiff_t>(payload),
                      in_.begin() + static_cast<std::ptrdiff_t>(item_end));
      pos = item_end;
      return it;
    }
    if (depth >= max_depth)
      fail("lists nested deeper than " + std::to_string(max_depth), start);
    it.is_list_ = true;
    std::size_t p = payload;
    while (p < item_end)
      it.children_.push_back(parse(p, item_end, depth + 1));
    pos = item_end;
    return it;
  }

  bytes_view in_;
  std::size_t base_;
};

item decode(bytes_view input, std::size_t base_offset) {
  return decoder(input, base_offset).top();
}

// ---- typed reads ------------------------------------------------------------

namespace {

[[noreturn]] void bad(const item& it, std::string_view what, const std::string& msg) {
  throw decode_error(std::string(what) + ": " + msg, it.offset());
}

} // namespace

const bytes& as_bytes(const item& it, std::string_view what) {
  if (it.is_list())
    bad(it, what, "expected a byte string, got a list");
  return it.data();
}

uint256 as_uint256(const item& it, std::string_view what) {
  const auto& b = as_bytes(it, what);
  if (b.size() > 32)
    bad(it, what, "integer of " + std::to_string(b.size()) + " bytes exceeds 256 bits");
  if (!b.empty() && b[0] == 0)
    bad(it, what, "integer has a leading zero byte");
  return from_be(b);
}

std::uint64_t as_uint64(const item& it, std::string_view what) {
  const auto& b = as_bytes(it, what);
  if (b.size() > 8)
    bad(it, what, "integer of " + std::to_string(b.size()) + " bytes exceeds 64 bits");
  return static_cast<std::uint64_t>(as_uint256(it, what));
}

address as_address(const item& it, std::string_view what) {
  const auto& b = as_bytes(it, what);
  if (b.size() != 20)
    bad(it, what,
        "expected a 20-byte address, got " + std::to_string(b.size()) + " bytes");
  address a;
  std::copy(b.begin(), b.end(), a.value.begin());
  return a;
}

hash256 as_hash256(const item& it, std::string_view what) {
  const auto& b = as_bytes(it, what);
  if (b.size() != 32)
    bad(it, what, "expected 32 bytes, got " + std::to_string(b.size()));
  hash256 h;
  std::copy(b.begin(), b.end(), h.begin());
  return h;
}

const std::vector<item>& as_list(const item& it, std::string_view what) {
  if (!it.is_list())
    bad(it, what, "expected a list, got a byte string");
  return it.children();
}

const std::vector<item>& as_list(const item& it, std::string_view what,
                                 std::size_t count) {
  const auto& c = as_list(it, what);
  if (c.size() != count)
    bad(it, what,
        "expected a list of " + std::to_string(count) + " items, got "
          + std::to_string(c.size()));
  return c;
}

} // namespace petrade::eth::rlp
