#include "cli/stop_signals.hpp"

#include <signal.h>

namespace petrade::cli {

namespace {

sigset_t stop_set() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGTERM);
  sigaddset(&s, SIGHUP);
  return s;
}

} // namespace

void block_stop_signals() {
  auto s = stop_set();
  pthread_sigmask(SIG_BLOCK, &s, nullptr);
}

std::string wait_for_stop_signal() {
  auto s = stop_set();
  int sig = 0;
  sigwait(&s, &sig);
  return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
}

} // namespace petrade::cli
