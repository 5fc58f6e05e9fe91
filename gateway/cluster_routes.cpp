#include "gateway/cluster_routes.hpp"

#include "gateway/auth.hpp"
#include "gateway/metrics.hpp"
#include "protocol/messages.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <nlohmann/json.hpp>

#include <mutex>

namespace petrade::gateway {

using json = nlohmann::json;

namespace {

std::uint64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

using status_texts = std::function<void(std::string, std::string, std::string)>;

/// Asks the supervisor, the dispatcher and (when there is one) the
/// transaction manager for their status, then calls `done` with the three
/// JSON texts as they came (an absent one as "").
void gather(const std::shared_ptr<gateway_context>& ctx, bool with_tx, status_texts done,
            std::function<void(std::string)> fail) {
  auto& b = ctx->bridge;
  auto timeout = std::chrono::milliseconds(5000);
  b.status(b.handles().supervisor, timeout, [ctx, with_tx, done, fail, timeout](std::string sup) {
    auto& b = ctx->bridge;
    b.status(b.handles().dispatcher, timeout, [ctx, with_tx, done, fail, sup, timeout](std::string dis) {
      auto& b = ctx->bridge;
      if (!with_tx || !b.handles().tx_manager)
        return done(sup, dis, "");
      // A manager that does not answer shows as status_up 0, not as absent.
      b.status(b.handles().tx_manager, timeout, [done, sup, dis](std::string tx) { done(sup, dis, tx); },
               [done, sup, dis](std::string) { done(sup, dis, "unanswered"); });
    }, fail);
  }, fail);
}

std::string cluster_json(const std::string& supervisor, const std::string& dispatcher) {
  auto j = json::parse(supervisor);
  j["dispatcher"] = json::parse(dispatcher);
  j["at_ms"] = unix_ms();
  return j.dump();
}

} // namespace

struct cluster_feed {
  std::mutex mutex;
  std::vector<std::shared_ptr<event_sink>> sinks;
  bool ticking = false;
  bool stopped = false;
};

namespace {

void tick(std::shared_ptr<gateway_context> ctx, std::shared_ptr<cluster_feed> feed,
          std::chrono::milliseconds interval);

/// The next tick after `delay`; ticks after it come every `interval`.
void schedule(std::shared_ptr<gateway_context> ctx, std::shared_ptr<cluster_feed> feed,
              std::chrono::milliseconds delay, std::chrono::milliseconds interval) {
  ctx->bridge.system().spawn([ctx, feed, delay, interval](caf::event_based_actor* self) {
    self->delayed_send(self, delay, tick_atom_v);
    return caf::behavior{[=](tick_atom) {
      tick(ctx, feed, interval);
      self->quit();
    }};
  });
}

void tick(std::shared_ptr<gateway_context> ctx, std::shared_ptr<cluster_feed> feed,
          std::chrono::milliseconds interval) {
  auto publish = [ctx, feed, interval](std::string sup, std::string dis, std::string) {
    auto text = cluster_json(sup, dis);
    std::lock_guard lock{feed->mutex};
    std::erase_if(feed->sinks, [&](auto& s) { return !s->push("cluster", text); });
    if (feed->sinks.empty() || feed->stopped) {
      feed->ticking = false;
      return;
    }
    schedule(ctx, feed, interval, interval);
  };
  gather(ctx, false, publish, [ctx, feed, interval](std::string) {
    std::lock_guard lock{feed->mutex};
    if (feed->stopped) {
      feed->ticking = false;
      return;
    }
    schedule(ctx, feed, interval, interval);
  });
}

} // namespace

void stop_feed(const std::shared_ptr<cluster_feed>& feed) {
  std::lock_guard lock{feed->mutex};
  feed->stopped = true;
  feed->sinks.clear();
}

std::shared_ptr<cluster_feed> add_cluster_routes(router& r, std::shared_ptr<gateway_context> ctx,
                                                 std::chrono::milliseconds interval,
                                                 std::string metrics_token) {
  auto feed = std::make_shared<cluster_feed>();
  auto unavailable = [](std::shared_ptr<exchange> ex) {
    return [ex](std::string why) {
      ex->reply(error_response(ex->req, http::status::service_unavailable, "unavailable",
                               "the cluster status is not available: " + why));
    };
  };
  r.add("GET", "/api/cluster", [ctx, unavailable](std::shared_ptr<exchange> ex, path_params) {
    authorize(*ctx, ex, access::admin, [ctx, ex, unavailable](identity) {
      gather(ctx, false, [ex](std::string sup, std::string dis, std::string) {
        ex->reply(json_response(ex->req, http::status::ok, cluster_json(sup, dis)));
      }, unavailable(ex));
    });
  });
  r.add("GET", "/api/cluster/stream", [ctx, feed, interval](std::shared_ptr<exchange> ex, path_params) {
    authorize(*ctx, ex, access::admin, [ctx, ex, feed, interval](identity) {
      auto sink = ex->open_stream();
      if (!sink)
        return;
      std::lock_guard lock{feed->mutex};
      if (feed->stopped)
        return;
      feed->sinks.push_back(sink);
      if (!feed->ticking) {
        feed->ticking = true;
        schedule(ctx, feed, std::chrono::milliseconds(1), interval);
      }
    });
  });
  r.add("GET", "/metrics", [ctx, unavailable, token = std::move(metrics_token)](std::shared_ptr<exchange> ex,
                                                                                 path_params) {
    if (!token.empty() && ex->req[http::field::authorization] != "Bearer " + token)
      return ex->reply(error_response(ex->req, http::status::unauthorized, "unauthenticated",
                                      "/metrics needs the metrics bearer token"));
    gather(ctx, true, [ex, ctx](std::string sup, std::string dis, std::string tx) {
      auto reply = [ex, sup, dis, tx](std::string worker) {
        response r{http::status::ok, ex->req.version()};
        r.set(http::field::content_type, boost::beast::string_view(metrics_content_type.data(), metrics_content_type.size()));
        r.keep_alive(ex->req.keep_alive());
        r.body() = render_metrics(sup, dis, tx, worker);
        ex->reply(std::move(r));
      };
      // A link to a worker process answers "attached" or "connecting";
      // business actors in this process answer "in-process": no worker.
      auto& b = ctx->bridge;
      if (!b.handles().business)
        return reply("");
      b.status(b.handles().business, std::chrono::milliseconds(2000), reply,
               [reply](std::string) { reply(""); });
    }, unavailable(ex));
  });
  return feed;
}

} // namespace petrade::gateway
