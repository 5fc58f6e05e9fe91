#include "protocol/log.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <ctime>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <string>

namespace petrade::log {

namespace {

std::atomic<format> current{format::text};
std::mutex out;   // whole lines only, whichever thread writes

std::string timestamp() {
  char stamp[32];
  auto now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return stamp;
}

} // namespace

void set_format(format f) {
  current = f;
}

format parse_format(std::string_view name) {
  if (name == "text")
    return format::text;
  if (name == "json")
    return format::json;
  throw std::invalid_argument("log format '" + std::string(name) + "': expected text or json");
}

void line(std::string_view level, std::string_view component, std::string_view text,
          std::string_view request_id) {
  std::string s;
  if (current == format::json) {
    nlohmann::json j{{"ts", timestamp()}, {"level", level}, {"component", component},
                     {"msg", text}};
    if (!request_id.empty())
      j["request_id"] = request_id;
    // Texts quote nodes, clients and exceptions; invalid UTF-8 in them must
    // not make the log line throw.
    s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    s = timestamp() + " " + std::string(level) + " " + std::string(component);
    if (!request_id.empty())
      s += " [" + std::string(request_id) + "]";
    s += ": " + std::string(text);
  }
  std::lock_guard<std::mutex> lock(out);
  std::cerr << s << '\n' << std::flush;
}

} // namespace petrade::log
