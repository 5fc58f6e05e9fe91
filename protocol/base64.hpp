// Standard base64 (RFC 4648, with padding): how files travel inside JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace petrade {

std::string base64_encode(const std::vector<std::uint8_t>& data);
/// Nothing when `text` is not well-formed base64 (whitespace is not allowed).
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

} // namespace petrade
