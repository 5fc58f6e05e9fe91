#include "actors/nonce_allocator.hpp"

#include "storage/nonce_index.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace petrade {

nonce_allocator::sender_state& nonce_allocator::state_of(const eth::address& sender) const {
  std::lock_guard lock(map_mutex_);
  auto& slot = senders_[sender];
  if (!slot)
    slot = std::make_unique<sender_state>();
  return *slot;   // never erased: the reference stays valid
}

bool nonce_allocator::knows(const eth::address& sender) const {
  auto& s = state_of(sender);
  std::lock_guard lock(s.m);
  return s.loaded;
}

void nonce_allocator::load(sender_state& s, const eth::address& sender,
                           std::uint64_t node_pending) {
  storage::nonce_index index(db_);
  s.fresh = node_pending;
  s.free.clear();
  if (auto highest = index.highest(sender)) {
    s.fresh = std::max(node_pending, *highest + 1);
    // Nonces between the node's count and our high-water mark that no task
    // holds were reserved but never journalled (or released on disk).
    for (auto n : index.gaps(sender, node_pending, *highest))
      s.free.insert(n);
  }
  s.loaded = true;
}

void nonce_allocator::observe(sender_state& s, std::uint64_t node_pending) {
  s.fresh = std::max(s.fresh, node_pending);
  s.free.erase(s.free.begin(), s.free.lower_bound(node_pending));
}

std::uint64_t nonce_allocator::take(sender_state& s) {
  if (!s.free.empty()) {
    auto n = *s.free.begin();
    s.free.erase(s.free.begin());
    return n;
  }
  return s.fresh++;
}

std::uint64_t nonce_allocator::next(const eth::address& sender, std::uint64_t node_pending) {
  auto& s = state_of(sender);
  std::lock_guard lock(s.m);
  if (!s.loaded)
    load(s, sender, node_pending);
  else
    observe(s, node_pending);
  return take(s);
}

std::uint64_t nonce_allocator::next(const eth::address& sender,
                                    const std::function<std::uint64_t()>& node_pending) {
  auto& s = state_of(sender);
  std::lock_guard lock(s.m);
  if (!s.loaded)
    load(s, sender, node_pending());
  return take(s);
}

void nonce_allocator::release(const eth::address& sender, std::uint64_t nonce) {
  auto& s = state_of(sender);
  std::lock_guard lock(s.m);
  if (!s.loaded)
    return;   // not used since start-up: load() finds the gap on disk, if any
  if (nonce >= s.fresh)
    throw std::invalid_argument("nonce_allocator: nonce " + std::to_string(nonce) + " of "
                                + sender.hex() + " was never handed out");
  s.free.insert(nonce);
}

std::vector<std::uint64_t> nonce_allocator::gaps(const eth::address& sender) const {
  auto& s = state_of(sender);
  std::lock_guard lock(s.m);
  return {s.free.begin(), s.free.end()};
}

} // namespace petrade
