#include "bench/cluster_watch.hpp"

#include "bench/http_client.hpp"
#include "bench/platform_run.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <sstream>

namespace petrade::bench {

using json = nlohmann::json;

cluster_watch::cluster_watch(unsigned short port, std::string admin_token, int platform_pid)
  : port_(port), token_(std::move(admin_token)), pid_(platform_pid) {
  if (auto u = usage_of(pid_))
    cpu_start_ = u->cpu_seconds;
  sample(false);
  thread_ = std::thread([this] { loop(); });
}

cluster_watch::~cluster_watch() {
  stop_ = true;
  if (thread_.joinable())
    thread_.join();
}

double queued_tasks(const std::string& metrics_text) {
  double queued = 0;
  std::istringstream lines(metrics_text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("petrade_mailbox_depth{", 0) == 0 || line.rfind("petrade_node_inflight{", 0) == 0
        || line.rfind("petrade_tx_pending ", 0) == 0)
      queued += std::stod(line.substr(line.rfind(' ') + 1));
  return queued;
}

void cluster_watch::loop() {
  while (!stop_) {
    for (int i = 0; i < 5 && !stop_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!stop_)
      sample(false);
  }
}

void cluster_watch::sample(bool final) {
  if (auto u = usage_of(pid_)) {
    report_.peak_rss = std::max(report_.peak_rss, u->rss);
    report_.platform_cpu_seconds = u->cpu_seconds - cpu_start_;
  }
  if (token_.empty())
    return;
  try {
    http_client c(port_);
    auto queued = static_cast<std::size_t>(queued_tasks(c.get("/metrics").body));
    report_.peak_queued = std::max(report_.peak_queued, queued);
    auto r = c.get("/api/cluster", {{"authorization", "Bearer " + token_}});
    if (r.status != 200)
      return;
    auto j = json::parse(r.body);
    auto& attempts = first_ ? attempts_start_ : attempts_end_;
    for (auto& n : j.value("nodes", json::array())) {
      auto name = n.value("name", "");
      auto id = std::to_string(n.value("node", 0));
      const json& disp = j["dispatcher"];
      auto lat = disp.find("latency");   // absent until the first attempt
      attempts[name] = lat != disp.end() && lat->contains(id) ? (*lat)[id].value("count", 0.0) : 0.0;
      if (final || first_)
        continue;
      auto zone = n.value("zone", "");
      int z = zone == "I" ? 0 : zone == "II" ? 1 : 2;
      zone_counts_[name][static_cast<std::size_t>(z)] += 1;
      cpu_sum_[name] += n["state"].value("cpu", 0.0);
    }
    if (!final && !first_)
      ++report_.samples;
    first_ = false;
  } catch (const std::exception&) {
    // A missed sample is only a thinner average.
  }
}

watch_report cluster_watch::finish() {
  stop_ = true;
  if (thread_.joinable())
    thread_.join();
  sample(true);
  double total = 0;
  for (auto& [name, end] : attempts_end_)
    total += end - attempts_start_[name];
  for (auto& [name, end] : attempts_end_) {
    node_share s;
    s.name = name;
    auto n = std::max(1, report_.samples);
    s.cpu = cpu_sum_[name] / n;
    for (int z = 0; z < 3; ++z)
      s.zone[z] = zone_counts_[name][static_cast<std::size_t>(z)] / n;
    s.attempts = total > 0 ? (end - attempts_start_[name]) / total : 0;
    report_.nodes.push_back(s);
  }
  return report_;
}

} // namespace petrade::bench
