#include "bench/profile.hpp"

#include "bench/elastic_step.hpp"
#include "bench/http_client.hpp"
#include "bench/mixes.hpp"
#include "bench/peers.hpp"
#include "bench/platform_run.hpp"
#include "bench/report.hpp"
#include "bench/targets.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

namespace petrade::bench {

namespace fs = std::filesystem;

profile quick_profile() {
  profile p;
  p.name = "quick";
  // 1200 is where the thesis's single node failed; 10 000 is the full
  // profile's (one 0.1-core node needs minutes to mine what it offers).
  p.concurrency = {200, 1200};
  p.business_concurrency = {200};
  p.nodes = {1, 3};
  p.strategies = {"round_robin", "state_feedback"};
  p.hetero_strategies = {"round_robin", "state_feedback"};
  p.rpc_per_client = 30;
  p.writes = 256;
  p.proxy_requests = 20'000;
  p.users = 8;
  return p;
}

profile full_profile() {
  profile p;
  p.name = "full";
  p.concurrency = {200, 600, 1000, 1200, 5000, 10000};
  // At 5000 one 0.1-core node needs over ten minutes to mine the business
  // mix's writes (measured), so the business mix stops at 1200.
  p.business_concurrency = {200, 1200};
  p.nodes = {1, 3, 5, 8};
  p.strategies = {"round_robin", "least_inflight", "p2c", "thesis", "state_feedback"};
  p.hetero_strategies = p.strategies;
  return p;
}

namespace {

// The runner's state for one profile: where rows go and how to start things.
class experiment {
public:
  explicit experiment(const bench_options& o) : o_(o) {
    fs::create_directories(o_.out_dir);
    csv_.open(o_.out_dir + "/runs.csv");
    csv_ << csv_header();
  }

  void run() {
    auto wanted = [&](const char* part) {
      return std::find(o_.parts.begin(), o_.parts.end(), part) != o_.parts.end();
    };
    if (wanted("matrix"))
      for (int n : o_.p.nodes)
        for (auto& s : strategies_for(n))
          cell(n, s);
    if (wanted("hetero"))
      hetero();
    if (wanted("proxy"))
      proxy_cost();
    if (wanted("elastic"))
      for (auto& s : o_.p.strategies) {
        auto e = run_elastic_step(o_, s);
        missed_ = missed_ || !e.grew || !e.back_to_min || !e.p99_recovered;
      }
    finish();
  }

  int result() const { return missed_ ? 1 : 0; }

private:
  std::vector<std::string> strategies_for(int nodes) const {
    return nodes == 1 ? std::vector<std::string>{"single"} : o_.p.strategies;
  }

  platform_spec spec(int nodes, const std::string& strategy, const std::string& tag) const {
    platform_spec s;
    s.nodes = nodes;
    s.strategy = strategy == "single" ? "round_robin" : strategy;
    s.cpu_quota = o_.quota;
    s.base_port = o_.base_port;
    s.http_port = static_cast<unsigned short>(o_.base_port - 465);
    s.control_port = static_cast<unsigned short>(o_.base_port - 1000);
    s.dir = o_.work_dir + "/" + tag;
    return s;
  }

  /// One run; with `settle` it then waits until the platform has finished
  /// what it accepted, so the next run starts from an idle cluster.
  run_row measure(platform_run* plat, const std::string& admin, const load_plan& plan, const mix& m,
                  std::size_t base, run_row row, bool settle = true) {
    std::optional<cluster_watch> watch;
    if (plat)
      watch.emplace(plat->http_port(), admin, plat->pid());
    auto r = run_load(plan, m.source(plan.per_client, base));
    if (watch)
      row.watch = watch->finish();
    row.mix = m.name;
    row.concurrency = plan.clients;
    row.requests = r.samples.size();
    row.completion_s = r.seconds;
    row.throughput = r.seconds > 0 ? static_cast<double>(row.requests) / r.seconds : 0;
    row.latency = summarize(r);
    for (auto& [why, n] : r.failures) {
      auto at = why.rfind(" @");
      auto op = m.ops.at(std::stoul(why.substr(at + 2)));
      row.failure_reasons += (row.failure_reasons.empty() ? "" : "; ") + why.substr(0, at) + " on " + op + " x"
                             + std::to_string(n);
      std::cerr << "    " << why.substr(0, at) << " on " << op << " x" << n << ": " << r.examples[why] << "\n";
    }
    if (plat && settle)
      row.drain_s = drain(plat->http_port());
    std::cerr << "  " << row.scenario << " " << row.target << " nodes=" << row.nodes << " " << row.strategy
              << " c=" << row.concurrency << ": " << row.completion_s << " s, " << static_cast<long>(row.throughput)
              << " req/s, p99 " << row.latency.p99_ms << " ms, failures " << row.latency.failed << "\n";
    rows_.push_back(row);
    csv_ << csv_line(row) << std::flush;
    return row;
  }

  // Seconds until nothing is queued or pending after a run.
  static double drain(unsigned short port) {
    auto start = std::chrono::steady_clock::now();
    http_client c(port);
    for (int i = 0; i < 2400; ++i) {
      if (queued_tasks(c.get("/metrics").body) == 0)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  load_plan plan(unsigned short port, std::size_t clients, std::size_t per_client, const std::string& label) {
    load_plan p;
    p.targets = {{"127.0.0.1", port}};
    p.clients = clients;
    p.per_client = per_client;
    p.label = label;
    return p;
  }

  void cell(int nodes, const std::string& strategy) {
    std::cerr << "platform: " << nodes << " node(s), " << strategy << ", " << o_.quota << " cores each\n";
    auto started = std::chrono::steady_clock::now();
    platform_run plat(o_.exe, spec(nodes, strategy, "n" + std::to_string(nodes) + "-" + strategy));
    world_plan wp;
    wp.users = o_.p.users;
    // Enough open demands that no user has to answer one twice (10 % of the
    // business mix answers).
    std::size_t answers = 0;
    for (auto c : o_.p.business_concurrency)
      answers += c / 10 + 1;
    wp.demands = std::max<std::size_t>(wp.demands, answers / (wp.users - 1) + 1);
    auto w = std::make_shared<const world>(make_world(plat.http_port(), plat.admin_password(), wp));
    std::cerr << "  set up in " << seconds_since(started) << " s\n";
    run_row base;
    base.target = "platform";
    base.nodes = nodes;
    base.strategy = strategy;
    base.quota = o_.quota;
    // The light runs first; the table 5.1 bursts last, in rising order, so
    // the largest one need not be drained: the platform stops after it.
    base.scenario = "rpc_reads";
    auto reads = plan(plat.http_port(), o_.p.rpc_clients, o_.p.rpc_per_client, "/rpc reads");
    measure(&plat, w->admin_token, reads, rpc_read_mix(w, "/rpc"), 0, base);
    if (strategy == strategies_for(nodes).front())
      peers(plat, w, base);
    if (strategy == strategies_for(nodes).back() && nodes == o_.p.nodes.back())
      writes(plat, w, base);
    auto biz = business_mix(w);
    std::size_t n = 0;
    for (auto c : o_.p.business_concurrency) {
      base.scenario = "business";
      measure(&plat, w->admin_token, plan(plat.http_port(), c, 1, "business c=" + std::to_string(c)), biz, n, base);
      n += c;
    }
    auto t51 = table51_mix(w);
    n = 0;
    for (auto c : o_.p.concurrency) {
      base.scenario = "table5.1";
      measure(&plat, w->admin_token, plan(plat.http_port(), c, 1, "table 5.1 c=" + std::to_string(c)), t51, n, base,
              c != o_.p.concurrency.back());
      n += c;
    }
    std::cerr << "  cell done in " << seconds_since(started) << " s\n";
  }

  static long seconds_since(std::chrono::steady_clock::time_point t) {
    return static_cast<long>(std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
  }

  // The same read mix on the same nodes without the platform: called
  // directly (clients spread over the nodes) and through nginx.
  void peers(platform_run& plat, std::shared_ptr<const world> w, run_row base) {
    auto m = rpc_read_mix(w, "/");
    base.strategy = "-";
    auto direct = plan(0, o_.p.rpc_clients, o_.p.rpc_per_client, "direct reads");
    direct.targets.clear();
    for (auto p : plat.node_ports())
      direct.targets.push_back({"127.0.0.1", p});
    base.target = "direct";
    measure(nullptr, "", direct, m, 0, base);
    if (plat.spec().nodes == 1)
      return;
    for (bool lc : {true, false}) {
      auto port = static_cast<unsigned short>(o_.base_port - 400);
      nginx_balancer nginx(o_.work_dir + "/nginx", port, plat.node_ports(), lc);
      base.target = lc ? "nginx_least_conn" : "nginx_round_robin";
      measure(nullptr, "", plan(port, o_.p.rpc_clients, o_.p.rpc_per_client, base.target), m, 0, base);
    }
  }

  // Raw ingestion (signed here, sent straight to the nodes) against business
  // writes (token transfers through the API), each until all are mined.
  void writes(platform_run& plat, std::shared_ptr<const world> w, run_row base) {
    // 64 clients with the same number each: exactly what is signed is sent.
    auto count = o_.p.writes / 64 * 64;
    auto ports = plat.node_ports();
    auto batch = sign_transfers(ports.front(), count);
    auto raw = std::make_shared<const std::vector<std::string>>(batch.raw);
    auto direct = plan(0, 64, count / 64, "raw ingestion");
    direct.targets.clear();
    for (auto p : ports)
      direct.targets.push_back({"127.0.0.1", p});
    auto start = std::chrono::steady_clock::now();
    base.scenario = "ingestion";
    base.target = "direct";
    auto row = measure(nullptr, "", direct, raw_tx_mix(raw, "/"), 0, base);
    // A batch that never all lands gives no rate: the target then reads
    // "not measured" rather than a figure from a timeout.
    if (wait_for_batch(ports.front(), batch, 120))
      side_.raw_rate = static_cast<double>(row.requests)
                  / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    start = std::chrono::steady_clock::now();
    base.target = "platform";
    auto only_sends = table51_mix(w);
    only_sends.name = "token_transfers";
    only_sends.percent = {0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0};
    row = measure(&plat, w->admin_token, plan(plat.http_port(), 64, count / 64, "business writes"), only_sends,
                  1'000'000, base);
    side_.write_rate = static_cast<double>(row.requests - row.latency.failed)
                  / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "  raw ingestion " << side_.raw_rate << " tx/s, business writes " << side_.write_rate << " tx/s (until mined)\n";
  }

  void hetero() {
    int n = o_.p.hetero_nodes;
    for (auto& s : o_.p.hetero_strategies) {
      auto sp = spec(n, s, "hetero-" + s);
      sp.cpu_quotas.assign(static_cast<std::size_t>(n), o_.quota);
      sp.cpu_quotas.back() = o_.quota * o_.p.hetero_slow_share;
      std::cerr << "heterogeneous: " << n << " nodes, the last at " << sp.cpu_quotas.back() << " cores, " << s << "\n";
      platform_run plat(o_.exe, sp);
      world_plan wp;
      wp.users = 8;
      wp.business = false;
      auto w = std::make_shared<const world>(make_world(plat.http_port(), plat.admin_password(), wp));
      std::this_thread::sleep_for(std::chrono::seconds(3));   // a few probe samples of the slow node
      run_row base;
      base.scenario = "hetero";
      base.target = "platform";
      base.nodes = n;
      base.strategy = s;
      base.quota = o_.quota;
      auto row = measure(&plat, w->admin_token, plan(plat.http_port(), o_.p.rpc_clients, o_.p.rpc_per_client,
                                                     "hetero " + s), rpc_read_mix(w, "/rpc"), 0, base);
      side_.hetero_p99[s] = row.latency.p99_ms;
    }
  }

  // The platform's CPU per /rpc request against an upstream that answers at
  // once, and the latency it adds over calling that upstream directly.
  void proxy_cost() {
    instant_node node;
    auto sp = spec(1, "round_robin", "proxy-cost");
    sp.external = {"http://127.0.0.1:" + std::to_string(node.port())};
    sp.business = false;
    std::cerr << "proxy cost: the platform in front of an instant upstream\n";
    platform_run plat(o_.exe, sp);
    run_row base;
    base.scenario = "proxy_cost";
    base.nodes = 1;
    base.strategy = "round_robin";
    auto per = o_.p.proxy_requests / 32;
    auto direct = plan(node.port(), 32, per, "instant direct");
    base.target = "instant";
    auto d = measure(nullptr, "", direct, block_number_mix("/"), 0, base);
    base.target = "platform";
    auto p = measure(&plat, "", plan(plat.http_port(), 32, per, "instant via /rpc"), block_number_mix("/rpc"), 0, base);
    side_.proxy_us = p.watch.platform_cpu_seconds * 1e6 / static_cast<double>(p.requests);
    side_.proxy_added_ms = p.latency.p50_ms - d.latency.p50_ms;
    // The peer balancer's cost for the same requests, as a yardstick.
    nginx_balancer nginx(o_.work_dir + "/nginx-instant", static_cast<unsigned short>(o_.base_port - 400),
                         {node.port()}, false);
    base.target = "nginx_round_robin";
    auto before = nginx.cpu_seconds();
    auto n = measure(nullptr, "", plan(nginx.port(), 32, per, "instant via nginx"), block_number_mix("/"), 0, base);
    side_.nginx_us = (nginx.cpu_seconds() - before) * 1e6 / static_cast<double>(n.requests);
  }

  void finish() {
    auto targets = evaluate_targets(rows_, side_);
    std::ofstream t(o_.out_dir + "/targets.csv");
    t << "target,goal,measured,met\n";
    for (auto& r : targets) {
      t << '"' << r.name << "\",\"" << r.goal << "\",\"" << r.measured << "\"," << (r.met ? "yes" : "no") << "\n";
      missed_ = missed_ || !r.met;
    }
    auto charts = write_charts(rows_, o_.out_dir);
    std::ofstream md(o_.out_dir + "/report.md");
    md << "# Benchmark profile `" << o_.p.name << "`\n\nNode CPU quota: " << o_.quota << " cores each"
       << " (the slowed node: " << o_.quota * o_.p.hetero_slow_share << ").\n\n## Targets\n\n"
       << markdown_targets(targets) << "\nProxy latency added over the instant upstream (median): "
       << side_.proxy_added_ms << " ms.\n\n## Runs\n\n" << markdown_runs(rows_) << "\n";
    for (auto& c : charts)
      md << "![" << c << "](" << c << ")\n";
    std::cout << "\n" << markdown_targets(targets) << "\nresults in " << o_.out_dir << "\n";
  }

  const bench_options& o_;
  std::ofstream csv_;
  std::vector<run_row> rows_;
  side_measures side_;
  bool missed_ = false;
};

} // namespace

int run_profile(const bench_options& o) {
  experiment e(o);
  e.run();
  return e.result();
}

} // namespace petrade::bench
