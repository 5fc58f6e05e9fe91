#include "actors/probes/prometheus.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace petrade::probes {

namespace {

bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool name_char(char c) {
  return name_start(c) || (c >= '0' && c <= '9');
}

void skip_blanks(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
    ++i;
}

std::optional<std::string> read_name(std::string_view s, std::size_t& i) {
  if (i >= s.size() || !name_start(s[i]))
    return std::nullopt;
  auto start = i;
  while (i < s.size() && name_char(s[i]))
    ++i;
  return std::string(s.substr(start, i - start));
}

// A double-quoted label value with \\, \" and \n escapes; i is at the quote.
std::optional<std::string> read_quoted(std::string_view s, std::size_t& i) {
  if (i >= s.size() || s[i] != '"')
    return std::nullopt;
  std::string out;
  for (++i; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      ++i;
      return out;
    }
    if (c == '\\') {
      if (++i >= s.size())
        return std::nullopt;
      char e = s[i];
      out += e == 'n' ? '\n' : e;   // \\ and \" stand for themselves
    } else {
      out += c;
    }
  }
  return std::nullopt;   // unterminated
}

std::optional<double> parse_value(std::string_view t) {
  auto lower = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size())
      return false;
    for (std::size_t k = 0; k < a.size(); ++k)
      if (std::tolower(static_cast<unsigned char>(a[k])) != b[k])
        return false;
    return true;
  };
  if (lower(t, "nan"))
    return std::numeric_limits<double>::quiet_NaN();
  if (lower(t, "+inf") || lower(t, "inf"))
    return std::numeric_limits<double>::infinity();
  if (lower(t, "-inf"))
    return -std::numeric_limits<double>::infinity();
  std::string text(t);
  char* end = nullptr;
  auto v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size())
    return std::nullopt;
  return v;
}

} // namespace

const std::string* prom_sample::label(std::string_view key) const {
  for (auto& [k, v] : labels)
    if (k == key)
      return &v;
  return nullptr;
}

std::optional<prom_sample> parse_prometheus_line(std::string_view line) {
  prom_sample out;
  std::size_t i = 0;
  skip_blanks(line, i);
  auto name = read_name(line, i);
  if (!name)
    return std::nullopt;
  out.name = std::move(*name);
  auto after_name = i;
  skip_blanks(line, i);   // geth writes "name {quantile=...}"
  if (i >= line.size() || line[i] != '{') {
    i = after_name;
  } else {
    ++i;
    for (;;) {
      skip_blanks(line, i);
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      auto key = read_name(line, i);
      skip_blanks(line, i);
      if (!key || i >= line.size() || line[i] != '=')
        return std::nullopt;
      ++i;
      skip_blanks(line, i);
      auto value = read_quoted(line, i);
      if (!value)
        return std::nullopt;
      out.labels.emplace_back(std::move(*key), std::move(*value));
      skip_blanks(line, i);
      if (i < line.size() && line[i] == ',') {
        ++i;   // a trailing comma before '}' is allowed
        continue;
      }
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      return std::nullopt;
    }
  }
  // The value, then an optional timestamp (integer milliseconds).
  if (i < line.size() && line[i] != ' ' && line[i] != '\t')
    return std::nullopt;
  skip_blanks(line, i);
  auto start = i;
  while (i < line.size() && line[i] != ' ' && line[i] != '\t')
    ++i;
  auto value = parse_value(line.substr(start, i - start));
  if (!value)
    return std::nullopt;
  out.value = *value;
  skip_blanks(line, i);
  if (i < line.size()) {
    auto ts = line.substr(i);
    while (!ts.empty() && (ts.back() == ' ' || ts.back() == '\t'))
      ts.remove_suffix(1);
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), v);
    if (ec != std::errc{} || p != ts.data() + ts.size())
      return std::nullopt;
    out.timestamp_ms = v;
  }
  return out;
}

prom_text parse_prometheus(std::string_view text) {
  prom_text out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    auto line = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    std::size_t i = 0;
    skip_blanks(line, i);
    if (i == line.size())
      continue;
    if (line[i] == '#') {   // "# TYPE name kind"; HELP and anything else is a comment
      auto rest = line.substr(i + 1);
      std::size_t k = 0;
      skip_blanks(rest, k);
      if (rest.substr(k, 4) == "TYPE" && k + 4 < rest.size() && rest[k + 4] == ' ') {
        k += 4;
        skip_blanks(rest, k);
        if (auto name = read_name(rest, k)) {
          skip_blanks(rest, k);
          auto kind = rest.substr(k);
          while (!kind.empty() && (kind.back() == ' ' || kind.back() == '\t'))
            kind.remove_suffix(1);
          out.types[*name] = std::string(kind);
        }
      }
      continue;
    }
    if (auto s = parse_prometheus_line(line))
      out.samples.push_back(std::move(*s));
    else
      ++out.bad_lines;
  }
  return out;
}

const prom_sample* prom_text::find(
  std::string_view name, const std::vector<std::pair<std::string, std::string>>& match) const {
  for (auto& s : samples) {
    if (s.name != name)
      continue;
    bool all = true;
    for (auto& [k, v] : match) {
      auto* got = s.label(k);
      if (!got || *got != v) {
        all = false;
        break;
      }
    }
    if (all)
      return &s;
  }
  return nullptr;
}

std::optional<double> prom_text::number(
  std::string_view name, const std::vector<std::pair<std::string, std::string>>& match) const {
  auto* s = find(name, match);
  if (!s || !std::isfinite(s->value))
    return std::nullopt;
  return s->value;
}

} // namespace petrade::probes
