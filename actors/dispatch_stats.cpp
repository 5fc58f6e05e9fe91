#include "actors/dispatch_stats.hpp"

namespace petrade {

void latency_histogram::observe(double seconds) {
  if (!(seconds >= 0))   // negative or NaN would corrupt _sum; count it as instant
    seconds = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i)
    if (seconds <= bounds[i])
      ++cumulative[i];
  sum += seconds;
  ++count;
}

const char* to_string(task_outcome o) {
  switch (o) {
    case task_outcome::ok: return "ok";
    case task_outcome::rpc_error: return "rpc_error";
    case task_outcome::unreachable: return "unreachable";
    case task_outcome::busy: return "busy";
    case task_outcome::invalid: return "invalid";
  }
  return "?";
}

task_outcome outcome_of(task_error e) {
  switch (e) {
    case task_error::none: return task_outcome::ok;
    case task_error::rpc: return task_outcome::rpc_error;
    case task_error::unreachable: return task_outcome::unreachable;
    case task_error::busy: return task_outcome::busy;
    case task_error::invalid: return task_outcome::invalid;
  }
  return task_outcome::invalid;
}

void task_tally::add(task_kind k, task_error e) {
  auto i = static_cast<std::size_t>(k);
  if (i < task_kind_count)
    ++n[i][static_cast<std::size_t>(outcome_of(e))];
}

} // namespace petrade
