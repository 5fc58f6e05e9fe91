// The benchmark's load generator: thousands of concurrent HTTP/1.1 clients
// on one Asio thread (a keep-alive connection each, no thread each), each
// sending its share of requests one after the other, as the thesis's
// "N concurrent requests" experiment does. It runs in the bench process,
// never inside the platform it measures.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace petrade::bench {

struct request_spec {
  std::uint8_t op = 0;        // index into the mix's operation names
  std::string method = "GET";
  std::string target;
  std::string body;           // JSON, or empty
  std::string bearer;         // session token, or empty
  bool json_rpc = false;      // an answer carrying "error" is a failure
};

/// The request a client sends as its `index`-th (0-based); called on the
/// load thread, so it must not block.
using request_source = std::function<request_spec(std::size_t client, std::size_t index)>;

struct endpoint {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
};

struct load_plan {
  std::vector<endpoint> targets;    // client i talks to targets[i % size]
  std::size_t clients = 1;
  std::size_t per_client = 1;
  std::chrono::milliseconds timeout{120'000};   // per request
  std::chrono::milliseconds think{0};           // a client's pause between answer and next request
  std::string label;                // shown on the progress bar
  bool progress = true;             // draw the bar (only on a terminal)
  /// Sees every answer (status and body) on the load thread; must not block.
  /// The soak uses it to learn the task ids of acknowledged writes.
  std::function<void(const request_spec&, unsigned status, const std::string& body)> on_answer;
};

struct request_sample {
  std::uint8_t op = 0;
  bool ok = false;
  std::uint32_t micros = 0;   // from the request's start (connect included) to its answer
};

struct load_result {
  double seconds = 0;                          // first connect to last answer
  std::vector<request_sample> samples;
  std::map<std::string, std::size_t> failures; // "reason @op" → count
  std::map<std::string, std::string> examples; // the same key → the first such answer's start
  std::size_t failed() const;
};

/// Runs the plan to the end on the calling thread. Throws only on bad plans.
load_result run_load(const load_plan& plan, const request_source& source);

} // namespace petrade::bench
