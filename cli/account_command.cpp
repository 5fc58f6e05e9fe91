#include "cli/commands.hpp"

#include <iostream>

namespace petrade::cli {

int account_command(const args&) {
  std::cerr << "petrade account: not built yet\n";
  return 1;
}

} // namespace petrade::cli
