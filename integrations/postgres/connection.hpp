#pragma once

#include "integrations/postgres/unavailable.hpp"

#include <pqxx/pqxx>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace openhouse::postgres {

/// One PostgreSQL connection, opened lazily with its statements prepared; a
/// broken connection is dropped so that the next call reconnects. Shared by
/// the store, the outbox and the semantic store. Blocking (libpqxx).
class connection {
 public:
  /// Prepares a fresh connection's statements; may be null.
  using prepare_fn = void (*)(pqxx::connection&);

  explicit connection(std::string url, prepare_fn prepare = nullptr);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Runs `fn(pqxx::work&)` in one transaction and commits it; returns what
  /// `fn` returns. A broken connection becomes `unavailable`.
  template <class F>
  auto transact(F&& fn) {
    return run<pqxx::work>(std::forward<F>(fn));
  }

  /// Runs `fn(pqxx::nontransaction&)`: each statement commits on its own, with
  /// no BEGIN and COMMIT round trips. For work that is one statement (its
  /// data-modifying CTEs are atomic with it). A broken connection becomes
  /// `unavailable`.
  template <class F>
  auto autocommit(F&& fn) {
    return run<pqxx::nontransaction>(std::forward<F>(fn));
  }

 private:
  template <class Txn, class F>
  auto run(F&& fn) {
    auto& conn = open();
    try {
      Txn txn{conn};
      if constexpr (std::is_void_v<decltype(fn(txn))>) {
        fn(txn);
        txn.commit();
      } else {
        auto result = fn(txn);
        txn.commit();
        return result;
      }
    } catch (const pqxx::broken_connection& e) {
      conn_.reset();
      throw unavailable(e.what());
    } catch (const pqxx::sql_error& e) {
      // A server that ends the session (shutdown, a terminated backend)
      // reports it as an error of the statement it was running.
      if (!conn.is_open()) {
        conn_.reset();
        throw unavailable(e.what());
      }
      throw;
    }
  }

  pqxx::connection& open();

  std::string url_;
  prepare_fn prepare_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace openhouse::postgres
