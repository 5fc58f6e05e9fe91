#include "protocol/config_section.hpp"

#include <fstream>

namespace petrade {

config_section::config_section(const nlohmann::json& object, std::string file, std::string path)
  : object_(object), file_(std::move(file)), path_(std::move(path)) {
  if (!object_.is_object())
    throw config_error(file_ + ": " + (path_.empty() ? "the file" : path_) + " = " + object_.dump()
                       + ": expected an object");
}

nlohmann::json config_section::read_file(const std::string& file) {
  std::ifstream in(file);
  if (!in)
    throw config_error(file + ": cannot open the config file");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, or out_of_range for a number beyond a double's range.
    throw config_error(file + ": not valid JSON: " + e.what());
  }
  if (!doc.is_object())
    throw config_error(file + ": expected a JSON object at the top");
  return doc;
}

void config_section::refuse(const std::string& key, const nlohmann::json& value,
                            const std::string& expected) const {
  throw config_error(file_ + ": " + (path_.empty() ? key : path_ + "." + key) + " = "
                     + value.dump() + ": expected " + expected);
}

const nlohmann::json& config_section::raw(const std::string& key) {
  read_.insert(key);
  return object_.at(key);
}

std::optional<long long> config_section::integer(const std::string& key, long long lo,
                                                 long long hi) {
  read_.insert(key);
  if (!has(key))
    return std::nullopt;
  auto& v = raw(key);
  if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
    refuse(key, v, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  return v.get<long long>();
}

std::optional<double> config_section::number(const std::string& key, double lo, double hi) {
  read_.insert(key);
  if (!has(key))
    return std::nullopt;
  auto& v = raw(key);
  if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi)
    refuse(key, v, "a number from " + nlohmann::json(lo).dump() + " to " + nlohmann::json(hi).dump());
  return v.get<double>();
}

std::optional<std::string> config_section::text(const std::string& key) {
  read_.insert(key);
  if (!has(key))
    return std::nullopt;
  auto& v = raw(key);
  if (!v.is_string())
    refuse(key, v, "a string");
  return v.get<std::string>();
}

std::optional<bool> config_section::boolean(const std::string& key) {
  read_.insert(key);
  if (!has(key))
    return std::nullopt;
  auto& v = raw(key);
  if (!v.is_boolean())
    refuse(key, v, "true or false");
  return v.get<bool>();
}

std::optional<config_section> config_section::section(const std::string& key) {
  read_.insert(key);
  if (!has(key))
    return std::nullopt;
  auto& v = raw(key);
  if (!v.is_object())
    refuse(key, v, "an object");
  return config_section(v, file_, path_.empty() ? key : path_ + "." + key);
}

void config_section::finish() const {
  for (auto& [key, value] : object_.items())
    if (!read_.count(key)) {
      std::string known;
      for (auto& k : read_)
        known += (known.empty() ? "" : ", ") + k;
      refuse(key, value, "no such key (known: " + known + ")");
    }
}

} // namespace petrade
