// State probes: the Prometheus parser on a page shaped like geth's, the CPU
// meter, the proc probe on a busy child, the cgroup probe on fake and real
// groups, and the geth probe over HTTP against a one-shot local server.
#include "actors/probe.hpp"
#include "actors/probes/cgroup_probe.hpp"
#include "actors/probes/geth_metrics.hpp"
#include "actors/probes/proc_probe.hpp"
#include "actors/probes/prometheus.hpp"
#include "devnet/cgroup.hpp"
#include "devnet/process.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;

// Written for this test in the shape geth's exporter uses: a TYPE line per
// metric, gauges and counters as bare samples, summaries with a space before
// the quantile label, blank lines between metrics.
const char* geth_page = R"(# TYPE chain_head_block gauge
chain_head_block 4711

# TYPE system_cpu_procload gauge
system_cpu_procload 37

# TYPE system_cpu_procload_total gauge
system_cpu_procload_total 12.75

# TYPE system_memory_held gauge
system_memory_held 2.68435456e+08

# TYPE system_memory_used gauge
system_memory_used 134217728

# TYPE rpc_duration_all summary
rpc_duration_all {quantile="0.5"} 0.000125
rpc_duration_all {quantile="0.99"} NaN
rpc_duration_all_count 42
rpc_duration_all_sum 0.0091

# HELP p2p_peers Number of peers, with "quotes"
# a free comment
p2p_peers{kind="in",note="a \"b\" \\ c"} 3 1700000000000
p2p_ingress{kind="out",} +Inf
this line is broken {
)";

TEST(Prometheus, ParsesGethStylePage) {
  auto page = probes::parse_prometheus(geth_page);
  EXPECT_EQ(page.bad_lines, 1u);
  EXPECT_EQ(page.types.at("rpc_duration_all"), "summary");
  EXPECT_EQ(page.number("chain_head_block"), 4711.0);
  EXPECT_EQ(page.number("system_memory_held"), 268435456.0);
  EXPECT_EQ(page.number("rpc_duration_all", {{"quantile", "0.5"}}), 0.000125);
  ASSERT_NE(page.find("rpc_duration_all", {{"quantile", "0.99"}}), nullptr);
  EXPECT_TRUE(std::isnan(page.find("rpc_duration_all", {{"quantile", "0.99"}})->value));
  EXPECT_FALSE(page.number("rpc_duration_all", {{"quantile", "0.99"}}).has_value());
  auto* peers = page.find("p2p_peers");
  ASSERT_NE(peers, nullptr);
  EXPECT_EQ(*peers->label("note"), "a \"b\" \\ c");
  EXPECT_EQ(peers->timestamp_ms, 1700000000000);
  auto* ingress = page.find("p2p_ingress", {{"kind", "out"}});
  ASSERT_NE(ingress, nullptr);
  EXPECT_TRUE(std::isinf(ingress->value));
  EXPECT_FALSE(page.number("missing").has_value());
}

TEST(Prometheus, RejectsMalformedLines) {
  for (auto bad : {"1abc 3", "x{a=\"1\" 3", "x{a=1} 3", "x 3 4 5", "x three", "x{a=\"unterminated} 1"})
    EXPECT_FALSE(probes::parse_prometheus_line(bad).has_value()) << bad;
  auto ok = probes::parse_prometheus_line("  x_y:z{} -1.5e3  ");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->name, "x_y:z");
  EXPECT_EQ(ok->value, -1500);
}

TEST(GethMetrics, PicksProcessReadings) {
  auto r = probes::read_geth_metrics(probes::parse_prometheus(geth_page));
  EXPECT_EQ(r.cpu_seconds, 12.75);
  EXPECT_EQ(r.mem_bytes, 268435456.0);
  // Older geth: only the gauge, in percent of one core.
  auto old = probes::read_geth_metrics(
    probes::parse_prometheus("system_cpu_procload 150\nsystem_memory_used 1024\n"));
  EXPECT_FALSE(old.cpu_seconds.has_value());
  EXPECT_EQ(old.cpu_cores, 1.5);
  EXPECT_EQ(old.mem_bytes, 1024.0);
}

TEST(CpuMeter, CoresFromCumulativeSeconds) {
  cpu_meter m;
  auto t0 = cpu_meter::clock::now();
  EXPECT_EQ(m.update(10.0, t0), 0.0);                   // no baseline yet
  EXPECT_DOUBLE_EQ(m.update(10.5, t0 + 1s), 0.5);
  EXPECT_DOUBLE_EQ(m.update(12.5, t0 + 2s), 2.0);
  EXPECT_EQ(m.update(1.0, t0 + 3s), 0.0);               // restarted process
  EXPECT_DOUBLE_EQ(m.update(1.25, t0 + 3500ms), 0.5);
  EXPECT_EQ(normalise(2.0, 1.0), 1.0);
  EXPECT_EQ(normalise(0.25, 0.5), 0.5);
  EXPECT_EQ(normalise(-1, 1), 0.0);
  EXPECT_EQ(normalise(1, 0), 0.0);
  EXPECT_EQ(normalise(NAN, 1), 0.0);
  EXPECT_EQ(parse_probe_kind("geth_metrics"), probe_kind::geth_metrics);
  EXPECT_THROW(parse_probe_kind("docker"), std::invalid_argument);
}

TEST(ProcProbe, ParsesStatWithAwkwardCommandNames) {
  auto stat = "1234 (my (odd) name) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 1 0 "
              "100 1000000 200 18446744073709551615";
  EXPECT_EQ(probes::parse_proc_stat_ticks(stat), 300u);
  EXPECT_FALSE(probes::parse_proc_stat_ticks("1234 (x) S 1 2").has_value());
  EXPECT_EQ(probes::parse_proc_statm_resident("5000 1200 300 10 0 900 0\n"), 1200u);
}

probe_sample take(probe& p) {
  std::promise<probe_sample> got;
  p.sample([&](probe_sample s) { got.set_value(std::move(s)); });
  auto f = got.get_future();
  EXPECT_EQ(f.wait_for(5s), std::future_status::ready);
  return f.get();
}

TEST(ProcProbe, CpuRisesWhenTheChildSpins) {
  // Idle for 0.6 s, then a busy loop.
  auto child = devnet::child_process::spawn({"/bin/sh", "-c", "sleep 0.6; while :; do :; done"});
  probe_config cfg;
  cfg.kind = probe_kind::proc;
  cfg.pid_source = [&] { return static_cast<int>(child.pid()); };
  auto p = make_probe(cfg);
  ASSERT_NE(p, nullptr);
  take(*p);
  std::this_thread::sleep_for(300ms);
  auto idle = take(*p);
  ASSERT_TRUE(idle.ok) << idle.error;
  EXPECT_LT(idle.cpu_cores, 0.1);
  EXPECT_GT(idle.mem_bytes, 0);
  EXPECT_GT(idle.mem, 0);
  EXPECT_LT(idle.mem, 0.1);
  std::this_thread::sleep_for(500ms);   // the loop has started
  take(*p);
  std::this_thread::sleep_for(500ms);
  auto busy = take(*p);
  ASSERT_TRUE(busy.ok) << busy.error;
  EXPECT_GT(busy.cpu_cores, 0.3);       // one core, shared with other work
  EXPECT_LE(busy.cpu_cores, 1.2);
  EXPECT_GT(busy.cpu, 0.3);
  EXPECT_LE(busy.cpu, 1.0);
  child.stop();
  auto gone = take(*p);
  EXPECT_FALSE(gone.ok);
  EXPECT_FALSE(gone.error.empty());
}

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

TEST(CgroupProbe, ReadsV1AndV2Folders) {
  namespace fs = std::filesystem;
  fs::path root = test::temp_dir("cgprobe");
  // v2: one folder.
  auto v2 = root / "v2";
  fs::create_directories(v2);
  write(v2 / "cgroup.controllers", "cpu memory\n");
  write(v2 / "cpu.stat", "usage_usec 1000000\nuser_usec 600000\nsystem_usec 400000\n");
  write(v2 / "cpu.max", "50000 100000\n");
  write(v2 / "memory.current", "104857600\n");
  write(v2 / "memory.max", "209715200\n");
  auto f2 = probes::locate_cgroup(v2);
  ASSERT_TRUE(f2.has_value());
  EXPECT_EQ(f2->version, 2);
  auto r2 = probes::read_cgroup(*f2);
  EXPECT_EQ(r2.cpu_seconds, 1.0);
  EXPECT_EQ(r2.quota_cores, 0.5);
  EXPECT_EQ(r2.mem_bytes, 104857600.0);
  EXPECT_EQ(r2.mem_limit, 209715200.0);
  write(v2 / "cpu.max", "max 100000\n");
  write(v2 / "memory.max", "max\n");
  r2 = probes::read_cgroup(*f2);
  EXPECT_FALSE(r2.quota_cores.has_value());
  EXPECT_FALSE(r2.mem_limit.has_value());

  // v1: cpu, cpuacct and memory hierarchies side by side.
  for (auto c : {"cpu", "cpuacct", "memory"})
    fs::create_directories(root / "v1" / c / "node1");
  auto cpu = root / "v1/cpu/node1";
  write(cpu / "cpu.cfs_quota_us", "50000\n");
  write(cpu / "cpu.cfs_period_us", "100000\n");
  write(root / "v1/cpuacct/node1/cpuacct.usage", "2000000000\n");
  write(root / "v1/memory/node1/memory.usage_in_bytes", "52428800\n");
  write(root / "v1/memory/node1/memory.limit_in_bytes", "9223372036854771712\n");
  probe_config cfg;
  cfg.kind = probe_kind::cgroup;
  cfg.cgroup_dir = cpu;
  auto p = make_probe(cfg);
  ASSERT_NE(p, nullptr);
  auto first = take(*p);
  ASSERT_TRUE(first.ok) << first.error;
  EXPECT_EQ(first.cpu_cores, 0);
  EXPECT_EQ(first.mem_bytes, 52428800.0);
  EXPECT_NEAR(first.mem, 52428800.0 / machine_memory_bytes(), 1e-9);   // no limit set
  std::this_thread::sleep_for(100ms);
  write(root / "v1/cpuacct/node1/cpuacct.usage", "2040000000\n");   // +0.04 s of CPU
  auto second = take(*p);
  EXPECT_GT(second.cpu_cores, 0.1);
  EXPECT_LT(second.cpu_cores, 0.45);
  EXPECT_NEAR(second.cpu, second.cpu_cores / 0.5, 1e-9);   // quota 0.5 cores

  cfg.cgroup_dir = (root / "nothing").string();
  EXPECT_EQ(make_probe(cfg), nullptr);
  fs::remove_all(root);
}

TEST(CgroupProbe, RealGroupCountsABusyChild) {
  std::string why;
  auto g = devnet::node_cgroup::create("petrade-probe-" + std::to_string(::getpid()), 0.5, &why);
  if (devnet::node_cgroup::detect() == devnet::cgroup_version::none) {
    EXPECT_EQ(g, nullptr);
    EXPECT_FALSE(why.empty());
    return;
  }
  ASSERT_NE(g, nullptr) << why;
  auto busy = test::busy_child();
  g->add(busy.pid());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));   // it allocates, then spins
  probe_config by_handle;
  by_handle.kind = probe_kind::cgroup;
  by_handle.cgroup = g.get();
  probe_config by_dir = by_handle;
  by_dir.cgroup = nullptr;
  by_dir.cgroup_dir = g->path();
  auto a = make_probe(by_handle);
  auto b = make_probe(by_dir);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  take(*a);
  take(*b);
  std::this_thread::sleep_for(800ms);
  auto sa = take(*a);
  auto sb = take(*b);
  for (auto* s : {&sa, &sb}) {
    ASSERT_TRUE(s->ok) << s->error;
    EXPECT_GT(s->cpu_cores, 0.1);    // capped at 0.5 cores
    EXPECT_LT(s->cpu_cores, 0.7);
    EXPECT_NEAR(s->cpu, std::min(1.0, s->cpu_cores / 0.5), 1e-9);
    if (g->memory_bytes()) {
      EXPECT_GT(s->mem_bytes, 0);
    }
  }
  busy.stop();
}

// Serves `pages` to successive connections on a loopback port, one each.
class page_server {
public:
  /// raw: each page is the whole answer, header included, sent as it is.
  explicit page_server(std::vector<std::string> pages, bool raw = false) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 4) != 0
        || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("page_server: cannot listen");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, raw, pages = std::move(pages)] {
      for (auto& body : pages) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0)
          return;
        std::string req;
        char buf[1024];
        while (req.find("\r\n\r\n") == std::string::npos) {
          auto n = ::read(c, buf, sizeof buf);
          if (n <= 0)
            break;
          req.append(buf, static_cast<std::size_t>(n));
        }
        auto res = raw ? body
                       : "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: "
                           + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        EXPECT_EQ(::write(c, res.data(), res.size()), static_cast<ssize_t>(res.size()));
        ::close(c);
      }
    });
  }
  ~page_server() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/debug/metrics/prometheus";
  }

private:
  int fd_ = -1;
  unsigned short port_ = 0;
  std::thread thread_;
};

TEST(GethMetricsProbe, FetchesOverHttp) {
  page_server server({"system_cpu_procload_total 10\nsystem_memory_held 1048576\n",
                      "system_cpu_procload_total 10.2\nsystem_memory_held 2097152\n"});
  jsonrpc::io_runner io{1};
  probe_config cfg;
  cfg.kind = probe_kind::geth_metrics;
  cfg.metrics_url = server.url();
  cfg.mem_limit_bytes = 4 * 1048576;
  auto p = make_probe(cfg, &io);
  auto first = take(*p);
  ASSERT_TRUE(first.ok) << first.error;
  EXPECT_EQ(first.mem_bytes, 1048576);
  std::this_thread::sleep_for(100ms);
  auto second = take(*p);
  ASSERT_TRUE(second.ok) << second.error;
  EXPECT_GT(second.cpu_cores, 0.1);
  EXPECT_DOUBLE_EQ(second.mem, 0.5);

  cfg.metrics_url = "http://127.0.0.1:" + std::to_string(devnet::free_port()) + "/metrics";
  auto dead = make_probe(cfg, &io);
  auto t0 = std::chrono::steady_clock::now();
  auto failed = take(*dead);
  EXPECT_FALSE(failed.ok);
  EXPECT_NE(failed.error.find("connect"), std::string::npos) << failed.error;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_THROW(make_probe(cfg, nullptr), std::invalid_argument);
}

// A page whose header announces more than the probe's 16 MB limit, with the
// first body bytes in the same packet, is refused from the header alone
// (Boost 1.74's parser, parsing on into the body, dropped the limit and
// reserved the announced 16 PB: bad_alloc on an I/O thread).
TEST(GethMetricsProbe, APageAnnouncingMoreThanTheLimitIsRefusedFromItsHeader) {
  page_server server({"HTTP/1.1 200 OK\r\nContent-Length: 16777777777777770\r\n\r\nsystem_cpu"}, true);
  jsonrpc::io_runner io{1};
  std::promise<std::pair<std::optional<std::string>, std::string>> got;
  probes::http_get(io, server.url(), 2s, [&](std::optional<std::string> body, std::string error) {
    got.set_value({std::move(body), std::move(error)});
  });
  auto [body, error] = got.get_future().get();
  EXPECT_FALSE(body);
  EXPECT_NE(error.find("body limit"), std::string::npos) << error;
}

} // namespace
