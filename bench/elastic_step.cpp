#include "bench/elastic_step.hpp"

#include "bench/http_client.hpp"
#include "bench/mixes.hpp"
#include "bench/platform_run.hpp"
#include "bench/summary.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>

namespace petrade::bench {

namespace {

using json = nlohmann::json;
using clock = std::chrono::steady_clock;

json cluster_of(unsigned short port, const std::string& admin) {
  http_client c(port);
  auto r = c.get("/api/cluster", {{"authorization", "Bearer " + admin}});
  if (r.status != 200)
    throw std::runtime_error("GET /api/cluster answered " + std::to_string(r.status) + ": " + r.body);
  return json::parse(r.body);
}

double median_of_last(const std::vector<elastic_window>& ws, const std::string& phase, std::size_t n) {
  std::vector<double> p;
  for (auto& w : ws)
    if (w.phase == phase)
      p.push_back(w.p99_ms);
  if (p.empty())
    return 0;
  std::vector<double> tail(p.end() - static_cast<long>(std::min(n, p.size())), p.end());
  return percentile(tail, 0.5);
}

void write_files(const bench_options& o, const elastic_outcome& out, const elastic_plan& plan,
                 const std::string& strategy) {
  auto stem = o.out_dir + "/elastic-" + strategy;
  std::ofstream csv(stem + ".csv");
  csv << "phase,start_s,seconds,clients,requests,throughput,failed,p50_ms,p99_ms,serving,nodes\n";
  for (auto& w : out.windows)
    csv << w.phase << "," << w.start_s << "," << w.seconds << "," << w.clients << "," << w.requests << ","
        << (w.seconds > 0 ? static_cast<double>(w.requests) / w.seconds : 0) << ","
        << w.failed << "," << w.p50_ms << "," << w.p99_ms << "," << w.serving << "," << w.nodes << "\n";
  std::ofstream(stem + "_decisions.json") << out.decisions_json << "\n";
  std::ofstream md(stem + ".md");
  md << "# Elastic pool: load step, " << strategy << "\n\n"
     << "1 node at " << o.quota << " cores to start, pool " << plan.min_nodes << "-" << plan.max_nodes
     << " nodes, /rpc read mix: " << plan.low_clients << " clients pausing " << plan.low_think_ms
     << " ms between requests, then " << plan.high_clients
     << " for " << plan.high_s << " s, then " << plan.low_clients << " again.\n\n"
     << "| | p99 ms |\n|---|---|\n"
     << "| low load, before the step (median of its windows) | " << out.low_p99 << " |\n"
     << "| worst window of the step up | " << out.peak_high_p99 << " |\n"
     << "| last 3 windows of the step up (median) | " << out.last_high_p99 << " |\n\n"
     << "Most nodes serving: " << out.most_serving << ". Grew: " << (out.grew ? "yes" : "NO")
     << ". p99 recovered (last <= half the worst): " << (out.p99_recovered ? "yes" : "NO")
     << ". Back to the minimum after the step down: " << (out.back_to_min ? "yes" : "NO") << ".\n\n"
     << "| phase | start s | s | clients | requests | req/s | failed | p50 ms | p99 ms | serving | nodes |\n"
     << "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (auto& w : out.windows)
    md << "| " << w.phase << " | " << w.start_s << " | " << w.seconds << " | " << w.clients << " | " << w.requests
       << " | " << (w.seconds > 0 ? static_cast<double>(w.requests) / w.seconds : 0)
       << " | " << w.failed << " | " << w.p50_ms << " | " << w.p99_ms << " | " << w.serving << " | " << w.nodes
       << " |\n";
}

} // namespace

elastic_outcome run_elastic_step(const bench_options& o, const std::string& strategy) {
  auto& plan = o.p.elastic;
  platform_spec sp;
  sp.nodes = 1;
  sp.strategy = strategy;
  sp.cpu_quota = o.quota;
  sp.base_port = o.base_port;
  sp.http_port = static_cast<unsigned short>(o.base_port - 465);
  sp.control_port = static_cast<unsigned short>(o.base_port - 1000);
  sp.dir = o.work_dir + "/elastic-" + strategy;
  sp.elastic = json{{"enabled", true}, {"min_nodes", plan.min_nodes}, {"max_nodes", plan.max_nodes},
                    {"grow_window_ms", plan.grow_window_ms}, {"shrink_window_ms", plan.shrink_window_ms},
                    {"cooldown_ms", plan.cooldown_ms}}.dump();
  std::cerr << "elastic pool, " << strategy << ": load step on 1 node (" << plan.min_nodes << "-" << plan.max_nodes << " nodes)\n";
  platform_run plat(o.exe, sp);
  world_plan wp;
  wp.users = 8;
  wp.business = false;
  auto w = std::make_shared<const world>(make_world(plat.http_port(), plat.admin_password(), wp));
  auto reads = rpc_read_mix(w, "/rpc");

  elastic_outcome out;
  auto t0 = clock::now();
  std::size_t base = 0;
  double rate = 50;   // requests per second, re-measured every window
  // One window; `think_ms` > 0 paces each client.
  auto window = [&](const std::string& phase, std::size_t clients, int think_ms) {
    // About `window_s` seconds of requests at the rate the last window saw
    // (a paced client sends at most one per think time).
    double per_s = rate / static_cast<double>(clients);
    if (think_ms > 0)
      per_s = std::min(per_s, 1000.0 / think_ms);
    auto per_client = std::max<std::size_t>(1, static_cast<std::size_t>(per_s * plan.window_s));
    load_plan lp;
    lp.targets = {{"127.0.0.1", plat.http_port()}};
    lp.clients = clients;
    lp.per_client = per_client;
    lp.label = "elastic " + phase;
    lp.progress = false;
    lp.think = std::chrono::milliseconds(think_ms);
    elastic_window ew;
    ew.phase = phase;
    ew.start_s = std::chrono::duration<double>(clock::now() - t0).count();
    auto r = run_load(lp, reads.source(per_client, base));
    base += clients * per_client;
    auto s = summarize(r);
    ew.seconds = r.seconds;
    ew.clients = clients;
    ew.requests = r.samples.size();
    ew.failed = s.failed;
    ew.p50_ms = s.p50_ms;
    ew.p99_ms = s.p99_ms;
    rate = r.seconds > 0 ? static_cast<double>(ew.requests) / r.seconds : rate;
    auto c = cluster_of(plat.http_port(), w->admin_token);
    for (auto& n : c.at("nodes")) {
      ++ew.nodes;
      ew.serving += n.value("admitted", false);
    }
    out.most_serving = std::max(out.most_serving, ew.serving);
    std::cerr << "  " << phase << " +" << static_cast<int>(ew.start_s) << " s: " << clients << " clients, p99 "
              << ew.p99_ms << " ms, " << ew.serving << "/" << ew.nodes << " nodes serving\n";
    out.windows.push_back(ew);
    return c;
  };
  for (int i = 0; i < plan.low_windows; ++i)
    window("low", plan.low_clients, plan.low_think_ms);
  auto high_start = clock::now();
  while (clock::now() - high_start < std::chrono::seconds(plan.high_s))
    window("high", plan.high_clients, 0);
  auto after_start = clock::now();
  json last;
  int settled = 0;   // windows seen at the minimum
  while (clock::now() - after_start < std::chrono::seconds(plan.after_s) && settled < 2) {
    last = window("after", plan.low_clients, plan.low_think_ms);
    settled = last.at("nodes").size() == static_cast<std::size_t>(plan.min_nodes) ? settled + 1 : 0;
  }
  out.decisions_json = last.at("pool").at("decisions").dump(2);
  out.grew = out.most_serving > plan.min_nodes;
  out.back_to_min = settled > 0;
  std::vector<double> low;
  for (auto& x : out.windows)
    if (x.phase == "low")
      low.push_back(x.p99_ms);
  out.low_p99 = low.empty() ? 0 : percentile(low, 0.5);
  // The peak, not the first window: the first is short (sized by the low
  // load's rate) and ends before the queue has built up.
  for (auto& x : out.windows)
    if (x.phase == "high")
      out.peak_high_p99 = std::max(out.peak_high_p99, x.p99_ms);
  out.last_high_p99 = median_of_last(out.windows, "high", 3);
  out.p99_recovered = out.peak_high_p99 > 0 && out.last_high_p99 <= out.peak_high_p99 / 2;
  write_files(o, out, plan, strategy);
  std::cerr << "  p99 " << out.peak_high_p99 << " ms at worst in the step, " << out.last_high_p99 << " ms at its end; "
            << out.most_serving << " nodes at most; back to " << plan.min_nodes << ": "
            << (out.back_to_min ? "yes" : "no") << "\n";
  return out;
}

} // namespace petrade::bench
