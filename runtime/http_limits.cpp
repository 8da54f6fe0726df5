#include "runtime/http_limits.hpp"

#include <array>

namespace openhouse::runtime {

http::server_options front_server_options(const config::server_settings& s,
                                          const std::shared_ptr<metrics>& m) {
  http::server_options out;
  out.address = s.bind_address;
  out.port = s.port;
  out.io_threads = s.io_threads;
  out.max_body_bytes = s.max_body_bytes;
  out.max_header_bytes = s.max_header_bytes;
  out.max_connections = s.max_connections;
  out.idle_timeout = s.idle_timeout;
  out.header_timeout = s.header_timeout;
  out.body_timeout = s.body_timeout;
  if (!m) return out;
  auto& family = prometheus::BuildCounter()
                     .Name("openhouse_http_connection_events_total")
                     .Help(
                         "Connections the HTTP front closed or could not take, by event "
                         "(evicted, refused, accept_failed, idle_timeout, header_timeout, "
                         "body_timeout, header_too_large)")
                     .Register(m->registry());
  // Looked up once: the I/O threads only increment.
  constexpr std::array events{http::server_event::evicted,         http::server_event::refused,
                              http::server_event::accept_failed,   http::server_event::idle_timeout,
                              http::server_event::header_timeout,  http::server_event::body_timeout,
                              http::server_event::header_too_large};
  auto counters = std::make_shared<std::array<prometheus::Counter*, events.size()>>();
  for (std::size_t i = 0; i < events.size(); ++i) {
    (*counters)[i] = &family.Add({{"event", http::to_string(events[i])}});
  }
  // The metrics object outlives the server (both belong to the node); the
  // shared pointer keeps it so regardless.
  out.on_event = [m, counters](http::server_event e) {
    (*counters)[static_cast<std::size_t>(e)]->Increment();
  };
  return out;
}

}  // namespace openhouse::runtime
