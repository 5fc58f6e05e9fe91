#include "devnet/devnet_config.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>

namespace petrade::devnet {

namespace {

using json = nlohmann::json;

[[noreturn]] void refuse(const std::string& origin, const std::string& key,
                         const json& value, const std::string& expected) {
  throw std::runtime_error(origin + ": devnet." + key + " = " + value.dump()
                           + ": expected " + expected);
}

} // namespace

void validate(const devnet_config& c, const std::string& origin) {
  if (c.nodes < 1 || c.nodes > 16)
    refuse(origin, "nodes", c.nodes, "an integer from 1 to 16");
  if (c.base_port < 1024 || c.base_port + c.nodes - 1 > 65535)
    refuse(origin, "base_port", c.base_port, "a port from 1024 with room for every node");
  if (c.chain_id == 0)
    refuse(origin, "chain_id", c.chain_id, "a positive chain id");
  if (c.accounts < 1 || c.accounts > 1000)
    refuse(origin, "accounts", c.accounts, "an integer from 1 to 1000");
  if (c.cpu_quota < 0 || c.cpu_quota > 64)
    refuse(origin, "cpu_quota", c.cpu_quota, "cores per node from 0 (no quota) to 64");
  if (c.sync_interval.count() < 1 || c.sync_interval.count() > 10000)
    refuse(origin, "sync_interval_ms", c.sync_interval.count(), "1 to 10000 milliseconds");
}

devnet_config load_devnet_config(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error(path + ": cannot open the config file");
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(path + ": not valid JSON: " + e.what());
  }
  devnet_config c;
  if (!doc.is_object() || !doc.contains("devnet"))
    throw std::runtime_error(path + ": expected an object with a \"devnet\" key");
  const json& d = doc["devnet"];
  if (!d.is_object())
    refuse(path, "", d, "an object");

  auto integer = [&](const std::string& key, long long lo, long long hi) {
    const json& v = d[key];
    if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
      refuse(path, key, v, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    return v.get<long long>();
  };
  auto text = [&](const std::string& key) {
    const json& v = d[key];
    if (!v.is_string())
      refuse(path, key, v, "a string");
    return v.get<std::string>();
  };
  const std::map<std::string, std::function<void()>> keys{
    {"nodes", [&] { c.nodes = static_cast<int>(integer("nodes", 1, 16)); }},
    {"base_port", [&] { c.base_port = static_cast<unsigned short>(integer("base_port", 1024, 65535)); }},
    {"chain_id", [&] { c.chain_id = static_cast<std::uint64_t>(integer("chain_id", 1, 1LL << 50)); }},
    {"genesis_timestamp", [&] { c.genesis_timestamp = static_cast<std::uint64_t>(integer("genesis_timestamp", 0, 1LL << 40)); }},
    {"mnemonic", [&] { c.mnemonic = text("mnemonic"); }},
    {"accounts", [&] { c.accounts = static_cast<int>(integer("accounts", 1, 1000)); }},
    {"cpu_quota", [&] {
       const json& v = d["cpu_quota"];
       if (!v.is_number() || v.get<double>() < 0)
         refuse(path, "cpu_quota", v, "cores per node, a number >= 0");
       c.cpu_quota = v.get<double>();
     }},
    {"data_dir", [&] { c.data_dir = text("data_dir"); }},
    {"anvil", [&] { c.anvil = text("anvil"); }},
    {"sync_interval_ms", [&] { c.sync_interval = std::chrono::milliseconds(integer("sync_interval_ms", 1, 10000)); }},
    {"restart_backoff_ms", [&] { c.restart_backoff = std::chrono::milliseconds(integer("restart_backoff_ms", 10, 600000)); }},
  };
  for (auto& [key, value] : d.items()) {
    auto it = keys.find(key);
    if (it == keys.end()) {
      std::string known;
      for (auto& k : keys)
        known += (known.empty() ? "" : ", ") + k.first;
      refuse(path, key, value, "no such key (known: " + known + ")");
    }
    it->second();
  }
  validate(c, path);
  return c;
}

} // namespace petrade::devnet
