// A small command-line option reader shared by the subcommands: every bad
// value is reported with the option and the offending text.
#pragma once

#include "cli/commands.hpp"

#include <string>

namespace petrade::cli {

class option_parser {
public:
  option_parser(std::string command, const args& a) : command_(std::move(command)), args_(a) {}

  /// Advances to the next option; false at the end or after an error.
  bool next();
  bool is(const char* name) const { return current_ == name; }
  const std::string& current() const { return current_; }
  /// Positional arguments (not starting with "--") are collected here.
  const args& positional() const { return positional_; }

  std::string value();
  long long integer(long long lo, long long hi);
  double number(double lo, double hi);
  /// Reports the current option as unknown; returns the usage exit code (2).
  int unknown();
  bool failed() const { return failed_; }
  /// Prints "<command>: <message>" and marks the parse as failed.
  void error(const std::string& message);

private:
  std::string command_;
  const args& args_;
  std::size_t pos_ = 0;
  std::string current_;
  std::string inline_value_;
  bool has_inline_ = false;
  bool failed_ = false;
  args positional_;
};

} // namespace petrade::cli
