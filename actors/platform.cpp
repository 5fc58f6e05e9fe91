#include "actors/platform.hpp"

#include "actors/platform_impl.hpp"

#include "actors/business_link.hpp"
#include "actors/external_nodes.hpp"
#include "actors/market_deployment.hpp"
#include "actors/node_actor.hpp"
#include "actors/system_config.hpp"
#include "actors/tx_manager.hpp"
#include "devnet/devnet.hpp"
#include "devnet/process.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "protocol/eth/key.hpp"
#include "protocol/messages.hpp"
#include "protocol/node_ops.hpp"
#include "storage/database.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace petrade {

namespace {

// The published face of the platform: status for operators, submit for
// remote producers of tasks. It holds no state of its own.
caf::behavior control_behavior(caf::event_based_actor* self, platform* plat, caf::actor supervisor,
                               caf::actor dispatcher, caf::actor tx, caf::actor business) {
  return {
    // Node operations block (a devnet node starts, a node drains): they run
    // on a thread of their own, not on the scheduler's two.
    [=](join_atom, std::string& spec) {
      return off_scheduler(self, [plat, spec] { return plat->add_node(spec); });
    },
    [=](leave_atom, std::string& node) {
      return off_scheduler(self, [plat, node] { return plat->remove_node(node); });
    },
    [=](cordon_atom, std::string& node, bool on) {
      return off_scheduler(self, [plat, node, on] { return plat->cordon_node(node, on); });
    },
    [=](call_atom, business_call& c) -> caf::result<caf::message> {
      if (!business) {
        business_reply r;
        r.error = business_error::unavailable;
        r.message = "this platform runs no business layer";
        return caf::make_message(r);
      }
      return self->delegate(business, call_atom_v, std::move(c));
    },
    [=](submit_atom, write_request& w) -> caf::result<caf::message> {
      if (!tx)
        return caf::make_message(
          write_status{0, "unavailable", "", 0, 0, "this platform runs no transaction manager"});
      return self->delegate(tx, submit_atom_v, std::move(w));
    },
    [=](unlock_atom, std::string& address, std::string& secret) -> caf::result<caf::message> {
      if (!tx)
        return caf::make_error(caf::sec::invalid_argument, "no transaction manager");
      return self->delegate(tx, unlock_atom_v, std::move(address), std::move(secret));
    },
    [=](import_atom, std::string& keystore) -> caf::result<caf::message> {
      if (!tx)
        return caf::make_error(caf::sec::invalid_argument, "no transaction manager");
      return self->delegate(tx, import_atom_v, std::move(keystore));
    },
    [=](open_atom, std::string& address, std::string& password) -> caf::result<caf::message> {
      if (!tx)
        return caf::make_error(caf::sec::invalid_argument, "no transaction manager");
      return self->delegate(tx, open_atom_v, std::move(address), std::move(password));
    },
    [=](status_atom, std::uint64_t task_id) -> caf::result<caf::message> {
      if (!tx)
        return caf::make_message(write_status{task_id, "unknown", "", 0, 0, "no transaction manager"});
      return self->delegate(tx, status_atom_v, task_id);
    },
    [=](status_atom) -> caf::result<std::string> {
      auto rp = self->make_response_promise<std::string>();
      self->request(supervisor, std::chrono::seconds(5), status_atom_v)
        .then(
          [=](const std::string& sup) mutable {
            self->request(dispatcher, std::chrono::seconds(5), status_atom_v)
              .then(
                [=](const std::string& disp) mutable {
                  nlohmann::json j;
                  j["cluster"] = nlohmann::json::parse(sup);
                  j["dispatcher"] = nlohmann::json::parse(disp);
                  rp.deliver(j.dump());
                },
                [=](caf::error& e) mutable { rp.deliver(e); });
          },
          [=](caf::error& e) mutable { rp.deliver(e); });
      return rp;
    },
    [=](submit_atom, task& t) { return self->delegate(dispatcher, submit_atom_v, std::move(t)); },
  };
}

} // namespace

platform::platform(platform_config cfg, platform_log log) : impl_(std::make_unique<impl>()) {
  impl_->cfg = std::move(cfg);
  impl_->log = std::move(log);
}

platform::~platform() {
  stop();
}

void platform::start() {
  auto& m = *impl_;
  m.io = std::make_shared<jsonrpc::io_runner>(m.cfg.io_threads);
  m.load_layout();
  std::vector<std::pair<external_node, int>> nodes;   // with the devnet index
  for (auto& e : m.cfg.external)
    nodes.emplace_back(e, -1);
  if (m.cfg.devnet) {
    m.net = std::make_unique<devnet::cluster>(
      *m.cfg.devnet, [this](const std::string& level, const std::string& text) {
        impl_->emit(level, "devnet", text);
      });
    m.net->start();
    nodes.clear();
    for (auto& n : m.net->nodes())
      nodes.emplace_back(m.devnet_node(n), n.index);
  }
  if (nodes.empty())
    throw std::runtime_error("no nodes: configure the devnet or external endpoints");
  if (!m.net) {   // writes are signed for the chain the nodes are on
    std::vector<external_node> endpoints;
    for (auto& [e, index] : nodes)
      endpoints.push_back(e);
    m.cfg.dispatcher.chain_id = agreed_chain_id(*m.io, endpoints, [this](const std::string& why) {
      impl_->emit("warn", "platform", why);
    });
  }

  m.sys = std::make_unique<caf::actor_system>(m.sys_cfg);
  m.dispatcher = spawn_dispatcher(*m.sys, m.cfg.dispatcher);
  for (std::uint32_t i = 0; i < nodes.size(); ++i)
    m.nodes[i] = platform_node{m.node_config(i, nodes[i].first, nodes[i].second), nullptr,
                               nodes[i].second, nodes[i].first};
  auto sup_cfg = m.cfg.supervisor;
  sup_cfg.respawn = [this](std::uint32_t node) -> caf::actor {
    auto& m = *impl_;
    std::lock_guard<std::mutex> lock(m.nodes_mutex);
    auto it = m.nodes.find(node);
    if (it == m.nodes.end() || !m.started)
      return nullptr;
    m.emit("warn", "supervisor", "node actor " + std::to_string(node) + " died; respawning");
    it->second.actor = spawn_node_actor(*m.sys, it->second.cfg);
    return it->second.actor;
  };
  m.arm_pool(sup_cfg, this);
  m.supervisor = spawn_supervisor(*m.sys, sup_cfg, m.dispatcher);
  for (auto& [id, n] : m.nodes) {
    n.actor = spawn_node_actor(*m.sys, n.cfg);
    caf::anon_send(m.supervisor, attach_atom_v, id, n.actor);
    if (m.cordoned.count(n.cfg.name))
      caf::anon_send(m.supervisor, cordon_atom_v, id, true);
  }
  if (!m.cfg.db_path.empty()) {
    tx_manager_config t;
    set_aside_if_stale();
    m.db = std::make_unique<storage::database>(m.cfg.db_path);
    t.db = m.db.get();
    t.dispatcher = m.dispatcher;
    t.chain_id = m.cfg.dispatcher.chain_id ? m.cfg.dispatcher.chain_id : t.chain_id;
    t.confirmations = m.cfg.confirmations;
    t.stuck_timeout = m.cfg.stuck_timeout;
    t.rpc_timeout = m.cfg.node_call_timeout;
    t.log = [this](const std::string& level, const std::string& text) {
      impl_->emit(level, "tx_manager", text);
    };
    m.tx = spawn_tx_manager(*m.sys, t);
  }
  if (m.cfg.business)
    start_business();
  m.control = m.sys->spawn(control_behavior, this, m.supervisor, m.dispatcher, m.tx, m.business);
  if (m.cfg.control_port) {
    // reuse: a platform restarted after a crash must get its port back while
    // the dead one's connections linger in TIME_WAIT.
    auto port = m.sys->middleman().publish(m.control, m.cfg.control_port, "127.0.0.1", true);
    if (!port)
      throw std::runtime_error("cannot publish the control actor on 127.0.0.1:"
                               + std::to_string(m.cfg.control_port) + ": "
                               + m.sys->render(port.error()));
    m.bound_port = *port;
  }
  m.started = true;
}

void platform::stop() {
  auto& m = *impl_;
  if (!m.sys)
    return;
  m.started = false;
  {
    // Scoped: ~actor_system below waits for every actor, this one included.
    caf::scoped_actor self{*m.sys};
    if (m.bound_port)
      m.sys->middleman().unpublish(m.control, m.bound_port);
    for (auto* a : {&m.control, &m.business, &m.tx, &m.supervisor, &m.dispatcher})
      if (*a)
        self->send_exit(*a, caf::exit_reason::user_shutdown);
    std::lock_guard<std::mutex> lock(m.nodes_mutex);
    for (auto& [id, n] : m.nodes)
      if (n.actor)
        self->send_exit(n.actor, caf::exit_reason::user_shutdown);
  }
  m.control = m.business = m.tx = m.supervisor = m.dispatcher = nullptr;
  {
    std::lock_guard<std::mutex> lock(m.nodes_mutex);
    m.nodes.clear();
  }
  m.sys.reset();   // waits for the actors
  m.db.reset();
  m.io.reset();
  m.net.reset();   // stops the nodes last: nothing talks to them any more
}

void platform::set_aside_if_stale() {
  // The embedded devnet starts a new chain every time; a database from an
  // earlier run describes a chain that is gone (its nonces would leave gaps
  // nothing can fill), so it is kept beside the new one, not reused.
  namespace fs = std::filesystem;
  auto& m = *impl_;
  std::error_code ec;
  if (!m.net || !fs::is_directory(m.cfg.db_path, ec) || fs::is_empty(m.cfg.db_path, ec))
    return;
  auto previous = m.cfg.db_path + ".previous";
  fs::remove_all(previous, ec);
  fs::rename(m.cfg.db_path, previous, ec);
  if (ec)
    throw std::runtime_error("cannot move the previous run's database " + m.cfg.db_path + " aside: " + ec.message());
  m.emit("warn", "platform", "the devnet is a new chain: the previous run's database is now " + previous);
}

void platform::start_business() {
  auto& m = *impl_;
  if (!m.tx)
    throw std::runtime_error("the business layer needs the transaction manager (transactions.journal)");
  auto key = eth::private_key::from_hex(m.cfg.platform_key);
  caf::scoped_actor self{*m.sys};
  std::string failure;
  self->request(m.tx, std::chrono::seconds(30), unlock_atom_v, key.address().hex(), m.cfg.platform_key)
    .receive([](std::string&) {}, [&](caf::error& e) { failure = m.sys->render(e); });
  if (!failure.empty())
    throw std::runtime_error("cannot register the platform key: " + failure);
  auto log = [this](const std::string& level, const std::string& text) {
    impl_->emit(level, "market", text);
  };
  chain::access chain{m.dispatcher, m.tx, m.cfg.business->call_timeout};
  auto market = ensure_market(*m.sys, chain, *m.db, key.address(), std::chrono::seconds(120), log);
  m.market_json = to_json(market);
  if (m.cfg.worker_port) {
    business_link_config lc;
    lc.host = m.cfg.worker_host;
    lc.port = m.cfg.worker_port;
    lc.dispatcher = m.dispatcher;
    lc.tx_manager = m.tx;
    lc.market_json = m.market_json;
    lc.call_timeout = m.cfg.business->call_timeout;
    lc.log = [this](const std::string& level, const std::string& text) {
      impl_->emit(level, "business_link", text);
    };
    m.business = spawn_business_link(*m.sys, lc);
    return;
  }
  auto settings = *m.cfg.business;
  settings.node_names.clear();   // the nodes actually started (--nodes may differ)
  for (auto& [id, n] : m.nodes)
    settings.node_names.push_back(n.cfg.name);
  m.business = spawn_business_host(
    *m.sys, *m.db, std::move(settings),
    [this](const std::string& level, const std::string& component, const std::string& text) {
      impl_->emit(level, component, text);
    });
  self->request(m.business, std::chrono::seconds(30), attach_atom_v, m.dispatcher, m.tx, m.market_json)
    .receive([](std::string&) {}, [&](caf::error& e) { failure = m.sys->render(e); });
  if (!failure.empty())
    throw std::runtime_error("cannot start the business actors: " + failure);
}

const caf::actor& platform::business() const {
  return impl_->business;
}

std::string platform::market_json() const {
  return impl_->market_json;
}

caf::actor_system& platform::system() {
  return *impl_->sys;
}

const caf::actor& platform::dispatcher() const {
  return impl_->dispatcher;
}

const caf::actor& platform::supervisor() const {
  return impl_->supervisor;
}

const caf::actor& platform::control() const {
  return impl_->control;
}

const caf::actor& platform::tx_manager() const {
  return impl_->tx;
}

unsigned short platform::control_port() const {
  return impl_->bound_port;
}

std::vector<std::string> platform::node_urls() const {
  std::vector<std::string> out;
  std::lock_guard<std::mutex> lock(impl_->nodes_mutex);
  for (auto& [id, n] : impl_->nodes)
    out.push_back(n.cfg.url);
  return out;
}

devnet::cluster* platform::embedded_devnet() {
  return impl_->net.get();
}

std::string platform::status_json() {
  caf::scoped_actor self{*impl_->sys};
  std::string out;
  self->request(impl_->control, std::chrono::seconds(10), status_atom_v)
    .receive([&](const std::string& s) { out = s; },
             [&](caf::error& e) {
               throw std::runtime_error("status: " + impl_->sys->render(e));
             });
  return out;
}

std::string ask_platform(unsigned short port, const caf::message& request, std::chrono::milliseconds timeout) {
  system_config cfg;
  cfg.set("scheduler.max-threads", 1);
  caf::actor_system sys{cfg};
  auto control = sys.middleman().remote_actor("127.0.0.1", port);
  if (!control)
    throw std::runtime_error("no petrade platform answers on 127.0.0.1:" + std::to_string(port)
                             + " (" + sys.render(control.error()) + ")");
  caf::scoped_actor self{sys};
  std::string out;
  std::string failure;
  self->request(*control, timeout, request)
    .receive([&](const std::string& s) { out = s; },
             [&](caf::error& e) { failure = sys.render(e); });
  if (!failure.empty())
    throw std::runtime_error("the platform on port " + std::to_string(port)
                             + " did not answer: " + failure);
  return out;
}

std::string fetch_status(unsigned short port, std::chrono::milliseconds timeout) {
  return ask_platform(port, caf::make_message(status_atom_v), timeout);
}

} // namespace petrade
