// Keystore files and directories, following geth's layout: one file per key,
// named UTC--<time>--<address>, mode 0600, in a directory of mode 0700.
#include "protocol/eth/keystore.hpp"

#include "protocol/eth/hex.hpp"
#include "protocol/eth/keystore_crypto.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace petrade::eth {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t max_keystore_size = 64 * 1024;

std::runtime_error os_error(const std::string& what, int err) {
  return std::runtime_error(what + ": " + std::strerror(err));
}

void write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    auto n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      throw os_error("cannot write " + path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

} // namespace

std::string keystore_file_name(const address& account,
                               std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  auto since_epoch = when.time_since_epoch();
  auto secs = duration_cast<seconds>(since_epoch);
  auto nanos = duration_cast<nanoseconds>(since_epoch - secs).count();
  if (nanos < 0) {   // times before 1970 round towards the earlier second
    secs -= seconds(1);
    nanos += 1'000'000'000;
  }
  std::time_t t = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "UTC--%04d-%02d-%02dT%02d-%02d-%02d.%09lldZ--",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                tm.tm_sec, static_cast<long long>(nanos));
  return buf + to_hex(account.view(), false);
}

std::string write_keystore_file(const std::string& dir, std::string_view json_text,
                                const address& account) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec)
      throw std::runtime_error("cannot create keystore directory " + dir + ": "
                               + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
  } else if (!fs::is_directory(dir, ec)) {
    throw std::runtime_error("keystore path " + dir + " is not a directory");
  }

  auto name = keystore_file_name(account);
  auto final_path = (fs::path(dir) / name).string();
  auto tmp_path = (fs::path(dir) / ("." + name + ".tmp-"
                                    + to_hex(keystore_detail::random_bytes(4), false)))
                    .string();

  int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw os_error("cannot create " + tmp_path, errno);
  try {
    write_all(fd, json_text, tmp_path);
    write_all(fd, "\n", tmp_path);
    if (::fsync(fd) != 0)
      throw os_error("cannot sync " + tmp_path, errno);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp_path.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp_path.c_str());
    throw os_error("cannot write " + tmp_path, err);
  }
  // link() refuses to replace an existing file, unlike rename().
  if (::link(tmp_path.c_str(), final_path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp_path.c_str());
    throw os_error("cannot create " + final_path, err);
  }
  ::unlink(tmp_path.c_str());
  return final_path;
}

keystore_listing list_keystores(const std::string& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec)
    throw std::runtime_error("cannot read keystore directory " + dir + ": " + ec.message());

  keystore_listing out;
  std::vector<fs::path> files;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec)
      throw std::runtime_error("cannot read keystore directory " + dir + ": "
                               + ec.message());
    const auto& path = it->path();
    if (path.filename().string().starts_with("."))
      continue;   // our temporaries, editor swap files, ...
    std::error_code sec;
    if (it->is_directory(sec))
      continue;
    if (!it->is_regular_file(sec)) {
      out.warnings.push_back(path.string() + ": not a regular file");
      continue;
    }
    files.push_back(path);
  }
  std::sort(files.begin(), files.end());

  for (const auto& path : files) {
    std::error_code sec;
    auto size = fs::file_size(path, sec);
    if (sec) {
      out.warnings.push_back(path.string() + ": " + sec.message());
      continue;
    }
    if (size > max_keystore_size) {
      out.warnings.push_back(path.string() + ": too large to be a keystore");
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      out.warnings.push_back(path.string() + ": cannot be read");
      continue;
    }
    try {
      auto info = inspect_keystore(text.str());
      out.entries.push_back({info.account, path.string()});
    } catch (const std::exception& e) {
      out.warnings.push_back(path.string() + ": not a keystore (" + e.what() + ")");
    }
  }
  return out;
}

} // namespace petrade::eth
