#include "cli/password.hpp"

#include "protocol/eth/keystore.hpp"

#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <stdexcept>

namespace petrade::cli {

namespace {

constexpr std::size_t max_password_file = 64 * 1024;

void strip_line_end(std::string& s) {
  if (!s.empty() && s.back() == '\n')
    s.pop_back();
  if (!s.empty() && s.back() == '\r')
    s.pop_back();
}

// Turns terminal echo off for its lifetime (when stdin is a terminal).
class echo_off {
public:
  echo_off() {
    if (::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~echo_off() {
    if (active_) {
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
      std::cerr << "\n";
    }
  }
  echo_off(const echo_off&) = delete;
  echo_off& operator=(const echo_off&) = delete;

private:
  termios saved_{};
  bool active_ = false;
};

} // namespace

// Copy, then wipe the source: a moved-from std::string may keep the bytes in
// its small-string buffer.
secret_string::secret_string(secret_string&& other) noexcept : value_(other.value_) {
  eth::wipe_secret(other.value_);
}

secret_string& secret_string::operator=(secret_string&& other) noexcept {
  if (this != &other) {
    eth::wipe_secret(value_);
    value_ = other.value_;
    eth::wipe_secret(other.value_);
  }
  return *this;
}

secret_string::~secret_string() {
  eth::wipe_secret(value_);
}

secret_string read_password_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot open password file '" + path + "'");
  secret_string line;
  line.str().reserve(1024);   // fewer reallocations leaving copies behind
  char ch;
  std::size_t read = 0;
  while (in.get(ch) && ch != '\n') {
    if (++read > max_password_file)
      throw std::runtime_error("password file '" + path + "' has an overlong first line");
    line.str().push_back(ch);
  }
  if (in.bad())
    throw std::runtime_error("cannot read password file '" + path + "'");
  strip_line_end(line.str());
  return line;
}

std::optional<secret_string> read_password_line(std::istream& in, const std::string& prompt) {
  const bool terminal = &in == &std::cin && ::isatty(STDIN_FILENO);
  if (terminal)
    std::cerr << prompt << std::flush;
  secret_string line;
  line.str().reserve(1024);
  {
    std::optional<echo_off> quiet;
    if (terminal)
      quiet.emplace();
    if (!std::getline(in, line.str()))
      return std::nullopt;
  }
  strip_line_end(line.str());
  return line;
}

secret_string obtain_password(const std::optional<std::string>& password_file, bool confirm,
                              bool refuse_empty) {
  secret_string pw;
  if (password_file) {
    pw = read_password_file(*password_file);
  } else {
    auto first = read_password_line(std::cin, "Password: ");
    if (!first)
      throw std::runtime_error("no password on standard input "
                               "(type it, pipe it in, or use --password-file FILE)");
    if (confirm) {
      auto second = read_password_line(std::cin, "Repeat password: ");
      if (!second)
        throw std::runtime_error("no password confirmation on standard input "
                                 "(a new password is read twice)");
      if (second->str() != first->str())
        throw std::runtime_error("passwords do not match");
    }
    pw = std::move(*first);
  }
  if (refuse_empty && pw.empty())
    throw std::runtime_error("refusing an empty password for a new keystore");
  return pw;
}

} // namespace petrade::cli
