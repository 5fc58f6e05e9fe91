// The elastic pool's hands (issue 10): what "grow" and "shrink" mean for
// this platform. With the embedded devnet a new node is a devnet follower
// and any follower may go; with external nodes (Kubernetes) the operator's
// grow command makes a node and prints its URL, and only nodes the pool
// made go, newest first, as a StatefulSet scales down from its last pod.
#include "actors/platform_impl.hpp"

#include "devnet/process.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

namespace petrade {

namespace {

using json = nlohmann::json;

std::vector<std::string> with_values(std::vector<std::string> argv,
                                     const std::map<std::string, std::string>& values) {
  for (auto& a : argv)
    for (auto& [key, value] : values)
      for (auto at = a.find(key); at != std::string::npos; at = a.find(key, at + value.size()))
        a.replace(at, key.size(), value);
  return argv;
}

// A node operation's JSON answer as a pool change, and the node's name.
std::pair<pool_change, std::string> change_of(const std::string& answer, const std::string& done) {
  auto j = json::parse(answer, nullptr, false);
  if (!j.is_object())
    return {{false, answer}, ""};
  if (j.contains("error"))
    return {{false, j["error"].get<std::string>()}, ""};
  auto name = j.value("name", std::string("?"));
  return {{true, name + " " + done}, name};
}

// The grow command's last non-empty line: a URL, or a node spec as JSON.
std::string node_spec(const std::string& output) {
  std::istringstream lines(output);
  std::string line, last;
  while (std::getline(lines, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos)
      last = line;
  last.erase(last.find_last_not_of(" \t\r") + 1);
  last.erase(0, last.find_first_not_of(" \t"));
  if (last.empty())
    throw std::runtime_error("the grow command printed no node URL");
  return last.front() == '{' ? last : json{{"url", last}}.dump();
}

} // namespace

void platform::impl::arm_pool(supervisor_config& c, platform* owner) {
  if (!cfg.supervisor.elastic.enabled)
    return;
  auto& e = cfg.supervisor.elastic;
  if (!net && e.grow_command.empty())
    throw std::runtime_error("elastic.grow_command is needed to grow a pool of external nodes "
                             "(e.g. kubectl scale; see docs/operations.md)");
  c.log = [this](const std::string& level, const std::string& text) { emit(level, "supervisor", text); };
  c.removable = [this](std::uint32_t id) {
    std::lock_guard<std::mutex> lock(nodes_mutex);
    auto it = nodes.find(id);
    if (it == nodes.end())
      return false;
    if (net)
      return it->second.devnet_index > 0;   // 0 is the sealer
    return !pool_made.empty() && pool_made.back() == it->second.cfg.name;
  };
  const std::string joins = "added; it takes work once it has caught up";
  c.grow = [this, owner, joins]() -> pool_change {
    if (net)
      return change_of(owner->add_node(R"({"devnet": true})"), joins).first;
    std::size_t count;
    {
      std::lock_guard<std::mutex> lock(nodes_mutex);
      count = nodes.size() + 1;
    }
    auto& e = cfg.supervisor.elastic;
    auto spec = node_spec(devnet::run_capture(with_values(e.grow_command, {{"{count}", std::to_string(count)}})));
    auto [answer, name] = change_of(owner->add_node(spec), joins);
    if (answer.ok) {
      std::lock_guard<std::mutex> lock(nodes_mutex);
      pool_made.push_back(name);
    } else {   // give back what the command made
      auto url = json::parse(spec).value("url", std::string());
      devnet::run_capture(with_values(e.shrink_command, {{"{count}", std::to_string(count - 1)},
                                                         {"{name}", ""}, {"{url}", url}}));
    }
    return answer;
  };
  c.shrink = [this, owner](std::uint32_t id) -> pool_change {
    std::string name, url;
    std::size_t count;
    {
      std::lock_guard<std::mutex> lock(nodes_mutex);
      auto it = nodes.find(id);
      if (it == nodes.end())
        return {false, "node " + std::to_string(id) + " is gone"};
      name = it->second.cfg.name;
      url = it->second.cfg.url;
      count = nodes.size() - 1;
    }
    auto answer = change_of(owner->remove_node(std::to_string(id)), "drained and removed").first;
    if (answer.ok && !net) {
      {
        std::lock_guard<std::mutex> lock(nodes_mutex);
        if (!pool_made.empty() && pool_made.back() == name)
          pool_made.pop_back();
      }
      auto& e = cfg.supervisor.elastic;
      devnet::run_capture(with_values(e.shrink_command, {{"{count}", std::to_string(count)},
                                                         {"{name}", name}, {"{url}", url}}));
    }
    return answer;
  };
}

} // namespace petrade
