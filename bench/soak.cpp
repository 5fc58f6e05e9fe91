#include "bench/soak.hpp"

#include "bench/http_client.hpp"
#include "bench/load_engine.hpp"
#include "bench/mixes.hpp"
#include "bench/platform_run.hpp"
#include "bench/world.hpp"
#include "devnet/dev_accounts.hpp"
#include "devnet/process.hpp"
#include "protocol/eth/uint256.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

namespace petrade::bench {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr std::uint8_t business_op = 11;   // business ops follow table 5.1's eleven

std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"authorization", "Bearer " + token}, {"content-type", "application/json"}};
}

json node_call(unsigned short port, const json& body) {
  http_client c(port);
  auto r = c.post("/", body.dump(), {{"content-type", "application/json"}});
  if (r.status != 200)
    throw std::runtime_error("node on port " + std::to_string(port) + " answered " + std::to_string(r.status));
  return json::parse(r.body);
}

std::uint64_t head_of(unsigned short port) {
  auto j = node_call(port, {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "eth_blockNumber"}, {"params", json::array()}});
  return std::stoull(j.at("result").get<std::string>(), nullptr, 16);
}

/// Every transaction in blocks (from, to], read in batches: hash → "from nonce".
std::map<std::string, std::string> chain_txs(unsigned short port, std::uint64_t from, std::uint64_t to) {
  std::map<std::string, std::string> out;
  for (auto b = from + 1; b <= to; b += 50) {
    json batch = json::array();
    for (auto n = b; n <= to && n < b + 50; ++n) {
      char hex[24];
      std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(n));
      batch.push_back({{"jsonrpc", "2.0"}, {"id", n}, {"method", "eth_getBlockByNumber"},
                       {"params", {hex, true}}});
    }
    for (auto& answer : node_call(port, batch))
      if (answer.contains("result") && answer["result"].is_object())
        for (auto& t : answer["result"].value("transactions", json::array()))
          out[t.value("hash", "")] = t.value("from", "") + " nonce "
                                     + std::to_string(std::stoull(t.value("nonce", "0x0"), nullptr, 16));
  }
  return out;
}

bool is_post(std::uint8_t op) {
  // table 5.1: create_account, unlock_account, send_transaction, deploy_contract;
  // business: buy, publish, answer.
  static const std::set<std::uint8_t> posts{4, 6, 7, 10, business_op + 2, business_op + 3, business_op + 4};
  return posts.count(op) > 0;
}

request_source both_mixes(const mix& a, const mix& b, std::size_t clients, std::size_t per_client,
                          std::size_t base) {
  auto half = clients / 2;
  return [sa = a.source(per_client, base), sb = b.source(per_client, base), half](std::size_t c, std::size_t i) {
    if (c < half)
      return sa(c, i);
    auto r = sb(c - half, i);
    r.op = static_cast<std::uint8_t>(r.op + business_op);
    return r;
  };
}

// Samples the cluster's LBH once a second while the soak runs.
class lbh_sampler {
public:
  lbh_sampler(unsigned short port, std::string token, clock_type::time_point start)
    : thread_([this, port, token, start] {
        while (!stop_) {
          try {
            http_client c(port);
            auto r = c.get("/api/cluster", bearer(token));
            if (r.status == 200) {
              std::chrono::duration<double> t = clock_type::now() - start;
              std::lock_guard<std::mutex> lock(m_);
              samples_.emplace_back(t.count(), json::parse(r.body).value("lbh", 0.0));
            }
          } catch (const std::exception&) {
            // the platform is down (a crash under test): no sample
          }
          for (int i = 0; i < 10 && !stop_; ++i)
            std::this_thread::sleep_for(100ms);
        }
      }) {}
  ~lbh_sampler() {
    stop_ = true;
    thread_.join();
  }
  std::vector<std::pair<double, double>> samples() {
    std::lock_guard<std::mutex> lock(m_);
    return samples_;
  }

private:
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::vector<std::pair<double, double>> samples_;
  std::thread thread_;
};

struct task_end {
  std::string state, tx, error;
  std::uint64_t block = 0, nonce = 0;
};

/// balanceOf(`who`) on `token` at block `at`, in decimal, or why not.
std::string balance_at(unsigned short port, const std::string& token, const std::string& who,
                       std::uint64_t at) {
  try {
    if (who.size() != 42)
      return "? (no address)";
    auto data = "0x70a08231" + std::string(24, '0') + who.substr(2);   // balanceOf(address)
    char block[24];
    std::snprintf(block, sizeof block, "0x%llx", static_cast<unsigned long long>(at));
    auto r = node_call(port, {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "eth_call"},
                              {"params", {{{"to", token}, {"data", data}}, block}}});
    if (!r.contains("result"))
      return "? (" + r.value("error", json()).dump() + ")";
    return eth::to_decimal(eth::from_quantity(r["result"].get<std::string>()));
  } catch (const std::exception& e) {
    return std::string("? (") + e.what() + ")";
  }
}

/// Where the read models and the sealer stand at the end: what a bill
/// found off its balance needs to be explained.
std::string end_state(unsigned short http_port, unsigned short sealer) {
  std::string out = "at the end: ";
  try {
    http_client c(http_port);
    auto ix = json::parse(c.get("/api/indexer", {}).body, nullptr, false);
    out += "indexer " + (ix.is_object() ? ix.dump() : std::string("?"));
    out += "; sealer head " + std::to_string(head_of(sealer));
    auto pool = node_call(sealer, {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "txpool_status"},
                                   {"params", json::array()}});
    out += ", pool " + pool.value("result", json()).dump();
  } catch (const std::exception& e) {
    out += std::string("(unreadable: ") + e.what() + ")";
  }
  return out;
}

/// Follows task `id` as the admin until it settles or `deadline` passes.
/// Past the deadline it reads the task once without waiting, so a stalled
/// run still reports every task's state in seconds, not a wait per task.
task_end follow(unsigned short port, const std::string& admin, std::uint64_t id,
                clock_type::time_point deadline) {
  task_end e;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    auto wait = std::clamp<long long>(left, 0, 5000);
    http_reply r;
    try {
      http_client c(port);
      r = c.get("/api/tasks/" + std::to_string(id) + "?wait=" + std::to_string(wait), bearer(admin));
    } catch (const std::exception& x) {
      e.error = std::string("the platform did not answer: ") + x.what();
      r.status = 0;
    }
    if (r.status == 404) {
      e.state = "unknown";
      return e;
    }
    if (r.status == 200) {
      auto j = json::parse(r.body);
      e.state = j.value("state", "");
      e.tx = j.value("tx", "");
      e.error = j.value("error", "");
      e.block = j.value("block", std::uint64_t{0});
      e.nonce = j.value("nonce", std::uint64_t{0});
      if (e.state == "mined" || e.state == "confirmed" || e.state == "failed")
        return e;
    }
    if (wait == 0)
      return e;
    if (r.status != 200)
      std::this_thread::sleep_for(500ms);
  }
}

} // namespace

soak_report run_soak(const soak_options& o) {
  soak_report rep;
  fs::create_directories(o.dir);
  auto devnet = devnet::child_process::spawn(
    {o.exe, "devnet", "--nodes", "3", "--base-port", std::to_string(o.base_port), "--data-dir", o.dir + "/devnet"},
    o.dir + "/devnet.log");
  std::vector<unsigned short> ports;
  for (unsigned short i = 0; i < 3; ++i) {
    ports.push_back(static_cast<unsigned short>(o.base_port + i));
    if (!devnet::wait_for_port(ports.back(), 60s))
      throw std::runtime_error("soak: the devnet did not open port " + std::to_string(ports.back()));
  }
  platform_spec spec;
  spec.nodes = 3;
  for (auto p : ports)
    spec.external.push_back("http://127.0.0.1:" + std::to_string(p));
  spec.submit_url = spec.external[0];
  spec.platform_key = devnet::dev_keys[0];   // the devnet's funded account, as `petrade up` uses
  spec.http_port = o.http_port;
  spec.control_port = o.control_port;
  spec.dir = o.dir + "/platform";
  auto plat = std::make_unique<platform_run>(o.exe, spec);
  auto w = std::make_shared<const world>(make_world(o.http_port, plat->admin_password(), {o.users, 4, true}));
  auto head_start = head_of(ports[0]);
  auto start = clock_type::now();
  auto end = start + std::chrono::seconds(o.seconds);

  std::mutex m;
  std::set<std::uint64_t> acked;   // task ids, in id order
  std::atomic<bool> down{false};
  std::atomic<bool> finished{false};
  // The platforms it starts get SIGKILL when the thread that spawned them
  // ends (PR_SET_PDEATHSIG is per thread), so the crasher lives until the
  // end of the soak.
  std::thread crasher;
  std::atomic<int> restarts{0};
  struct joiner {
    std::atomic<bool>& finished;
    std::thread& t;
    ~joiner() {
      finished = true;
      if (t.joinable())
        t.join();
    }
  } join_at_exit{finished, crasher};
  {
    lbh_sampler lbh(o.http_port, w->admin_token, start);
    std::unique_ptr<node_chaos> chaos;
    if (o.node_faults)
      chaos = std::make_unique<node_chaos>(chaos_plan{devnet.pid(), ports, 10s, 15s, 3s, o.seed});
    // The platform's crashes: one at a random moment in each equal slice.
    crasher = std::thread([&] {
      std::mt19937 rng(o.seed);
      auto slice = std::chrono::duration<double>(o.seconds) / std::max(o.platform_kills, 1);
      for (int k = 0; k < o.platform_kills; ++k) {
        std::uniform_real_distribution<double> d(0.2, 0.8);
        auto at = start + std::chrono::duration_cast<clock_type::duration>(slice * (k + d(rng)));
        std::this_thread::sleep_until(at);
        down = true;
        plat->crash();
        plat.reset();   // its ports are free: the next one binds them
        auto s = spec;
        s.keep_dir = true;
        s.log_name = "platform-" + std::to_string(k + 1) + ".log";
        plat = std::make_unique<platform_run>(o.exe, s);
        ++restarts;
        down = false;
      }
      while (!finished)
        std::this_thread::sleep_for(50ms);
    });
    auto table = table51_mix(w);
    auto business = business_mix(w);
    std::size_t base = 0;
    const std::size_t per_client = 10;
    while (clock_type::now() < end) {
      load_plan plan;
      plan.targets = {{"127.0.0.1", o.http_port}};
      plan.clients = o.clients;
      plan.per_client = per_client;
      plan.timeout = 120s;
      plan.progress = false;
      plan.on_answer = [&](const request_spec& r, unsigned status, const std::string& body) {
        if (r.method != "POST" || status < 200 || status >= 300)
          return;
        auto j = json::parse(body, nullptr, false);
        if (j.is_object() && j.contains("task") && j["task"].is_number_unsigned()) {
          std::lock_guard<std::mutex> lock(m);
          acked.insert(j["task"].get<std::uint64_t>());
        }
      };
      auto r = run_load(plan, both_mixes(table, business, o.clients, per_client, base));
      base += o.clients * per_client;
      for (auto& s : r.samples) {
        auto [n, ok] = is_post(s.op) ? std::tie(rep.posts, rep.posts_ok) : std::tie(rep.reads, rep.reads_ok);
        ++n;
        ok += s.ok;
      }
      for (auto& [why, count] : r.failures)
        rep.failures[why] += count;
      if (down)   // the platform is restarting: do not spin on refused connections
        std::this_thread::sleep_for(200ms);
    }
    rep.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    while (down || restarts < o.platform_kills)   // the last restart, if under way
      std::this_thread::sleep_for(50ms);
    rep.platform_restarts = restarts;
    if (chaos)
      rep.events = chaos->events();
    rep.lbh = lbh.samples();
  }

  // Every acknowledged write to its end, then the chain read block by block.
  rep.acknowledged = acked.size();
  std::map<std::uint64_t, task_end> ends;
  // One deadline for the whole phase: writes settle together, not one by one.
  auto deadline = clock_type::now() + 300s;
  for (auto id : acked)
    ends[id] = follow(o.http_port, w->admin_token, id, deadline);
  // Tasks nobody was told about (a request cut off by a crash) may still
  // have been journalled and sent; they account for chain transactions too.
  std::uint64_t lo = acked.empty() ? 0 : *acked.begin();
  std::uint64_t hi = acked.empty() ? 0 : *acked.rbegin();
  for (std::uint64_t id = lo, misses = 0; !acked.empty() && misses < 50; ++id) {
    if (ends.count(id)) {
      misses = 0;
      continue;
    }
    auto e = follow(o.http_port, w->admin_token, id, std::max(deadline, clock_type::now() + 5s));
    if (e.state == "unknown") {
      if (id > hi)
        ++misses;
      continue;
    }
    misses = 0;
    ends[id] = e;
  }
  // Let the followers settle, then read the sealer's chain.
  std::this_thread::sleep_for(2s);
  auto chain = chain_txs(ports[0], head_start, head_of(ports[0]));
  rep.chain_txs = chain.size();
  std::set<std::string> accounted;
  for (auto& [id, e] : ends)
    if (!e.tx.empty())
      accounted.insert(e.tx);
  for (auto id : acked) {
    auto& e = ends[id];
    ++rep.ends[e.state.empty() ? "no answer" : e.state];
    bool on_chain = chain.count(e.tx) > 0;
    if (on_chain && (e.state == "mined" || e.state == "confirmed"))
      ++rep.mined;
    else if (on_chain && e.state == "failed" && e.block > 0)
      ++rep.reverted;
    else {
      ++rep.lost;
      rep.findings.push_back("lost: task " + std::to_string(id) + " " + e.state + " nonce "
                             + std::to_string(e.nonce) + " tx " + e.tx
                             + (on_chain ? " (on chain)" : " (not on chain)") + " " + e.error);
    }
  }
  for (auto& [h, who] : chain)
    if (!accounted.count(h)) {
      ++rep.doubled;
      rep.findings.push_back("on chain, no task: " + h + " from " + who);
    }
  // Bills come from the indexer's read model, which follows the chain a
  // little behind: a bill may catch up for a minute, never stay off.
  std::vector<std::string> off;
  for (auto until = clock_type::now() + 60s;;) {
    off.clear();
    http_client c(o.http_port);
    for (auto& u : w->users) {
      auto bill = json::parse(c.get("/api/token/bill", bearer(u.token)).body, nullptr, false);
      auto bal = json::parse(c.get("/api/token/balance", bearer(u.token)).body, nullptr, false);
      auto total = bill.is_object() ? bill.value("total", "?") : "?";
      auto balance = bal.is_object() ? bal.value("balance", "!") : "!";
      if (total != balance && bill.is_object()) {
        // The chain's balance at the block the bill was read to tells a read
        // model that is behind (equal there) from one that is wrong.
        auto at = bill.value("indexed_block", std::uint64_t{0});
        off.push_back("bill of " + u.name + " sums to " + total + " (read to block " + std::to_string(at)
                      + ", where the chain's balance is "
                      + balance_at(ports[0], w->token_contract, bill.value("address", ""), at)
                      + "), balance now " + balance);
      } else if (total != balance) {
        off.push_back("bill of " + u.name + " sums to " + total + ", balance " + balance);
      }
    }
    if (off.empty() || clock_type::now() > until)
      break;
    std::this_thread::sleep_for(1s);
  }
  rep.bills = w->users.size();
  rep.bill_mismatches = off.size();
  rep.findings.insert(rep.findings.end(), off.begin(), off.end());
  if (!off.empty())
    rep.findings.push_back(end_state(o.http_port, ports[0]));
  plat->stop();
  devnet.stop(15s);
  return rep;
}

} // namespace petrade::bench
