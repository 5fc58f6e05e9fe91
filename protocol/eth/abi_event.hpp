// Event logs: topics for indexed parameters and decoding a log back into
// named values.
#pragma once

#include "protocol/eth/abi_desc.hpp"

#include <span>
#include <vector>

namespace petrade::eth::abi {

/// The topic an indexed parameter of type `t` with value `v` produces:
/// static values are their 32-byte ABI word; string and bytes are
/// keccak256(contents); arrays and tuples are keccak256 of their elements
/// encoded in place, each padded to 32 bytes (the Solidity rule).
hash256 topic_of(const type& t, const value& v);

/// Topics of a log emitted with `args` (all inputs, in declaration order):
/// topic0 (unless anonymous), then one per indexed parameter.
std::vector<hash256> encode_topics(const event_desc& ev, const std::vector<value>& args);
/// The log's data: the non-indexed arguments, ABI-encoded.
bytes encode_log_data(const event_desc& ev, const std::vector<value>& args);

/// Decodes a log into one named_value per event input, in declaration order.
/// Checks topic0 (unless anonymous) and the number of topics; indexed dynamic
/// parameters come back as their 32-byte topic with `hashed` set.
/// Throws decode_error (offset = topic index for topic problems, byte offset
/// into `data` for data problems).
std::vector<named_value> decode_log(const event_desc& ev, std::span<const hash256> topics,
                                    bytes_view data);

/// True when an indexed parameter of this type is stored hashed.
bool indexed_as_hash(const type& t);

} // namespace petrade::eth::abi
