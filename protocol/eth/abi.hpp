// The Solidity ABI in one include: types, values, the codec, signatures,
// JSON ABIs, events, revert data and cast-style text.
#pragma once

#include "protocol/eth/abi_codec.hpp"
#include "protocol/eth/abi_desc.hpp"
#include "protocol/eth/abi_event.hpp"
#include "protocol/eth/abi_json.hpp"
#include "protocol/eth/abi_revert.hpp"
#include "protocol/eth/abi_text.hpp"
#include "protocol/eth/abi_type.hpp"
#include "protocol/eth/abi_value.hpp"
