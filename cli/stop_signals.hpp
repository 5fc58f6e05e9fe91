// Long-running commands stop on SIGINT, SIGTERM or SIGHUP, taken
// synchronously so shutdown runs on the main thread in order.
#pragma once

#include <string>

namespace petrade::cli {

/// Blocks the stop signals in this thread and every thread started after;
/// call before starting any.
void block_stop_signals();
/// Waits for one and returns its name.
std::string wait_for_stop_signal();

} // namespace petrade::cli
