// Nodes added to and removed from a running devnet (issue 10). A new
// follower gets the next index and port and its own keeper, like the ones
// started with the cluster; a removed one's keeper ends and its process stops.
#include "devnet/cluster_slots.hpp"

#include <filesystem>

namespace petrade::devnet {

std::vector<cluster::node_slot*> cluster::live_slots() const {
  std::vector<node_slot*> out;
  if (!shared_)
    return out;
  std::lock_guard<std::mutex> lock(shared_->m);
  for (auto& s : slots_)
    if (!s->removed)
      out.push_back(s.get());
  return out;
}

cluster::node_slot* cluster::find_slot(int node) const {
  for (auto* s : live_slots())
    if (s->index == node)
      return s;
  return nullptr;
}

node_info cluster::add_follower() {
  if (!shared_ || shared_->stopping)
    throw std::runtime_error("the devnet is not running");
  auto s = std::make_unique<node_slot>();
  {
    std::lock_guard<std::mutex> lock(shared_->m);
    s->index = static_cast<int>(slots_.size());
  }
  s->role = node_role::follower;
  s->port = static_cast<unsigned short>(cfg_.base_port + s->index);
  if (!port_free(s->port))
    throw std::runtime_error("port " + std::to_string(s->port) + " (node " + std::to_string(s->index)
                             + ") is in use");
  std::string why;
  s->cgroup = node_cgroup::create("petrade-" + std::to_string(s->port), cfg_.quota_of(s->index), &why);
  jsonrpc::client_options opts;
  opts.default_timeout = call_timeout;
  opts.max_connections = 4;
  s->rpc = jsonrpc::client::create(shared_->io, url_of(s->port), opts);
  auto* slot = s.get();
  {
    std::lock_guard<std::mutex> lock(shared_->m);
    slots_.push_back(std::move(s));
  }
  slot->keeper = std::thread([this, slot] { keep(*slot); });
  if (!wait_for_port(slot->port, std::chrono::seconds(30))) {
    remove_node(slot->index);
    throw std::runtime_error("the new node " + std::to_string(slot->index) + " did not open port "
                             + std::to_string(slot->port) + "; see " + cfg_.data_dir + "/node"
                             + std::to_string(slot->index) + ".log");
  }
  emit("info", "node " + std::to_string(slot->index) + " added on port " + std::to_string(slot->port)
                 + "; it imports the chain from the sealer");
  for (auto& i : nodes())
    if (i.index == slot->index)
      return i;
  throw std::runtime_error("the new node vanished");
}

void cluster::remove_node(int node) {
  auto* slot = find_slot(node);
  if (!slot)
    throw std::invalid_argument("the devnet has no node " + std::to_string(node));
  if (slot->role == node_role::sealer)
    throw std::invalid_argument("node " + std::to_string(node)
                                + " is the devnet's sealer, the only node that mines: it cannot be removed");
  {
    std::lock_guard<std::mutex> lock(shared_->m);
    slot->removed = true;
  }
  shared_->wake.notify_all();
  if (slot->keeper.joinable())
    slot->keeper.join();
  {
    std::lock_guard<std::mutex> lock(shared_->m);
    slot->proc.stop();
    slot->phase = node_phase::stopped;
  }
  std::error_code ignored;
  std::filesystem::remove_all(states_dir(cfg_, node), ignored);
  emit("info", "node " + std::to_string(node) + " removed");
}

} // namespace petrade::devnet
