#include "devnet/devnet.hpp"

#include "devnet/cluster_slots.hpp"
#include "devnet/process.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"

#include "petrade/paths.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

namespace petrade::devnet {

using json = nlohmann::json;
using namespace std::chrono_literals;

const char* to_string(node_role r) {
  return r == node_role::sealer ? "sealer" : "follower";
}

const char* to_string(node_phase p) {
  switch (p) {
    case node_phase::starting: return "starting";
    case node_phase::catching_up: return "catching-up";
    case node_phase::ready: return "ready";
    case node_phase::stopped: return "stopped";
  }
  return "?";
}

std::string states_dir(const devnet_config& cfg, int node) {
  return cfg.data_dir + "/node" + std::to_string(node) + "-states";
}

namespace {

constexpr std::uint64_t import_batch = 64;
/// How long a restarted sealer waits for a follower that does not answer
/// before it recovers the chain from the others.
constexpr std::chrono::seconds recovery_wait{10};


} // namespace

cluster::cluster(devnet_config cfg, event_sink sink)
  : cfg_(std::move(cfg)), sink_(std::move(sink)) {
  validate(cfg_, "devnet config");
  if (cfg_.anvil.empty())
    cfg_.anvil = std::string(paths::tools_bin) + "/anvil";
}

cluster::~cluster() {
  stop();
}

void cluster::emit(const std::string& level, const std::string& text) const {
  if (sink_)
    sink_(level, text);
}

cgroup_version cluster::cgroups() const {
  for (auto& s : slots_)
    if (s->cgroup)
      return s->cgroup->version();
  return cgroup_version::none;
}

void cluster::start() {
  if (::access(cfg_.anvil.c_str(), X_OK) != 0)
    throw std::runtime_error("anvil not found at " + cfg_.anvil
                             + " (scripts/up installs it with npm)");
  for (int i = 0; i < cfg_.nodes; ++i)
    if (!port_free(static_cast<unsigned short>(cfg_.base_port + i)))
      throw std::runtime_error("port " + std::to_string(cfg_.base_port + i)
                               + " (node " + std::to_string(i) + ") is in use");
  std::filesystem::create_directories(cfg_.data_dir);
  shared_ = std::make_unique<shared>();
  for (int i = 0; i < cfg_.nodes; ++i) {
    auto s = std::make_unique<node_slot>();
    s->index = i;
    s->role = i == 0 ? node_role::sealer : node_role::follower;
    s->port = static_cast<unsigned short>(cfg_.base_port + i);
    std::string why;
    s->cgroup = node_cgroup::create("petrade-" + std::to_string(s->port), cfg_.quota_of(i), &why);
    if (!s->cgroup && i == 0)
      emit(cfg_.cpu_quota > 0 ? "warn" : "info",
           "nodes run as plain processes (" + why + ")");
    jsonrpc::client_options opts;
    opts.default_timeout = call_timeout;
    opts.max_connections = 4;
    s->rpc = jsonrpc::client::create(shared_->io, url_of(s->port), opts);
    slots_.push_back(std::move(s));
  }
  // Each keeper spawns its own node: a child dies with the thread that
  // forked it (PR_SET_PDEATHSIG), and the keepers live as long as the nodes.
  for (auto& s : slots_)
    s->keeper = std::thread([this, p = s.get()] { keep(*p); });
  for (auto& s : slots_) {
    if (!wait_for_port(s->port, 30s)) {
      stop();
      throw std::runtime_error("node " + std::to_string(s->index) + " did not open port "
                               + std::to_string(s->port) + "; see " + cfg_.data_dir
                               + "/node" + std::to_string(s->index) + ".log");
    }
  }
}

void cluster::spawn(node_slot& n, bool mining) {
  auto states = states_dir(cfg_, n.index);
  std::vector<std::string> argv{
    cfg_.anvil, "--host", "127.0.0.1", "--port", std::to_string(n.port),
    "--chain-id", std::to_string(cfg_.chain_id),
    "--timestamp", std::to_string(cfg_.genesis_timestamp),
    "--mnemonic", cfg_.mnemonic, "--accounts", std::to_string(cfg_.accounts),
    // Imported transactions must be mined in the order they are sent.
    "--order", "fifo",
    "--cache-path", states};
  // anvil writes old states to disk and deletes them only when it exits
  // cleanly: every SIGKILLed node left its states in ~/.foundry/anvil/tmp
  // (64 GB of them filled this machine's disk). They live in the node's own
  // folder now, and a restart clears what the dead process left.
  std::error_code ignored;
  std::filesystem::remove_all(states, ignored);
  if (!mining)
    argv.push_back("--no-mining");
  auto log = cfg_.data_dir + "/node" + std::to_string(n.index) + ".log";
  auto proc = child_process::spawn(argv, log);
  if (n.cgroup) {
    try {
      n.cgroup->add(proc.pid());
    } catch (const std::exception& e) {
      emit("warn", "node " + std::to_string(n.index) + ": " + e.what());
    }
  }
  std::lock_guard<std::mutex> lock(shared_->m);
  n.proc = std::move(proc);
}

// One keeper thread per node: restart it when its process dies, keep a
// follower importing the sealer's blocks, bring a restarted sealer back.
void cluster::keep(node_slot& n) {
  auto& sh = *shared_;
  auto backoff = cfg_.restart_backoff;
  auto started_at = std::chrono::steady_clock::now();
  const std::string name = "node " + std::to_string(n.index);
  try {
    spawn(n, n.role == node_role::sealer);
  } catch (const std::exception& e) {
    emit("error", name + " could not start: " + e.what());
  }
  if (wait_for_port(n.port, 30s)) {
    std::lock_guard<std::mutex> lock(sh.m);
    n.phase = n.role == node_role::sealer ? node_phase::ready : node_phase::catching_up;
  }
  auto gone = [&] {
    std::lock_guard<std::mutex> lock(sh.m);
    return sh.stopping || n.removed;
  };
  while (!gone()) {
    bool restart = false;
    {
      std::lock_guard<std::mutex> lock(sh.m);
      if (n.restart_requested || !n.proc.running()) {
        restart = true;
        if (!n.restart_requested)
          emit("warn", name + " exited (status " + std::to_string(n.proc.exit_status().value_or(-1))
                         + "); restarting in " + std::to_string(backoff.count()) + " ms");
        n.restart_requested = false;
        n.phase = node_phase::starting;
      }
    }
    if (restart) {
      {
        std::lock_guard<std::mutex> lock(sh.m);
        n.proc.stop(200ms);
      }
      std::unique_lock<std::mutex> lock(sh.m);
      sh.wake.wait_for(lock, backoff, [&] { return sh.stopping || n.removed; });
      lock.unlock();
      if (gone())
        break;
      // A restarted sealer must first recover the chain from its followers.
      bool mining = n.role == node_role::sealer && live_slots().size() == 1;
      spawn(n, mining);
      wait_for_port(n.port, 30s);
      std::lock_guard<std::mutex> relock(sh.m);
      ++n.restarts;
      n.phase = node_phase::catching_up;
      n.recovering_since = std::chrono::steady_clock::now();
      backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
      started_at = std::chrono::steady_clock::now();
    }
    try {
      catch_up(n);
    } catch (const std::exception& e) {
      // A stopped or dying node: the next round restarts or retries it.
      (void) e;
    }
    {
      std::unique_lock<std::mutex> lock(sh.m);
      // Backing off is for a node that dies as it starts. One that ran for
      // a while was killed (or crashed late): it comes back at once, even if
      // it had not caught up yet, which under repeated kills it may never do.
      if (std::chrono::steady_clock::now() - started_at > 10s)
        backoff = cfg_.restart_backoff;
      sh.wake.wait_for(lock, cfg_.sync_interval, [&] { return sh.stopping || n.removed; });
    }
  }
  // Stop the node from this thread, gracefully, before its exit would
  // SIGKILL it through PR_SET_PDEATHSIG.
  std::lock_guard<std::mutex> lock(sh.m);
  n.proc.stop();
}

void cluster::catch_up(node_slot& n) {
  auto& sh = *shared_;
  auto& sealer = *live_slots().front();
  auto set = [&](node_phase p, std::uint64_t head) {
    std::lock_guard<std::mutex> lock(sh.m);
    n.phase = p;
    n.head = head;
  };
  if (n.role == node_role::follower) {
    forward_pending(*n.rpc, *sealer.rpc, n.relayed);
    auto r = import_blocks(*sealer.rpc, *n.rpc, import_batch, n.relayed);
    if (r.diverged) {
      emit("warn", "node " + std::to_string(n.index)
                     + " left the sealer's chain (" + r.why + "); restarting it from genesis");
      std::lock_guard<std::mutex> lock(sh.m);
      n.restart_requested = true;
      return;
    }
    bool sealer_ready;
    {
      std::lock_guard<std::mutex> lock(sh.m);
      sealer_ready = sealer.phase == node_phase::ready;
    }
    set(r.target_head >= r.source_head && sealer_ready ? node_phase::ready
                                                        : node_phase::catching_up,
        r.target_head);
    return;
  }
  // The sealer: normally it just mines; after a restart it imports the
  // chain from the follower with the highest head, then mines again.
  bool recovering;
  {
    std::lock_guard<std::mutex> lock(sh.m);
    recovering = n.phase == node_phase::catching_up;
  }
  if (!recovering) {
    auto now = std::chrono::steady_clock::now();
    if (now - n.pool_checked >= 1s) {
      n.pool_checked = now;
      if (auto mined = mine_stalled_pool(*n.rpc, n.pool))
        emit("warn", "the sealer's automine left " + std::to_string(mined)
                       + " ready transactions unmined; mined them");
    }
    set(node_phase::ready, head_of(*n.rpc));
    return;
  }
  node_slot* best = nullptr;
  std::uint64_t best_head = 0;
  bool silent = false;   // a running follower that did not answer
  for (auto* s : live_slots()) {
    if (s == &n)
      continue;
    try {
      auto h = head_of(*s->rpc);
      if (!best || h > best_head) {
        best = s;
        best_head = h;
      }
    } catch (const std::exception&) {
      std::lock_guard<std::mutex> lock(sh.m);
      silent = silent || s->proc.running();
    }
  }
  if (best) {
    auto r = import_blocks(*best->rpc, *n.rpc, import_batch, n.relayed);
    if (r.diverged) {   // mining on would fork the followers off
      emit("warn", "sealer's replay of the chain diverged (" + r.why + "); restarting it again");
      std::lock_guard<std::mutex> lock(sh.m);
      n.restart_requested = true;
      return;
    }
    if (r.target_head < r.source_head) {
      set(node_phase::catching_up, r.target_head);
      return;
    }
  }
  // A follower that is stopped, not dead, may be the one furthest ahead:
  // mining on top of another would lose the blocks only it and the dead
  // sealer held, which the platform may have confirmed. Wait for it a while.
  if (silent && std::chrono::steady_clock::now() - n.recovering_since < recovery_wait) {
    set(node_phase::catching_up, head_of(*n.rpc));
    return;
  }
  if (!best && head_of(*n.rpc) == 0)
    emit("warn", "sealer restarted with no follower to recover from: the chain starts over");
  n.rpc->call_sync("evm_setAutomine", json::array({true}));
  emit("info", "sealer recovered the chain at block " + std::to_string(head_of(*n.rpc))
                 + " and mines again");
  set(node_phase::ready, head_of(*n.rpc));
}

void cluster::stop() {
  if (!shared_)
    return;
  {
    std::lock_guard<std::mutex> lock(shared_->m);
    shared_->stopping = true;
  }
  shared_->wake.notify_all();
  for (auto& s : slots_)
    if (s->keeper.joinable())
      s->keeper.join();
  for (auto& s : slots_) {
    s->proc.stop();
    std::error_code ignored;
    std::filesystem::remove_all(states_dir(cfg_, s->index), ignored);
    s->phase = node_phase::stopped;
    s->rpc.reset();
    s->cgroup.reset();
  }
  slots_.clear();
  shared_.reset();
}

std::vector<node_info> cluster::nodes() const {
  std::vector<node_info> out;
  if (!shared_)
    return out;
  std::lock_guard<std::mutex> lock(shared_->m);
  for (auto& s : slots_) {
    if (s->removed)
      continue;
    node_info i;
    i.index = s->index;
    i.role = s->role;
    i.url = url_of(s->port);
    i.submit_url = url_of(slots_[0]->port);
    i.pid = s->proc.pid();
    i.phase = s->phase;
    i.head = s->head;
    i.restarts = s->restarts;
    i.cgroup = s->cgroup ? s->cgroup->path() : "";
    out.push_back(i);
  }
  return out;
}

std::string cluster::send_raw_transaction(int node, const std::string& raw_hex) {
  if (!find_slot(node))
    throw std::out_of_range("no node " + std::to_string(node));
  // Followers mine only what they import, so every transaction enters at
  // the sealer, whichever node it was sent to.
  return live_slots().front()->rpc->call_sync("eth_sendRawTransaction", json::array({raw_hex}))
    .get<std::string>();
}

void cluster::restart_node(int node) {
  auto* slot = find_slot(node);
  if (!slot)
    throw std::out_of_range("no node " + std::to_string(node));
  auto& n = *slot;
  {
    std::lock_guard<std::mutex> lock(shared_->m);
    // anvil keeps its chain in memory: a sealer without a follower in step
    // (none, or all restarting or catching up) holds the only copy, and
    // restarting it would start the chain over and lose every transaction
    // acknowledged on it. A running node is slow, not dead; a dead one its
    // keeper restarts anyway.
    // The same holds for blocks the sealer mined that no follower has yet:
    // restarted, it would recover the chain from a follower behind it.
    bool follower_in_step = false;
    for (auto& s : slots_)
      follower_in_step = follower_in_step
                         || (s.get() != &n && !s->removed && s->phase == node_phase::ready && s->head >= n.head);
    bool only_copy = n.role == node_role::sealer && !follower_in_step && n.proc.running();
    if (!only_copy) {
      n.restart_requested = true;
      return;
    }
  }
  emit("warn", "node " + std::to_string(node) + " is slow or stuck but running, and holds the only copy "
                 "of the chain (head " + std::to_string(n.head) + ", no follower in step): not restarting it");
}

bool cluster::wait_in_sync(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    bool all_ready = true;
    {
      std::lock_guard<std::mutex> lock(shared_->m);
      for (auto& s : slots_)
        all_ready = all_ready && (s->removed || s->phase == node_phase::ready);
    }
    if (all_ready) {
      try {
        // Quiet as well as equal: a transaction still in any pool (the
        // sealer's automine, a follower's forwarding) is about to move a head.
        bool quiet = true;
        auto live = live_slots();
        for (auto* s : live) {
          auto st = s->rpc->call_sync("txpool_status", json::array());
          quiet = quiet && st.at("pending") == "0x0" && st.at("queued") == "0x0";
        }
        std::vector<json> hashes;
        for (auto* s : live)
          hashes.push_back(s->rpc->call_sync("eth_getBlockByNumber",
                                             json::array({"latest", false}))
                             .at("hash"));
        if (quiet && std::all_of(hashes.begin(), hashes.end(),
                        [&](const json& h) { return h == hashes.front(); }))
          return true;
      } catch (const std::exception&) {
      }
    }
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

} // namespace petrade::devnet
