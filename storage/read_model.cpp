#include "storage/read_model.hpp"

#include "protocol/eth/uint256.hpp"
#include "storage/database.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <cctype>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>

namespace petrade::storage {

namespace {

using json = nlohmann::json;
// Sums of uint256 amounts with a sign need more than 256 bits in general.
using bigint = boost::multiprecision::cpp_int;

constexpr const char* paused_key = "token/paused";
constexpr const char* indexed_key = "indexed";

std::string padded(std::uint64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llu", width, static_cast<unsigned long long>(v));
  return buf;
}

std::string project_key(std::uint64_t id) { return "project/" + padded(id, 20); }
std::string access_prefix(std::uint64_t id) { return "access/" + padded(id, 20) + "/"; }
std::string demand_key(std::uint64_t id) { return "demand/" + padded(id, 20); }
std::string answer_prefix(std::uint64_t id) { return "answer/" + padded(id, 20) + "/"; }
std::string bill_prefix(const std::string& addr) { return "bill/" + addr + "/"; }
std::string member_key(const std::string& addr) { return "member/" + addr; }
std::string hash_key(std::uint64_t n) { return "hash/" + padded(n, 12); }
std::string undo_key(std::uint64_t n) { return "undo/" + padded(n, 12); }

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<json> get_json(const database& db, column c, const std::string& key) {
  auto v = db.get(c, key);
  if (!v)
    return std::nullopt;
  return json::parse(*v);
}

std::vector<json> scan_json(const database& db, const std::string& prefix) {
  std::vector<json> out;
  db.for_each(column::read_models, prefix, [&](std::string_view, std::string_view v) {
    out.push_back(json::parse(v));
    return true;
  });
  return out;
}

// ---- event arguments: strict, so a malformed event never half-applies ------

std::string text_arg(const chain_event& e, const char* name) {
  auto it = e.args.find(name);
  if (it == e.args.end() || !it->is_string())
    throw std::invalid_argument(e.name + " has no text argument '" + name + "'");
  return it->get<std::string>();
}

std::string address_arg(const chain_event& e, const char* name) {
  return eth::address::parse(lower(text_arg(e, name))).hex();
}

std::string amount_arg(const chain_event& e, const char* name) {
  return eth::to_decimal(eth::parse_uint256(text_arg(e, name)));
}

std::uint64_t number_arg(const chain_event& e, const char* name) {
  auto v = eth::parse_uint256(text_arg(e, name));
  if (v > std::numeric_limits<std::uint64_t>::max())
    throw std::invalid_argument(e.name + "." + name + " does not fit 64 bits");
  return static_cast<std::uint64_t>(v);
}

std::string hash_arg(const chain_event& e, const char* name) { return lower(text_arg(e, name)); }

const std::string zero_address = eth::address{}.hex();

// ---- staging -----------------------------------------------------------------

/// A block's writes over the stored records: later events of the block see
/// earlier ones, and the first sight of each key remembers what it held, which
/// becomes the block's undo record.
class staging {
public:
  explicit staging(const database& db) : db_(db) {}

  std::optional<json> get(const std::string& key) const {
    if (auto it = next_.find(key); it != next_.end())
      return it->second ? std::optional<json>(json::parse(*it->second)) : std::nullopt;
    return get_json(db_, column::read_models, key);
  }

  void put(const std::string& key, const json& value) {
    if (!before_.count(key))
      before_[key] = db_.get(column::read_models, key);
    next_[key] = value.dump();
  }

  /// Applies `change` to the record at `key` if there is one: an event about
  /// something published before indexing began has nothing to update.
  template <class F>
  void update(const std::string& key, F change) {
    if (auto rec = get(key)) {
      change(*rec);
      put(key, *rec);
    }
  }

  void write_to(batch& out, json& undo_before) const {
    for (auto& [key, value] : next_) {
      if (value)
        out.put(column::read_models, key, *value);
      else
        out.erase(column::read_models, key);
    }
    for (auto& [key, value] : before_)
      undo_before[key] = value ? json(*value) : json(nullptr);
  }

private:
  const database& db_;
  std::map<std::string, std::optional<std::string>> next_;
  std::map<std::string, std::optional<std::string>> before_;
};

// ---- records from events -------------------------------------------------------

void apply_event(staging& s, const chain_event& e, const chain_tx& tx, const chain_block& b) {
  auto stamp = [&](json& rec) {
    rec["block"] = b.number;
    rec["tx"] = tx.hash;
  };
  if (e.name == "ProjectPublished") {
    auto id = number_arg(e, "id");
    json rec{{"id", id}, {"seller", address_arg(e, "seller")}, {"price", amount_arg(e, "price")},
             {"content_hash", hash_arg(e, "contentHash")},
             {"keywords_hash", hash_arg(e, "keywordsHash")},
             {"details_hash", hash_arg(e, "detailsHash")},
             {"visibility", number_arg(e, "visibility")}, {"listed", true},
             {"buyers", 0}, {"views", 0}, {"downloads", 0}};
    stamp(rec);
    s.put(project_key(id), rec);
  } else if (e.name == "ProjectPurchased") {
    auto id = number_arg(e, "id");
    json rec;
    stamp(rec);
    s.put(access_prefix(id) + address_arg(e, "buyer"), rec);
    s.update(project_key(id), [](json& p) { p["buyers"] = p.value("buyers", 0) + 1; });
  } else if (e.name == "ProjectViewed" || e.name == "ProjectDownloaded") {
    const char* field = e.name == "ProjectViewed" ? "views" : "downloads";
    s.update(project_key(number_arg(e, "id")),
             [field](json& p) { p[field] = p.value(field, 0) + 1; });
  } else if (e.name == "ProjectDelisted") {
    s.update(project_key(number_arg(e, "id")), [](json& p) { p["listed"] = false; });
  } else if (e.name == "DemandPublished") {
    auto id = number_arg(e, "id");
    json rec{{"id", id}, {"owner", address_arg(e, "owner")}, {"bounty", amount_arg(e, "bounty")},
             {"expiry", number_arg(e, "expiry")}, {"content_hash", hash_arg(e, "contentHash")},
             {"keywords_hash", hash_arg(e, "keywordsHash")}, {"state", "open"},
             {"answers", 0}, {"awarded_to", nullptr}};
    stamp(rec);
    s.put(demand_key(id), rec);
  } else if (e.name == "DemandAnswered") {
    auto id = number_arg(e, "id");
    auto index = number_arg(e, "index");
    json rec{{"demand", id}, {"index", index}, {"answerer", address_arg(e, "answerer")},
             {"content_hash", hash_arg(e, "contentHash")}};
    stamp(rec);
    s.put(answer_prefix(id) + padded(index, 6), rec);
    s.update(demand_key(id), [](json& d) { d["answers"] = d.value("answers", 0) + 1; });
  } else if (e.name == "DemandAwarded") {
    auto to = address_arg(e, "answerer");
    s.update(demand_key(number_arg(e, "id")), [&](json& d) {
      d["state"] = "awarded";
      d["awarded_to"] = to;
    });
  } else if (e.name == "DemandRefunded") {
    s.update(demand_key(number_arg(e, "id")), [](json& d) { d["state"] = "refunded"; });
  } else if (e.name == "Registered" || e.name == "Unregistered" || e.name == "Frozen"
             || e.name == "Unfrozen") {
    auto key = member_key(address_arg(e, "account"));
    auto rec = s.get(key).value_or(json{{"registered", false}, {"frozen", false}});
    if (e.name == "Registered" || e.name == "Unregistered")
      rec["registered"] = e.name == "Registered";
    else
      rec["frozen"] = e.name == "Frozen";
    s.put(key, rec);
  } else if (e.name == "Paused" || e.name == "Unpaused") {
    s.put(paused_key, json(e.name == "Paused"));
  }
  // Transfer, TopUp, ForcedTransfer and MarketSet only shape bills (below) or
  // change nothing a reader asks about.
}

/// What a Transfer was, read from the other events of its transaction.
struct movement {
  std::string out_kind = "transfer-out";
  std::string in_kind = "transfer-in";
  json ref = nullptr;
};

movement classify(const chain_tx& tx, const std::string& from, const std::string& to,
                  const std::string& value) {
  for (auto& e : tx.events) {
    if (e.name == "ForcedTransfer" && address_arg(e, "from") == from && address_arg(e, "to") == to)
      return {"recovery-out", "recovery-in", nullptr};
    if (e.name == "ProjectPurchased" && address_arg(e, "buyer") == from
        && address_arg(e, "seller") == to)
      return {"purchase", "sale", number_arg(e, "id")};
    if (e.name == "DemandPublished" && address_arg(e, "owner") == from
        && amount_arg(e, "bounty") == value)
      return {"escrow", "escrow", number_arg(e, "id")};
    if (e.name == "DemandRefunded" && address_arg(e, "owner") == to
        && amount_arg(e, "bounty") == value)
      return {"refund", "refund", number_arg(e, "id")};
    if (e.name == "DemandAwarded" && address_arg(e, "answerer") == to
        && amount_arg(e, "bounty") == value)
      return {"bounty", "bounty", number_arg(e, "id")};
  }
  if (from == zero_address)
    return {"top-up", "top-up", nullptr};   // the token mints only with a TopUp
  if (to == zero_address)
    return {"burn", "burn", nullptr};
  return {};
}

void apply_transfer(staging& s, const chain_event& e, const chain_tx& tx, const chain_block& b) {
  auto from = address_arg(e, "from");
  auto to = address_arg(e, "to");
  auto value = amount_arg(e, "value");
  auto m = classify(tx, from, to, value);
  auto entry = [&](const std::string& who, const std::string& kind, const std::string& amount,
                   const std::string& other) {
    json rec{{"kind", kind}, {"amount", amount}, {"block", b.number}, {"tx", tx.hash},
             {"ref", m.ref}, {"counterparty", other == zero_address ? json(nullptr) : json(other)},
             {"time", b.timestamp}};
    s.put(bill_prefix(who) + padded(b.number, 12) + "/" + padded(e.log_index, 6), rec);
  };
  if (from == to) {
    // Both sides would share one key; the entry shows the move and nets to zero.
    if (from != zero_address)
      entry(from, m.out_kind, "0", to);
    return;
  }
  if (from != zero_address)
    entry(from, m.out_kind, value == "0" ? "0" : "-" + value, to);
  if (to != zero_address)
    entry(to, m.in_kind, value, from);
}

} // namespace

void read_model::put_details(const std::string& hash, const json& details) {
  db_.put(column::read_models, "details/" + lower(hash), details.dump(), durability::sync);
}

std::optional<json> read_model::details(const std::string& hash) const {
  return get_json(db_, column::read_models, "details/" + lower(hash));
}

std::optional<json> read_model::project(std::uint64_t id) const {
  return get_json(db_, column::read_models, project_key(id));
}

std::vector<json> read_model::projects() const { return scan_json(db_, "project/"); }

bool read_model::has_access(std::uint64_t id, const eth::address& who) const {
  if (db_.contains(column::read_models, access_prefix(id) + who.hex()))
    return true;
  auto p = project(id);
  return p && p->value("seller", "") == who.hex();
}

std::vector<std::string> read_model::buyers(std::uint64_t id) const {
  std::vector<std::string> out;
  auto prefix = access_prefix(id);
  db_.for_each(column::read_models, prefix, [&](std::string_view key, std::string_view) {
    out.emplace_back(key.substr(prefix.size()));
    return true;
  });
  return out;
}

std::optional<json> read_model::demand(std::uint64_t id) const {
  return get_json(db_, column::read_models, demand_key(id));
}

std::vector<json> read_model::demands() const { return scan_json(db_, "demand/"); }

std::vector<json> read_model::answers(std::uint64_t id) const {
  return scan_json(db_, answer_prefix(id));
}

std::vector<json> read_model::bill(const eth::address& who) const {
  return scan_json(db_, bill_prefix(who.hex()));
}

std::string read_model::bill_total(const eth::address& who) const {
  bigint sum = 0;
  for (auto& e : bill(who)) {
    auto amount = e.at("amount").get<std::string>();
    bool negative = !amount.empty() && amount[0] == '-';
    sum += (negative ? -1 : 1) * bigint(eth::parse_uint256(negative ? amount.substr(1) : amount));
  }
  return sum.str();
}

std::optional<json> read_model::member(const eth::address& who) const {
  return get_json(db_, column::read_models, member_key(who.hex()));
}

bool read_model::paused() const {
  auto v = get_json(db_, column::read_models, paused_key);
  return v && v->is_boolean() && v->get<bool>();
}

// ---- indexer side --------------------------------------------------------------

std::uint64_t read_model::indexed_block() const {
  auto v = db_.get(column::checkpoint, indexed_key);
  return v ? std::stoull(*v) : 0;
}

std::optional<std::string> read_model::block_hash(std::uint64_t n) const {
  return db_.get(column::checkpoint, hash_key(n));
}

void read_model::apply(const chain_block& b) {
  if (b.number == 0)
    throw std::logic_error("read_model: the genesis block is never indexed");
  auto last = indexed_block();
  if (last != 0 && b.number != last + 1)
    throw std::logic_error("read_model: block " + std::to_string(b.number)
                           + " does not follow the indexed block " + std::to_string(last));
  if (auto parent = block_hash(b.number - 1); parent && lower(b.parent_hash) != *parent)
    throw std::logic_error("read_model: block " + std::to_string(b.number) + " has parent "
                           + b.parent_hash + ", not the indexed " + *parent);

  staging s(db_);
  for (auto& tx : b.txs)
    for (auto& e : tx.events) {
      if (e.name == "Transfer")
        apply_transfer(s, e, tx, b);
      else
        apply_event(s, e, tx, b);
    }

  batch out;
  json undo{{"hash", lower(b.hash)}, {"before", json::object()}};
  s.write_to(out, undo["before"]);
  out.put(column::checkpoint, hash_key(b.number), lower(b.hash));
  out.put(column::checkpoint, undo_key(b.number), undo.dump());
  out.put(column::checkpoint, indexed_key, std::to_string(b.number));
  if (b.number > undo_window) {
    out.erase(column::checkpoint, hash_key(b.number - undo_window));
    out.erase(column::checkpoint, undo_key(b.number - undo_window));
  }
  // Derived from the chain: a machine crash loses at most blocks to re-index.
  db_.write(out, durability::buffered);
}

std::optional<std::uint64_t> read_model::undo_last() {
  auto n = indexed_block();
  if (n == 0)
    return std::nullopt;
  auto rec = get_json(db_, column::checkpoint, undo_key(n));
  if (!rec)
    return std::nullopt;
  batch out;
  for (auto& [key, value] : rec->at("before").items()) {
    if (value.is_null())
      out.erase(column::read_models, key);
    else
      out.put(column::read_models, key, value.get<std::string>());
  }
  out.erase(column::checkpoint, hash_key(n));
  out.erase(column::checkpoint, undo_key(n));
  if (n == 1)
    out.erase(column::checkpoint, indexed_key);
  else
    out.put(column::checkpoint, indexed_key, std::to_string(n - 1));
  db_.write(out, durability::buffered);
  return n;
}

} // namespace petrade::storage
