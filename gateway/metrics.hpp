// The text of /metrics (design §9): Prometheus text exposition format 0.0.4
// rendered from the status documents the actors already answer with, so a
// scrape costs three (status_atom) requests and no extra state anywhere.
//
// Families (all prefixed petrade_; node labels are node names, e.g. "node1"):
//   cluster:  lbh, health_margin, r_bar, max_head
//   per node: node_state{dimension}, node_zone (1/2/3), node_in_zone{zone},
//             node_reachable, node_admitted, node_head, node_load,
//             node_lag_blocks, node_cpu_cores, node_memory_bytes,
//             node_rpc_latency_ewma_seconds, node_error_rate,
//             node_open_calls, node_restarts_total, node_repair_info{phase},
//             node_inflight, node_latency_seconds (histogram)
//   dispatcher: mailbox_depth{kind}, mailbox_capacity{kind},
//             tasks_total{kind,outcome}, dispatcher_paused,
//             dispatcher_waiting, dispatcher_retries_total
//   transactions: tx_pending, tx_by_state{state}, tx_replaced_total,
//             tx_rebroadcast_total, tx_mined_total, tx_confirmed_total,
//             tx_failed_total, tx_confirmations
//   status_up{source}: whether each status document could be read.
#pragma once

#include <string>
#include <string_view>

namespace petrade::gateway {

/// The Content-Type of a /metrics answer.
inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

/// Renders /metrics from the JSON texts of the supervisor's, the
/// dispatcher's and the transaction manager's (status_atom) answers.
/// `tx_manager` empty or "null" means there is none (no journal): its
/// families and its status_up line are left out. A document that is not a
/// JSON object (unreadable, or the request failed and the caller passes "")
/// drops its families and shows as status_up 0; the rest still renders.
/// `worker` is the business link's status ("attached" or "connecting") when
/// the business actors run in a worker process; anything else (in-process
/// actors, no business layer) leaves petrade_worker_attached out.
std::string render_metrics(std::string_view supervisor, std::string_view dispatcher,
                           std::string_view tx_manager, std::string_view worker = {});

/// A label value as the text format quotes it: backslash, double quote and
/// line feed escaped.
std::string escape_label_value(std::string_view v);

} // namespace petrade::gateway
