// Passwords for keystores: from a file or typed on standard input, never from
// the command line. Held in a string that is wiped when it goes away.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace petrade::cli {

/// A password (or other secret text) wiped with OPENSSL_cleanse on
/// destruction. Move-only so no stray copy outlives it.
class secret_string {
public:
  secret_string() = default;
  explicit secret_string(std::string s) : value_(std::move(s)) {}
  secret_string(secret_string&& other) noexcept;
  secret_string& operator=(secret_string&& other) noexcept;
  secret_string(const secret_string&) = delete;
  secret_string& operator=(const secret_string&) = delete;
  ~secret_string();

  const std::string& str() const { return value_; }
  std::string& str() { return value_; }
  bool empty() const { return value_.empty(); }

private:
  std::string value_;
};

/// The first line of `path` without its line ending ("\n" or "\r\n").
/// Throws std::runtime_error naming the file (never its content).
secret_string read_password_file(const std::string& path);

/// One line from `in` without its line ending. When `in` is std::cin and
/// standard input is a terminal, `prompt` goes to stderr and echo is off.
/// Returns nullopt at end of input.
std::optional<secret_string> read_password_line(std::istream& in, const std::string& prompt);

/// The password for a command: from `password_file` if given, else one line
/// of standard input, or two identical lines when `confirm` is set (new
/// keys). Throws std::runtime_error when input ends early, the confirmation
/// differs, or (with `refuse_empty`) the password is empty.
secret_string obtain_password(const std::optional<std::string>& password_file, bool confirm,
                              bool refuse_empty);

} // namespace petrade::cli
