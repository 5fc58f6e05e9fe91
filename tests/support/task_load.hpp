// A load of tasks fired at once: every read at the dispatcher, every write
// at the transaction manager (which signs, journals, acknowledges and follows
// it), with every answer collected, failures included.
#pragma once

#include "protocol/messages.hpp"
#include "protocol/task.hpp"
#include "protocol/write_request.hpp"

#include <caf/all.hpp>

#include <future>
#include <memory>
#include <vector>

namespace petrade::test {

struct load_outcome {
  std::vector<task_result> reads;
  std::vector<write_status> writes;
};

// Fires every read (at the dispatcher) and every write (at the transaction
// manager, which signs, journals, acknowledges and follows it) at once, and
// collects the answers.
inline caf::behavior load_driver(caf::event_based_actor* self, caf::actor dispatcher, caf::actor txm,
                          std::vector<task> reads, std::vector<write_request> writes,
                          std::promise<load_outcome>* done) {
  auto out = std::make_shared<load_outcome>();
  auto left = std::make_shared<std::size_t>(reads.size() + writes.size());
  auto one_done = [=] {
    if (--*left == 0) {
      done->set_value(*out);
      self->quit();
    }
  };
  for (auto& t : reads)
    self->request(dispatcher, std::chrono::seconds(60), submit_atom_v, t)
      .then([=](task_result r) { out->reads.push_back(std::move(r)); one_done(); },
            [=](caf::error& e) {
              task_result r;
              r.id = t.id;
              r.error = task_error::unreachable;
              r.message = to_string(e);
              out->reads.push_back(r);
              one_done();
            });
  for (auto& w : writes)
    self->request(txm, std::chrono::seconds(60), submit_atom_v, w)
      .then([=](write_status s) { out->writes.push_back(std::move(s)); one_done(); },
            [=](caf::error& e) {
              write_status s;
              s.state = "error";
              s.error = to_string(e);
              out->writes.push_back(s);
              one_done();
            });
  return {[](tick_atom) {}};
}

} // namespace petrade::test
