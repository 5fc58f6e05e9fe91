#include "cli/commands.hpp"

#include <iostream>

namespace petrade::cli {

int devnet_command(const args&) {
  std::cerr << "petrade devnet: not built yet\n";
  return 1;
}

} // namespace petrade::cli
