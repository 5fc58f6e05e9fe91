// The geth_metrics probe: CPU and memory of a geth node from its Prometheus
// endpoint (`--metrics`, /debug/metrics/prometheus), fetched with an async
// HTTP GET on the io_runner's threads.
#pragma once

#include "actors/probe.hpp"
#include "actors/probes/prometheus.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace petrade::probes {

/// What a geth metrics page says about the process.
struct geth_reading {
  std::optional<double> cpu_seconds;   // cumulative CPU time (a counter)
  std::optional<double> cpu_cores;     // current load when no counter exists
  std::optional<double> mem_bytes;
};

/// Picks the process readings out of a metrics page: CPU from
/// system_cpu_procload_total (seconds, cumulative) or else the gauge
/// system_cpu_procload (percent of one core), or the standard
/// process_cpu_seconds_total; memory from system_memory_held (bytes the Go
/// runtime holds from the OS), else system_memory_used, else
/// process_resident_memory_bytes.
geth_reading read_geth_metrics(const prom_text& page);

/// Completes with the body of a 200 answer, or nullopt and why.
using http_get_callback = std::function<void(std::optional<std::string> body, std::string error)>;

/// GET `url` (plain http) on `runner`'s I/O threads; `done` runs once, on an
/// I/O thread, within about `timeout`.
void http_get(jsonrpc::io_runner& runner, const std::string& url, std::chrono::milliseconds timeout,
              http_get_callback done);

std::unique_ptr<probe> make_geth_metrics_probe(const probe_config& cfg, jsonrpc::io_runner& runner);

} // namespace petrade::probes
