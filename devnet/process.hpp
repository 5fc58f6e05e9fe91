// Child processes: spawn with an argument vector (no shell), signal, reap.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace petrade::devnet {

/// A child process owned by this object; the destructor kills and reaps it.
class child_process {
public:
  child_process() = default;
  /// Starts argv[0] (a path) with the arguments; stdout and stderr go to
  /// `log_path` (appended) or /dev/null when empty. Throws std::runtime_error.
  static child_process spawn(const std::vector<std::string>& argv,
                             const std::string& log_path = {});
  child_process(child_process&&) noexcept;
  child_process& operator=(child_process&&) noexcept;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process();

  pid_t pid() const { return pid_; }
  bool running();                       // reaps a dead child
  void signal(int sig) const;           // no-op once reaped
  /// SIGTERM, wait up to `grace`, then SIGKILL; always reaps.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
  std::optional<int> exit_status() const { return status_; }

private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

/// Runs a program (a path, or a name looked up on PATH) to completion and
/// returns its stdout; throws std::runtime_error with the program's stderr
/// when it exits non-zero.
std::string run_capture(const std::vector<std::string>& argv,
                        const std::string& stdin_text = {});

/// Whether something could bind 127.0.0.1:port right now.
bool port_free(unsigned short port);

/// A TCP port on 127.0.0.1 that was free a moment ago.
unsigned short free_port();

/// Waits until something accepts TCP connections on 127.0.0.1:port.
bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout);

} // namespace petrade::devnet
