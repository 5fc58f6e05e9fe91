#include "bench/peers.hpp"

#include "bench/http_client.hpp"
#include "bench/platform_run.hpp"
#include "devnet/dev_accounts.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/transaction.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <iostream>
#include <thread>

namespace petrade::bench {

using json = nlohmann::json;
namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

std::string nginx_config(const std::string& dir, unsigned short port, const std::vector<unsigned short>& nodes,
                         bool least_conn) {
  std::ostringstream c;
  c << "worker_processes 2;\ndaemon off;\nmaster_process on;\npid " << dir << "/nginx.pid;\n"
    << "error_log " << dir << "/error.log warn;\nworker_rlimit_nofile 65536;\n"
    << "events { worker_connections 32768; multi_accept on; }\n"
    << "http {\n  access_log off;\n"
    << "  client_body_temp_path " << dir << "/body;\n  proxy_temp_path " << dir << "/proxy;\n"
    << "  fastcgi_temp_path " << dir << "/fastcgi;\n  uwsgi_temp_path " << dir << "/uwsgi;\n"
    << "  scgi_temp_path " << dir << "/scgi;\n"
    << "  upstream nodes {\n" << (least_conn ? "    least_conn;\n" : "");
  for (auto p : nodes)
    c << "    server 127.0.0.1:" << p << ";\n";
  c << "    keepalive 64;\n  }\n"
    << "  server {\n    listen 127.0.0.1:" << port << " backlog=4096;\n"
    << "    keepalive_requests 1000000;\n"
    << "    location / {\n      proxy_pass http://nodes;\n      proxy_http_version 1.1;\n"
    << "      proxy_set_header Connection \"\";\n    }\n  }\n}\n";
  return c.str();
}

nginx_balancer::nginx_balancer(const std::string& dir, unsigned short port, const std::vector<unsigned short>& nodes,
                               bool least_conn)
  : port_(port) {
  std::filesystem::create_directories(dir);
  auto conf = dir + "/nginx.conf";
  std::ofstream(conf) << nginx_config(dir, port, nodes, least_conn);
  process_ = devnet::child_process::spawn({"/usr/sbin/nginx", "-p", dir, "-c", conf}, dir + "/stderr.log");
  if (!devnet::wait_for_port(port, std::chrono::seconds(10))) {
    std::ifstream log(dir + "/error.log");
    std::string text((std::istreambuf_iterator<char>(log)), {});
    throw std::runtime_error("nginx did not start on port " + std::to_string(port) + ": " + text);
  }
}

double nginx_balancer::cpu_seconds() const {
  double total = 0;
  auto master = static_cast<int>(process_.pid());
  for (auto& entry : std::filesystem::directory_iterator("/proc")) {
    auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    auto pid = std::stoi(name);
    if (auto u = usage_of(pid); u && (pid == master || u->ppid == master))
      total += u->cpu_seconds;
  }
  return total;
}

nginx_balancer::~nginx_balancer() {
  process_.stop(std::chrono::milliseconds(5000));
}

struct instant_node::impl {
  net::io_context io{1};
  tcp::acceptor acceptor{io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec)
        return;
      serve(std::make_shared<tcp::socket>(std::move(s)));
      accept();
    });
  }

  struct session {
    std::shared_ptr<tcp::socket> socket;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::response<http::string_body> res;
  };

  static std::string answer_to(const std::string& body) {
    auto at = body.find("\"id\":");
    std::string id = "null";
    if (at != std::string::npos) {
      auto end = body.find_first_of(",}", at + 5);
      id = body.substr(at + 5, end - at - 5);
    }
    const char* result = "\"0x1\"";
    if (body.find("eth_syncing") != std::string::npos)
      result = "false";
    else if (body.find("eth_chainId") != std::string::npos)
      result = "\"0x7a69\"";
    return std::string("{\"jsonrpc\":\"2.0\",\"id\":") + id + ",\"result\":" + result + "}";
  }

  void serve(std::shared_ptr<tcp::socket> socket) {
    auto s = std::make_shared<session>();
    s->socket = std::move(socket);
    read(s);
  }

  void read(std::shared_ptr<session> s) {
    s->req = {};
    http::async_read(*s->socket, s->buffer, s->req, [this, s](boost::system::error_code ec, std::size_t) {
      if (ec)
        return;
      s->res = {http::status::ok, 11};
      s->res.set(http::field::content_type, "application/json");
      s->res.body() = answer_to(s->req.body());
      s->res.keep_alive(s->req.keep_alive());
      s->res.prepare_payload();
      http::async_write(*s->socket, s->res, [this, s](boost::system::error_code ec, std::size_t) {
        if (!ec)
          read(s);
      });
    });
  }
};

instant_node::instant_node() : impl_(std::make_unique<impl>()) {
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

instant_node::~instant_node() {
  impl_->io.stop();
  impl_->thread.join();
}

unsigned short instant_node::port() const {
  return impl_->acceptor.local_endpoint().port();
}

namespace {

std::uint64_t nonce_of(http_client& c, const std::string& address) {
  json call{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "eth_getTransactionCount"}, {"params", {address, "latest"}}};
  auto r = c.post("/", call.dump(), {{"content-type", "application/json"}});
  auto j = json::parse(r.body, nullptr, false);
  if (r.status != 200 || !j.is_object() || !j.contains("result"))
    throw std::runtime_error("eth_getTransactionCount answered " + std::to_string(r.status) + ": " + r.body);
  return std::stoull(j["result"].get<std::string>(), nullptr, 16);
}

} // namespace

signed_batch sign_transfers(unsigned short port, std::size_t count, std::uint64_t chain_id) {
  http_client c(port);
  signed_batch b;
  std::vector<eth::private_key> keys;
  std::vector<std::uint64_t> nonces;
  // Accounts 1-3: the platform itself signs with account 0.
  for (auto k : {devnet::dev_keys[1], devnet::dev_keys[2], devnet::dev_keys[3]}) {
    keys.push_back(eth::private_key::from_hex(k));
    auto addr = keys.back().address().hex();
    nonces.push_back(nonce_of(c, addr));
    b.senders.emplace_back(addr, nonces.back());
  }
  auto to = eth::address::parse(devnet::dev_addr3);
  for (std::size_t i = 0; i < count; ++i) {
    auto s = i % keys.size();
    eth::transaction tx;
    tx.chain_id = chain_id;
    tx.nonce = nonces[s]++;
    tx.max_priority_fee_per_gas = 1'000'000'000;
    tx.max_fee_per_gas = 20'000'000'000ULL;
    tx.gas_limit = 21000;
    tx.to = to;
    tx.value = 1;
    tx.sign(keys[s]);
    b.raw.push_back(eth::to_hex(tx.raw()));
  }
  for (std::size_t s = 0; s < keys.size(); ++s)
    b.senders[s].second = nonces[s];
  return b;
}

bool wait_for_batch(unsigned short port, const signed_batch& batch, double timeout_s) {
  http_client c(port);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  std::string behind;
  while (std::chrono::steady_clock::now() < deadline) {
    behind.clear();
    for (auto& [addr, nonce] : batch.senders)
      if (auto now = nonce_of(c, addr); now < nonce)
        behind += " " + addr + " at nonce " + std::to_string(now) + " of " + std::to_string(nonce) + ";";
    if (behind.empty())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  json pool{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "txpool_status"}, {"params", json::array()}};
  std::cerr << "    raw transfers not all mined after " << timeout_s << " s:" << behind << " pool "
            << c.post("/", pool.dump(), {{"content-type", "application/json"}}).body << "\n";
  return false;
}

} // namespace petrade::bench
