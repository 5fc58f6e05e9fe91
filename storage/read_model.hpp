// The chain-derived read models (design §6, §8): what the contracts' events
// say about projects, demands, members and every address's bill, kept as JSON
// records in the `read_models` column so actors answer queries without a
// chain round trip. Only the indexer writes them (apply / undo_last), except
// the off-chain details, which the project and demand actors store before
// they publish the hash that names them.
//
// Records (addresses lower-case 0x hex, amounts decimal strings, ids and block
// numbers zero-padded in keys so that a prefix scan comes out in order):
//   project/<id %020>                    {id, seller, price, content_hash,
//       keywords_hash, details_hash, visibility, listed, block, tx, buyers,
//       views, downloads}
//   access/<id %020>/<addr>              {block, tx}, one per buyer
//   demand/<id %020>                     {id, owner, bounty, expiry,
//       content_hash, keywords_hash, state, answers, awarded_to, block, tx}
//   answer/<id %020>/<index %06>         {demand, index, answerer,
//       content_hash, block, tx}
//   bill/<addr>/<block %012>/<log %06>   {kind, amount, block, tx, ref,
//       counterparty, time}
//   member/<addr>                        {registered, frozen}
//   token/paused                         true | false
//   details/<hash>                       any JSON
// In the `checkpoint` column: "indexed" (the last block applied), and per
// applied block "hash/<n %012>" and "undo/<n %012>" (each touched key's
// value before the block), kept for the last `undo_window` blocks.
//
// Bills come from PetToken Transfer events only, so an address's bill always
// sums to its token balance; the other events of the same transaction say
// what kind of movement it was.
#pragma once

#include "protocol/eth/address.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace petrade::storage {

class database;

/// One decoded contract event. `args` maps each event input's name to its
/// value: addresses as lower-case 0x hex, integers as decimal strings,
/// bytes as 0x hex, booleans as booleans.
struct chain_event {
  std::string name;   // "Transfer", "ProjectPurchased", ...
  nlohmann::json args = nlohmann::json::object();
  std::uint64_t log_index = 0;
};

/// The events one transaction emitted from the indexed contracts, in log order.
struct chain_tx {
  std::string hash;
  std::vector<chain_event> events;
};

/// One block as the indexer saw it; `txs` in block order, empty when no
/// indexed contract emitted anything in it.
struct chain_block {
  std::uint64_t number = 0;
  std::string hash;
  std::string parent_hash;
  std::uint64_t timestamp = 0;
  std::vector<chain_tx> txs;
};

class read_model {
public:
  /// Blocks that can be undone; older undo records are pruned as blocks come.
  static constexpr std::uint64_t undo_window = 1024;

  /// `db` must outlive this object. Stateless apart from the reference, so
  /// any number of read_models over one database can be used from any threads.
  explicit read_model(database& db) : db_(db) {}

  // ---- off-chain details ---------------------------------------------------
  /// Stored durably (sync) before the caller puts `hash` on chain.
  void put_details(const std::string& hash, const nlohmann::json& details);
  std::optional<nlohmann::json> details(const std::string& hash) const;

  // ---- projects --------------------------------------------------------------
  std::optional<nlohmann::json> project(std::uint64_t id) const;
  std::vector<nlohmann::json> projects() const;   // ascending by id
  /// Whether `who` may read the project: a buyer, or its seller (as the
  /// contract's hasAccess says).
  bool has_access(std::uint64_t id, const eth::address& who) const;
  std::vector<std::string> buyers(std::uint64_t id) const;   // in address order

  // ---- demands ---------------------------------------------------------------
  std::optional<nlohmann::json> demand(std::uint64_t id) const;
  std::vector<nlohmann::json> demands() const;    // ascending by id
  std::vector<nlohmann::json> answers(std::uint64_t id) const;   // by index

  // ---- token -----------------------------------------------------------------
  std::vector<nlohmann::json> bill(const eth::address& who) const;   // oldest first
  /// The signed decimal sum of the bill's amounts: the token balance as of
  /// indexed_block().
  std::string bill_total(const eth::address& who) const;
  std::optional<nlohmann::json> member(const eth::address& who) const;
  bool paused() const;

  // ---- indexer side ----------------------------------------------------------
  /// The last block fully applied; 0 when none.
  std::uint64_t indexed_block() const;
  /// The hash applied for block `n`, while it is within the undo window.
  std::optional<std::string> block_hash(std::uint64_t n) const;
  /// Applies the block's records, its hash, its undo record and the new
  /// checkpoint in one batch. The block must follow indexed_block() (any
  /// number when nothing is indexed yet) and name its hash as parent when that
  /// hash is known; otherwise std::logic_error. Malformed event arguments
  /// throw std::invalid_argument and leave the store untouched.
  void apply(const chain_block& block);
  /// Restores every key the last applied block touched, in one batch, and
  /// moves the checkpoint one block back. Returns the block undone, or
  /// nothing when no block is indexed or its undo record was pruned.
  std::optional<std::uint64_t> undo_last();

private:
  database& db_;
};

} // namespace petrade::storage
