// Reading an operator's JSON config file strictly: every value is checked
// for type and range, every key must be known, and a refusal names the
// file, the key, the value and what was expected.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <stdexcept>
#include <string>

namespace petrade {

class config_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class config_section {
public:
  /// `path` is the section's dotted name ("devnet"); `file` names the origin.
  config_section(const nlohmann::json& object, std::string file, std::string path);

  /// Parses `file`; throws config_error when it cannot be read or parsed,
  /// or is not a JSON object.
  static nlohmann::json read_file(const std::string& file);

  std::optional<long long> integer(const std::string& key, long long lo, long long hi);
  std::optional<double> number(const std::string& key, double lo, double hi);
  std::optional<std::string> text(const std::string& key);
  std::optional<bool> boolean(const std::string& key);
  /// A nested object, if present (an error if present but not an object).
  std::optional<config_section> section(const std::string& key);
  bool has(const std::string& key) const { return object_.contains(key); }
  const nlohmann::json& raw(const std::string& key);

  /// Refuses any key that no accessor asked for (typos must not pass);
  /// call it after reading every known key.
  void finish() const;

  [[noreturn]] void refuse(const std::string& key, const nlohmann::json& value,
                           const std::string& expected) const;

private:
  const nlohmann::json& object_;
  std::string file_;
  std::string path_;
  std::set<std::string> read_;   // every key asked for, present or not
};

} // namespace petrade
