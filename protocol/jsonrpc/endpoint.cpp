#include "protocol/jsonrpc/endpoint.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace petrade::jsonrpc {

namespace {

[[noreturn]] void reject(std::string_view url, std::string_view why) {
  throw std::invalid_argument("invalid JSON-RPC endpoint URL \"" + std::string(url) +
                              "\": " + std::string(why));
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i])
      return false;
  return true;
}

std::uint16_t parse_port(std::string_view url, std::string_view digits) {
  if (digits.empty())
    reject(url, "empty port");
  if (digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), [](char c) {
        return c >= '0' && c <= '9';
      }))
    reject(url, "port is not a number between 1 and 65535");
  unsigned long value = std::stoul(std::string(digits));
  if (value == 0 || value > 65535)
    reject(url, "port is not a number between 1 and 65535");
  return static_cast<std::uint16_t>(value);
}

} // namespace

endpoint endpoint::parse(std::string_view url) {
  if (url.empty())
    reject(url, "empty");
  for (char c : url)
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)))
      reject(url, "contains whitespace or control characters");
  if (starts_with_nocase(url, "https://"))
    reject(url, "https is not supported yet; use http://");
  if (!starts_with_nocase(url, "http://"))
    reject(url, "expected a URL starting with http://");

  std::string_view rest = url.substr(7);
  if (auto hash = rest.find('#'); hash != std::string_view::npos)
    rest = rest.substr(0, hash);                     // fragments are never sent
  auto split = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, split);
  std::string_view target = split == std::string_view::npos ? std::string_view{} : rest.substr(split);

  if (authority.find('@') != std::string_view::npos)
    reject(url, "user info (user:password@) is not supported");

  endpoint ep;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {   // [IPv6]:port
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      reject(url, "unterminated '[' in IPv6 host");
    ep.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        reject(url, "unexpected text after IPv6 host");
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.find(':');
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
  }
  if (ep.host.empty())
    reject(url, "missing host");
  if (has_port)
    ep.port = parse_port(url, port_text);

  if (target.empty())
    ep.target = "/";
  else if (target.front() == '?')
    ep.target = "/" + std::string(target);
  else
    ep.target = std::string(target);
  return ep;
}

std::string endpoint::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 80)
    h += ":" + std::to_string(port);
  return h;
}

std::string endpoint::url() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "http://" + h + ":" + std::to_string(port) + target;
}

} // namespace petrade::jsonrpc
