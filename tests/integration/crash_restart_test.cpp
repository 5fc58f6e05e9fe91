// SIGKILL of `petrade up` right after 500 writes were acknowledged, then a
// restart on the same journal: every acknowledged write is mined exactly
// once. The nodes run apart from the platform, as production nodes do.
#include "devnet/devnet.hpp"
#include "devnet/process.hpp"
#include "protocol/eth/uint256.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "protocol/messages.hpp"
#include "protocol/write_request.hpp"
#include "tests/support/tools.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <gtest/gtest.h>

#include <signal.h>

#include <future>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using json = nlohmann::json;

struct client_config : caf::actor_system_config {
  client_config() {
    load<caf::io::middleman>();
    add_message_types<caf::id_block::petrade>();
    set("scheduler.max-threads", 2);
  }
};

constexpr int writes = 500;

class CrashRestart : public ::testing::Test {
protected:
  void SetUp() override {
    devnet::devnet_config c;
    c.nodes = 3;
    c.base_port = test::free_port_range(3);
    c.data_dir = dir / "nodes";
    c.sync_interval = 20ms;
    net = std::make_unique<devnet::cluster>(c);
    net->start();
    sealer = jsonrpc::client::create(io, net->nodes()[0].url);
  }

  devnet::child_process start_platform(const std::string& log) {
    std::vector<std::string> argv{test::build_path("petrade"), "up", "--journal", dir / "journal",
                                  "--control-port", std::to_string(control)};
    for (auto& n : net->nodes()) {
      argv.push_back("--external");
      argv.push_back(n.url + "," + n.submit_url);
    }
    auto p = devnet::child_process::spawn(argv, dir / log);
    if (!devnet::wait_for_port(control, 30s))
      throw std::runtime_error("petrade up did not open its control port: " + test::read_file(dir / log));
    return p;
  }

  caf::actor connect(caf::actor_system& sys) {
    for (int i = 0; i < 50; ++i) {
      auto c = sys.middleman().remote_actor("127.0.0.1", control);
      if (c)
        return *c;
      std::this_thread::sleep_for(100ms);
    }
    throw std::runtime_error("cannot reach the control actor");
  }

  /// What a failure needs to be understood: each node's head and pool, and
  /// the restarted platform's last log lines.
  std::string evidence(const std::string& log) {
    std::string out;
    for (auto& n : net->nodes()) {
      auto c = jsonrpc::client::create(io, n.url);
      try {
        out += n.url + " head " + c->call_sync("eth_blockNumber", json::array()).dump() + " pool "
               + c->call_sync("txpool_status", json::array()).dump() + "\n";
      } catch (const std::exception& e) {
        out += n.url + " " + e.what() + "\n";
      }
    }
    for (auto name : {"up1.log", "up2.log"}) {
      // Warnings and errors of both runs, the last 40 of each.
      std::vector<std::string> kept;
      std::istringstream lines(test::read_file(dir / name));
      for (std::string l; std::getline(lines, l);)
        if (l.find(" warn") != std::string::npos || l.find(" error") != std::string::npos
            || l.find("stuck") != std::string::npos || l.find("reconcil") != std::string::npos)
          kept.push_back(l);
      out += std::string("--- ") + name + ": " + std::to_string(kept.size()) + " warnings/errors\n";
      for (auto i = kept.size() > 40 ? kept.size() - 40 : 0; i < kept.size(); ++i)
        out += kept[i] + "\n";
    }
    auto text = test::read_file(dir / log);
    auto cut = text.size() > 4000 ? text.size() - 4000 : 0;
    return out + "--- tail of " + log + "\n" + text.substr(cut);
  }

  std::uint64_t tx_count(const std::string& who) {
    return static_cast<std::uint64_t>(eth::from_quantity(
      sealer->call_sync("eth_getTransactionCount", json::array({who, "latest"})).get<std::string>()));
  }

  test::scratch_dir dir{"crash"};
  unsigned short control = devnet::free_port();
  std::unique_ptr<devnet::cluster> net;
  jsonrpc::io_runner io{1};
  std::shared_ptr<jsonrpc::client> sealer;
};

TEST_F(CrashRestart, EveryAcknowledgedWriteIsMinedExactlyOnceAfterASigkill) {
  const std::string from = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";   // dev account 1
  auto before = tx_count(from);
  auto up = start_platform("up1.log");
  client_config cfg;
  caf::actor_system sys{cfg};
  auto ctl = connect(sys);
  caf::scoped_actor self{sys};
  self->request(ctl, 10s, unlock_atom_v, from, std::string(test::dev_keys[1]))
    .receive([](const std::string&) {}, [&](caf::error& e) { FAIL() << sys.render(e); });

  // 500 writes at once; SIGKILL the platform the moment the last is acknowledged.
  std::promise<std::vector<write_status>> acked;
  auto pid = up.pid();
  sys.spawn([&, ctl, pid](caf::event_based_actor* driver) {
    auto acks = std::make_shared<std::vector<write_status>>();
    for (int i = 0; i < writes; ++i) {
      write_request w;
      w.idempotency_key = "crash-" + std::to_string(i);
      w.kind = task_kind::contract;
      w.from = from;
      w.to = "0x000000000000000000000000000000000000dEaD";
      w.value = "1";
      w.gas_limit = 21000;
      driver->request(ctl, 60s, submit_atom_v, w)
        .then(
          [&, acks, pid](const write_status& s) {
            acks->push_back(s);
            if (acks->size() == writes) {
              ::kill(pid, SIGKILL);
              acked.set_value(*acks);
            }
          },
          [](caf::error&) {});
    }
  });
  auto fut = acked.get_future();
  ASSERT_EQ(fut.wait_for(120s), std::future_status::ready) << test::read_file(dir / "up1.log");
  auto statuses = fut.get();
  std::set<std::uint64_t> ids, nonces;
  for (auto& s : statuses) {
    ASSERT_EQ(s.state, "accepted") << s.error;
    ids.insert(s.task_id);
    nonces.insert(s.nonce);
  }
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(writes));
  ASSERT_EQ(nonces.size(), static_cast<std::size_t>(writes));
  for (int i = 0; i < 100 && up.running(); ++i)
    std::this_thread::sleep_for(20ms);
  auto mined_at_kill = tx_count(from) - before;

  // Restart on the same journal: the open tasks are reconciled and resent.
  auto up2 = start_platform("up2.log");
  // Deadlines count from the last progress: a loaded machine is slow, a
  // stalled platform makes none.
  std::uint64_t count = 0;
  for (auto last = std::chrono::steady_clock::now();
       count < before + writes && std::chrono::steady_clock::now() - last < 60s;) {
    auto now = tx_count(from);
    if (now > count)
      last = std::chrono::steady_clock::now();
    count = now;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(count, before + writes) << "mined at the kill: " << mined_at_kill << "\n"
                                    << evidence("up2.log");
  std::this_thread::sleep_for(2s);   // nothing more may arrive: exactly once
  EXPECT_EQ(tx_count(from), before + writes);

  auto ctl2 = connect(sys);
  std::size_t confirmed = 0;
  std::map<std::string, std::pair<int, std::string>> states;   // state -> count, an error
  for (auto last = std::chrono::steady_clock::now();
       confirmed < ids.size() && std::chrono::steady_clock::now() - last < 30s;) {
    std::size_t now = 0;
    states.clear();
    for (auto id : ids)
      self->request(ctl2, 10s, status_atom_v, id)
        .receive(
          [&](const write_status& s) {
            now += s.state == "confirmed";
            auto& [n, error] = states[s.state];
            ++n;
            if (error.empty())
              error = s.error;
          },
          [&](caf::error& e) { ++states["status failed: " + sys.render(e)].first; });
    if (now > confirmed)
      last = std::chrono::steady_clock::now();
    confirmed = now;
    if (confirmed < ids.size())
      std::this_thread::sleep_for(200ms);
  }
  std::string seen;
  for (auto& [state, v] : states)
    seen += state + " " + std::to_string(v.first) + (v.second.empty() ? "" : " (" + v.second + ")") + "; ";
  EXPECT_EQ(confirmed, ids.size()) << seen << "\n" << evidence("up2.log");
  std::cout << "acknowledged " << writes << ", mined before the SIGKILL " << mined_at_kill
            << ", mined after the restart " << (count - before - mined_at_kill) << "\n";
  up2.signal(SIGTERM);
  for (int i = 0; i < 200 && up2.running(); ++i)
    std::this_thread::sleep_for(50ms);
}

} // namespace
