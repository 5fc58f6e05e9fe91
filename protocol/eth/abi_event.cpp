#include "protocol/eth/abi_event.hpp"

#include "protocol/eth/abi_codec.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"

#include <stdexcept>

namespace petrade::eth::abi {

namespace {

/// Solidity's in-place encoding of an indexed array or struct: members one
/// after another, strings and bytes padded to 32 bytes without a length, and
/// nested arrays and structs flattened the same way (no offsets).
void append_in_place(const type& t, const value& v, bytes& out) {
  switch (t.kind) {
  case type_kind::string:
  case type_kind::bytes: {
    bytes_view body = v.is_string() ? as_view(v.as_string()) : bytes_view(v.as_bytes());
    append(out, body);
    out.resize(out.size() + (32 - body.size() % 32) % 32, 0);
    return;
  }
  case type_kind::fixed_array:
  case type_kind::dynamic_array:
    for (const auto& item : v.as_list())
      append_in_place(t.element(), item, out);
    return;
  case type_kind::tuple: {
    const auto& items = v.as_list();
    for (std::size_t i = 0; i < items.size(); ++i)
      append_in_place(t.components.at(i), items[i], out);
    return;
  }
  default: {
    auto w = encode_word(t, v);
    out.insert(out.end(), w.begin(), w.end());
  }
  }
}

} // namespace

bool indexed_as_hash(const type& t) {
  return t.is_dynamic() || t.kind == type_kind::tuple || t.kind == type_kind::fixed_array;
}

hash256 topic_of(const type& t, const value& v) {
  validate(t, v);
  if (t.kind == type_kind::string || t.kind == type_kind::bytes)
    return keccak256(v.is_string() ? as_view(v.as_string()) : bytes_view(v.as_bytes()));
  if (!indexed_as_hash(t))
    return encode_word(t, v);
  bytes buf;
  append_in_place(t, v, buf);
  return keccak256(buf);
}

std::vector<hash256> encode_topics(const event_desc& ev, const std::vector<value>& args) {
  if (args.size() != ev.inputs.size())
    throw std::invalid_argument("event " + ev.signature() + " needs "
                                + std::to_string(ev.inputs.size()) + " arguments, got "
                                + std::to_string(args.size()));
  std::vector<hash256> topics;
  if (!ev.anonymous)
    topics.push_back(ev.topic0());
  for (std::size_t i = 0; i < args.size(); ++i)
    if (ev.inputs[i].indexed)
      topics.push_back(topic_of(ev.inputs[i].type, args[i]));
  return topics;
}

bytes encode_log_data(const event_desc& ev, const std::vector<value>& args) {
  if (args.size() != ev.inputs.size())
    throw std::invalid_argument("event " + ev.signature() + " needs "
                                + std::to_string(ev.inputs.size()) + " arguments, got "
                                + std::to_string(args.size()));
  std::vector<type> types;
  std::vector<value> values;
  for (std::size_t i = 0; i < args.size(); ++i)
    if (!ev.inputs[i].indexed) {
      types.push_back(ev.inputs[i].type);
      values.push_back(args[i]);
    }
  return encode(types, values);
}

std::vector<named_value> decode_log(const event_desc& ev, std::span<const hash256> topics,
                                    bytes_view data) {
  std::size_t indexed = 0;
  std::vector<type> data_types;
  for (const auto& p : ev.inputs) {
    if (p.indexed)
      ++indexed;
    else
      data_types.push_back(p.type);
  }
  std::size_t first = ev.anonymous ? 0 : 1;
  if (topics.size() != indexed + first)
    throw decode_error("event " + ev.signature() + " expects "
                         + std::to_string(indexed + first) + " topics, the log has "
                         + std::to_string(topics.size()),
                       topics.size());
  if (!ev.anonymous && topics[0] != ev.topic0())
    throw decode_error("topic0 " + to_hex(topics[0]) + " is not the event "
                         + ev.signature(),
                       0);
  auto data_values = decode(data_types, data);

  std::vector<named_value> out;
  out.reserve(ev.inputs.size());
  std::size_t next_topic = first, next_data = 0;
  for (const auto& p : ev.inputs) {
    named_value nv{p.name, p.type, value(), p.indexed, false};
    if (!p.indexed) {
      nv.value = std::move(data_values[next_data++]);
    } else {
      std::size_t ti = next_topic++;
      const hash256& topic = topics[ti];
      if (indexed_as_hash(p.type)) {
        nv.value = value(topic);
        nv.hashed = true;
      } else {
        try {
          nv.value = decode_single(p.type, topic);
        } catch (const decode_error& err) {
          throw decode_error("topic " + std::to_string(ti) + " (" + p.name + "): "
                               + err.what(),
                             ti);
        }
      }
    }
    out.push_back(std::move(nv));
  }
  return out;
}

} // namespace petrade::eth::abi
