// The `petrade` subcommands. Each takes the arguments after its name and
// returns the process exit code; usage errors print a message naming the
// offending value and return 2.
#pragma once

#include <string>
#include <vector>

namespace petrade::cli {

using args = std::vector<std::string>;

int account_command(const args& a);   // account new|list|import
int devnet_command(const args& a);    // devnet --nodes N --base-port P
int up_command(const args& a);        // the platform on the devnet or external nodes
int status_command(const args& a);    // a running platform's cluster state
int node_command(const args& a);      // add, remove, cordon nodes of a running platform
int worker_command(const args& a);   // the business actors in their own process
int bench_command(const args& a);    // the thesis experiment and its baselines
int soak_command(const args& a);     // the chaos soak: faults under load, nothing lost

} // namespace petrade::cli
