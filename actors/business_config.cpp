#include "actors/business_config.hpp"
#include "devnet/dev_accounts.hpp"

#include "protocol/eth/hex.hpp"
#include "protocol/eth/key.hpp"

#include <openssl/rand.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace petrade {

namespace {

// The devnet's platform role unless the config names another key. Public
// knowledge, so only for the devnet.
constexpr const char* devnet_platform_key = devnet::dev_keys[0];

} // namespace

std::string read_or_create_secret(const std::string& path) {
  std::ifstream in(path);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    auto text = ss.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
      text.pop_back();
    if (text.empty())
      throw std::runtime_error(path + ": the secret file is empty");
    return text;
  }
  std::filesystem::path p(path);
  if (p.has_parent_path())
    std::filesystem::create_directories(p.parent_path());
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1)
    throw std::runtime_error(path + ": no randomness for a new secret");
  auto secret = eth::to_hex(eth::bytes(raw, raw + sizeof raw)).substr(2);
  {
    std::ofstream out(path, std::ios::trunc);
    if (!out)
      throw std::runtime_error(path + ": cannot create the secret file");
    out << secret << "\n";
  }
  ::chmod(path.c_str(), 0600);
  return secret;
}

void read_business(config_section& s, platform_config& cfg, worker_settings& worker) {
  business_settings b;
  if (auto v = s.text("platform_key")) {
    try {
      eth::private_key::from_hex(*v);
    } catch (const std::exception&) {
      s.refuse("platform_key", "(hidden)", "a 32-byte private key in hex");
    }
    cfg.platform_key = *v;
  } else if (auto f = s.text("platform_key_file")) {
    cfg.platform_key = read_or_create_secret(*f);
  } else if (cfg.devnet) {
    cfg.platform_key = devnet_platform_key;
  } else {
    s.refuse("platform_key_file", nullptr, "the platform role's key file (required for external nodes)");
  }
  b.key_secret = read_or_create_secret(s.text("key_secret_file").value_or("run/custody.secret"));
  if (auto a = s.section("admin")) {
    b.admin_username = a->text("username").value_or("admin");
    b.admin_password = read_or_create_secret(a->text("password_file").value_or("run/admin.password"));
    a->finish();
  }
  if (auto w = s.section("worker")) {
    worker.host = w->text("host").value_or(worker.host);
    worker.bind = w->text("bind").value_or(worker.bind);
    auto port = w->integer("port", 1, 65535);
    if (!port)
      w->refuse("port", nullptr, "the worker's port (required in a worker section)");
    worker.port = static_cast<unsigned short>(*port);
    worker.database = w->text("database").value_or("run/worker");
    w->finish();
    cfg.worker_host = worker.host;
    cfg.worker_port = worker.port;
  }
  if (auto v = s.text("gas_grant_wei"))
    b.gas_grant = *v;
  if (auto v = s.text("sandbox_limit"))
    b.sandbox_limit = *v;
  if (auto v = s.integer("password_scrypt_n", 1024, 1 << 22))
    b.password_scrypt_n = static_cast<std::uint64_t>(*v);
  if (auto v = s.integer("keystore_scrypt_n", 1024, 1 << 22))
    b.keystore_scrypt_n = static_cast<std::uint64_t>(*v);
  if (auto v = s.integer("session_ttl_s", 60, 365LL * 86400))
    b.session_ttl = std::chrono::seconds(*v);
  if (auto v = s.integer("min_expiry_s", 1, 86400))
    b.min_expiry = std::chrono::seconds(*v);
  if (auto v = s.integer("refund_interval_ms", 50, 600'000))
    b.refund_interval = std::chrono::milliseconds(*v);
  if (auto v = s.integer("indexer_lag", 0, 1000))
    b.indexer_lag = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("call_timeout_ms", 100, 600'000))
    b.call_timeout = std::chrono::milliseconds(*v);
  s.finish();
  cfg.business = b;
}

} // namespace petrade
