// A JSON-RPC HTTP endpoint: "http://host:port/path" split into its parts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace petrade::jsonrpc {

/// Where a client sends its requests. Only plain HTTP for now.
struct endpoint {
  std::string host;           ///< name or address; IPv6 without brackets
  std::uint16_t port = 80;    ///< 80 when the URL names none
  std::string target = "/";   ///< path plus query, always starting with '/'

  /// Parses "http://host[:port][/path][?query]". Throws std::invalid_argument
  /// naming the URL and the reason (https, user info, bad port, ...).
  static endpoint parse(std::string_view url);

  /// The normalised URL, e.g. "http://127.0.0.1:8545/".
  std::string url() const;
  /// The value of the HTTP Host header ("host" or "host:port").
  std::string host_header() const;

  friend bool operator==(const endpoint&, const endpoint&) = default;
};

} // namespace petrade::jsonrpc
