#include "cli/options.hpp"

#include <iostream>

namespace petrade::cli {

bool option_parser::next() {
  while (!failed_ && pos_ < args_.size()) {
    const auto& a = args_[pos_++];
    if (a.rfind("--", 0) != 0 && a != "-h") {
      positional_.push_back(a);
      continue;
    }
    has_inline_ = false;
    auto eq = a.find('=');
    if (eq != std::string::npos) {
      current_ = a.substr(0, eq);
      inline_value_ = a.substr(eq + 1);
      has_inline_ = true;
    } else {
      current_ = a == "-h" ? "--help" : a;
    }
    return true;
  }
  return false;
}

void option_parser::error(const std::string& message) {
  if (!failed_)
    std::cerr << command_ << ": " << message << "\n";
  failed_ = true;
}

std::string option_parser::value() {
  if (has_inline_)
    return inline_value_;
  if (pos_ >= args_.size()) {
    error(current_ + " needs a value");
    return {};
  }
  return args_[pos_++];
}

long long option_parser::integer(long long lo, long long hi) {
  auto text = value();
  if (failed_)
    return lo;
  try {
    std::size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used == text.size() && v >= lo && v <= hi)
      return v;
  } catch (const std::exception&) {
  }
  error(current_ + " '" + text + "': expected an integer from " + std::to_string(lo)
        + " to " + std::to_string(hi));
  return lo;
}

double option_parser::number(double lo, double hi) {
  auto text = value();
  if (failed_)
    return lo;
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used == text.size() && v >= lo && v <= hi)
      return v;
  } catch (const std::exception&) {
  }
  error(current_ + " '" + text + "': expected a number from " + std::to_string(lo)
        + " to " + std::to_string(hi));
  return lo;
}

int option_parser::unknown() {
  error("unknown option '" + current_ + "' (see --help)");
  return 2;
}

} // namespace petrade::cli
