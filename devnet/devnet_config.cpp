#include "devnet/devnet_config.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace petrade::devnet {

namespace {

using json = nlohmann::json;

[[noreturn]] void refuse(const std::string& origin, const std::string& key,
                         const json& value, const std::string& expected) {
  throw config_error(origin + ": devnet." + key + " = " + value.dump()
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
  if (c.cpu_quotas.size() > static_cast<std::size_t>(c.nodes))
    refuse(origin, "cpu_quotas", c.cpu_quotas.size(), "at most one quota per node");
  for (double q : c.cpu_quotas)
    if (q < 0 || q > 64)
      refuse(origin, "cpu_quotas", q, "cores per node from 0 (no quota) to 64");
  if (c.sync_interval.count() < 1 || c.sync_interval.count() > 10000)
    refuse(origin, "sync_interval_ms", c.sync_interval.count(), "1 to 10000 milliseconds");
}

devnet_config parse_devnet_config(config_section& d, const std::string& origin) {
  devnet_config c;
  if (auto v = d.integer("nodes", 1, 16))
    c.nodes = static_cast<int>(*v);
  if (auto v = d.integer("base_port", 1024, 65535))
    c.base_port = static_cast<unsigned short>(*v);
  if (auto v = d.integer("chain_id", 1, 1LL << 50))
    c.chain_id = static_cast<std::uint64_t>(*v);
  if (auto v = d.integer("genesis_timestamp", 0, 1LL << 40))
    c.genesis_timestamp = static_cast<std::uint64_t>(*v);
  if (auto v = d.text("mnemonic"))
    c.mnemonic = *v;
  if (auto v = d.integer("accounts", 1, 1000))
    c.accounts = static_cast<int>(*v);
  if (auto v = d.number("cpu_quota", 0, 64))
    c.cpu_quota = *v;
  if (d.has("cpu_quotas")) {
    auto& q = d.raw("cpu_quotas");
    if (!q.is_array())
      refuse(origin, "cpu_quotas", q, "an array of cores per node, by node index");
    for (auto& v : q) {
      if (!v.is_number())
        refuse(origin, "cpu_quotas", v, "a number of cores");
      c.cpu_quotas.push_back(v.get<double>());
    }
  }
  if (auto v = d.text("data_dir"))
    c.data_dir = *v;
  if (auto v = d.text("anvil"))
    c.anvil = *v;
  if (auto v = d.integer("sync_interval_ms", 1, 10000))
    c.sync_interval = std::chrono::milliseconds(*v);
  if (auto v = d.integer("restart_backoff_ms", 10, 600000))
    c.restart_backoff = std::chrono::milliseconds(*v);
  d.finish();
  validate(c, origin);
  return c;
}

devnet_config load_devnet_config(const std::string& path) {
  auto doc = config_section::read_file(path);
  config_section top(doc, path, "");
  auto d = top.section("devnet");
  if (!d)
    throw config_error(path + ": expected an object with a \"devnet\" key");
  return parse_devnet_config(*d, path);
}

} // namespace petrade::devnet
