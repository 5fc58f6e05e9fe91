#include "actors/business_worker.hpp"

#include "actors/system_config.hpp"
#include "protocol/messages.hpp"
#include "storage/database.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

namespace petrade {

struct business_worker::impl {
  business_settings settings;
  worker_settings where;
  log_fn log;
  system_config sys_cfg;
  std::unique_ptr<storage::database> db;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor host;
  unsigned short port = 0;
};

business_worker::business_worker(business_settings settings, worker_settings where, log_fn log)
  : impl_(std::make_unique<impl>()) {
  impl_->settings = std::move(settings);
  impl_->settings.in_worker = true;
  impl_->where = std::move(where);
  impl_->log = std::move(log);
}

business_worker::~business_worker() {
  stop();
}

void business_worker::start() {
  auto& m = *impl_;
  m.db = std::make_unique<storage::database>(m.where.database);
  m.sys = std::make_unique<caf::actor_system>(m.sys_cfg);
  m.host = spawn_business_host(*m.sys, *m.db, m.settings, m.log);
  // reuse: a worker restarted after a crash gets its port back at once.
  auto port = m.sys->middleman().publish(m.host, m.where.port, m.where.bind.c_str(), true);
  if (!port)
    throw std::runtime_error("cannot publish the business host on " + m.where.bind + ":" +
                             std::to_string(m.where.port) + ": " + m.sys->render(port.error()));
  m.port = *port;
  if (m.log)
    m.log("info", "worker", "business host published on " + m.where.bind + ":" + std::to_string(m.port) +
                              "; waiting for a platform to attach");
}

void business_worker::stop() {
  auto& m = *impl_;
  if (!m.sys)
    return;
  {
    caf::scoped_actor self{*m.sys};
    m.sys->middleman().unpublish(m.host, m.port);
    self->send_exit(m.host, caf::exit_reason::user_shutdown);
  }
  m.host = nullptr;
  m.sys.reset();
  m.db.reset();
}

unsigned short business_worker::port() const {
  return impl_->port;
}

} // namespace petrade
