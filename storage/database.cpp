#include "storage/database.hpp"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace petrade::storage {

namespace {

constexpr const char* names[column_count] = {
  "journal", "idempotency", "nonces", "users", "sessions",
  "keystores", "files", "read_models", "checkpoint",
};

rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }
std::string_view view(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

/// The smallest string greater than every string starting with `prefix`, or
/// nothing when there is none (empty prefix or all bytes 0xff).
std::optional<std::string> successor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(s.back());
    if (last != 0xff) {
      ++last;
      return s;
    }
    s.pop_back();
  }
  return std::nullopt;
}

rocksdb::ColumnFamilyOptions family_options(std::string_view name) {
  rocksdb::ColumnFamilyOptions o;
  if (name == names[static_cast<int>(column::files)]) {
    // Attachments can be megabytes: keep large values out of the LSM tree so
    // compactions do not rewrite them.
    o.enable_blob_files = true;
    o.min_blob_size = 4096;
  }
  return o;
}

} // namespace

const char* column_name(column c) {
  auto i = static_cast<std::size_t>(c);
  return i < column_count ? names[i] : "?";
}

void batch::put(column c, std::string_view key, std::string_view value) {
  ops_.push_back({c, false, std::string(key), std::string(value)});
}

void batch::erase(column c, std::string_view key) {
  ops_.push_back({c, true, std::string(key), {}});
}

struct database::impl {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // every family opened
  rocksdb::ColumnFamilyHandle* by_column[column_count] = {};

  ~impl() {
    if (!db)
      return;
    for (auto* h : handles)
      db->DestroyColumnFamilyHandle(h);
    db->Close();
    delete db;
  }
};

namespace {

[[noreturn]] void fail(const std::string& path, const char* what, const rocksdb::Status& s) {
  throw storage_error("rocksdb " + std::string(what) + " '" + path + "': " + s.ToString());
}

rocksdb::WriteOptions write_options(durability d) {
  rocksdb::WriteOptions w;
  w.sync = d == durability::sync;
  return w;
}

} // namespace

database::database(std::string path) : path_(std::move(path)), impl_(std::make_unique<impl>()) {
  std::error_code ec;
  std::filesystem::create_directories(path_, ec);
  if (ec)
    throw storage_error("rocksdb open '" + path_ + "': cannot create directory: " + ec.message());

  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.keep_log_file_num = 4;

  // Families already on disk (a newer version may have added some) must all
  // be named when opening; a database that does not exist yet has none.
  std::vector<std::string> existing;
  if (!rocksdb::DB::ListColumnFamilies(options, path_, &existing).ok())
    existing.clear();
  std::vector<std::string> wanted = {rocksdb::kDefaultColumnFamilyName};
  wanted.insert(wanted.end(), std::begin(names), std::end(names));
  for (auto& name : existing)
    if (std::find(wanted.begin(), wanted.end(), name) == wanted.end())
      wanted.push_back(name);

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (auto& name : wanted)
    descriptors.emplace_back(name, family_options(name));
  auto s = rocksdb::DB::Open(options, path_, descriptors, &impl_->handles, &impl_->db);
  if (!s.ok()) {
    impl_->db = nullptr;
    fail(path_, "open", s);
  }
  for (std::size_t i = 0; i < column_count; ++i)
    impl_->by_column[i] = impl_->handles[i + 1];  // [0] is "default"
}

database::~database() = default;

namespace {

rocksdb::ColumnFamilyHandle* handle(rocksdb::ColumnFamilyHandle* const* all, column c) {
  auto i = static_cast<std::size_t>(c);
  if (i >= column_count)
    throw std::invalid_argument("storage: unknown column " + std::to_string(i));
  return all[i];
}

} // namespace

std::optional<std::string> database::get(column c, std::string_view key) const {
  std::string value;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), handle(impl_->by_column, c), slice(key), &value);
  if (s.IsNotFound())
    return std::nullopt;
  if (!s.ok())
    fail(path_, "get", s);
  return value;
}

bool database::contains(column c, std::string_view key) const {
  return get(c, key).has_value();
}

void database::put(column c, std::string_view key, std::string_view value, durability d) {
  auto s = impl_->db->Put(write_options(d), handle(impl_->by_column, c), slice(key), slice(value));
  if (!s.ok())
    fail(path_, "put", s);
}

void database::erase(column c, std::string_view key, durability d) {
  auto s = impl_->db->Delete(write_options(d), handle(impl_->by_column, c), slice(key));
  if (!s.ok())
    fail(path_, "delete", s);
}

void database::write(const batch& b, durability d) {
  if (b.empty())
    return;
  rocksdb::WriteBatch wb;
  for (auto& op : b.ops_) {
    auto* h = handle(impl_->by_column, op.col);
    auto s = op.erase ? wb.Delete(h, slice(op.key)) : wb.Put(h, slice(op.key), slice(op.value));
    if (!s.ok())
      fail(path_, "batch", s);
  }
  auto s = impl_->db->Write(write_options(d), &wb);
  if (!s.ok())
    fail(path_, "write batch", s);
}

void database::for_each(column c, std::string_view prefix, const visitor& visit,
                        std::string_view start) const {
  auto bound = successor(prefix);
  rocksdb::Slice upper;
  rocksdb::ReadOptions ro;
  if (bound) {
    upper = slice(*bound);
    ro.iterate_upper_bound = &upper;
  }
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro, handle(impl_->by_column, c)));
  it->Seek(slice(std::max(prefix, start)));
  for (; it->Valid(); it->Next()) {
    auto key = view(it->key());
    if (!key.starts_with(prefix) || !visit(key, view(it->value())))
      break;
  }
  if (!it->status().ok())
    fail(path_, "iterate", it->status());
}

std::optional<std::pair<std::string, std::string>> database::last_with_prefix(
  column c, std::string_view prefix) const {
  std::unique_ptr<rocksdb::Iterator> it(
    impl_->db->NewIterator(rocksdb::ReadOptions(), handle(impl_->by_column, c)));
  if (auto bound = successor(prefix)) {
    it->SeekForPrev(slice(*bound));
    if (it->Valid() && view(it->key()) == *bound)
      it->Prev();
  } else {
    it->SeekToLast();
  }
  if (!it->status().ok())
    fail(path_, "iterate", it->status());
  if (!it->Valid() || !view(it->key()).starts_with(prefix))
    return std::nullopt;
  return std::make_pair(it->key().ToString(), it->value().ToString());
}

std::vector<std::pair<std::string, std::string>> database::scan(
  column c, std::string_view prefix, std::size_t limit) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (limit == 0)
    return out;
  for_each(c, prefix, [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return out.size() < limit;
  });
  return out;
}

} // namespace petrade::storage
