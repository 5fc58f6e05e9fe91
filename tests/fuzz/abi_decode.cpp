// ABI data from nodes: return data, revert data and event logs, decoded
// against the platform's own contracts (build/artifacts/contracts), plus
// arbitrary type lists. Malformed data must end in eth::decode_error (a bad
// type string in std::invalid_argument); whatever decodes must be a valid
// value of its type: it encodes again and decodes back to itself.
//
// Input: mode byte, index byte, payload.
//   0  payload = "<type list>\n<data>"          abi::decode
//   1  function[index]: payload = return data  decode_output, decode_call
//   2  payload = revert data                   decode_revert (never throws)
//   3  event[index]: payload = n, n topics of 32 bytes, data   decode_log
#include "protocol/eth/abi.hpp"
#include "protocol/eth/contract_artifact.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>

using namespace petrade::eth;

namespace {

[[noreturn]] void broken(const std::string& what) {
  std::fprintf(stderr, "abi_decode: %s\n", what.c_str());
  std::abort();
}

struct platform_abis {
  std::vector<abi::function_desc> functions;
  std::vector<abi::event_desc> events;
  std::vector<abi::error_desc> errors;
};

const platform_abis& abis() {
  static const platform_abis all = [] {
    platform_abis a;
    for (const char* name : {"PetToken", "ProjectMarket", "DemandBoard", "Evaluation", "Greeter"}) {
      auto art = load_contract_artifact(name);
      a.functions.insert(a.functions.end(), art.abi.functions.begin(), art.abi.functions.end());
      a.events.insert(a.events.end(), art.abi.events.begin(), art.abi.events.end());
      a.errors.insert(a.errors.end(), art.abi.errors.begin(), art.abi.errors.end());
    }
    return a;
  }();
  return all;
}

// Decoded values are used as they are (formatted for logs, re-encoded for
// calls), so they must satisfy their types.
void check_values(const std::vector<abi::type>& types, const std::vector<abi::value>& values) {
  abi::format_values(types, values);
  bytes again;
  try {
    again = abi::encode(types, values);
  } catch (const std::invalid_argument& e) {
    broken(std::string("a decoded value does not encode: ") + e.what());
  }
  if (abi::decode(types, again) != values)
    broken("decode(encode(values)) differs from values");
}

void decode_types(bytes_view payload) {
  std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  auto nl = text.find('\n');
  if (nl == std::string_view::npos)
    return;
  std::vector<abi::type> types;
  try {
    types = abi::parse_type_list(text.substr(0, nl));
  } catch (const std::invalid_argument&) {
    return;
  }
  check_values(types, abi::decode(types, payload.subspan(nl + 1)));
}

void decode_function(std::uint8_t index, bytes_view payload) {
  auto& f = abis().functions[index % abis().functions.size()];
  try {
    check_values(abi::types_of(f.outputs), f.decode_output(payload));
  } catch (const decode_error&) {
  }
  check_values(abi::types_of(f.inputs), f.decode_call(payload));
}

void decode_event(std::uint8_t index, bytes_view payload) {
  auto& ev = abis().events[index % abis().events.size()];
  if (payload.empty())
    return;
  std::size_t n = payload[0] % 5;
  payload = payload.subspan(1);
  if (payload.size() < n * 32)
    return;
  std::vector<hash256> topics(n);
  for (std::size_t i = 0; i < n; ++i)
    std::copy_n(payload.begin() + static_cast<std::ptrdiff_t>(i * 32), 32, topics[i].begin());
  for (auto& v : abi::decode_log(ev, topics, payload.subspan(n * 32)))
    abi::format_value(v.type, v.value);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2)
    return 0;
  bytes_view payload(data + 2, size - 2);
  try {
    switch (data[0] % 4) {
    case 0:
      decode_types(payload);
      break;
    case 1:
      decode_function(data[1], payload);
      break;
    case 2:
      abi::decode_revert(payload, abis().errors);
      break;
    case 3:
      decode_event(data[1], payload);
      break;
    }
  } catch (const decode_error&) {
  }
  return 0;
}
