// One line per event (design §10): time, level, component, an optional
// request id that follows a request through the actors, and the text. Plain
// text by default, JSON lines on request. Callers never pass secrets.
#pragma once

#include <string_view>

namespace petrade::log {

enum class format { text, json };

void set_format(format f);
/// Parses "text" or "json"; throws std::invalid_argument naming the value.
format parse_format(std::string_view name);

void line(std::string_view level, std::string_view component, std::string_view text,
          std::string_view request_id = {});

} // namespace petrade::log
