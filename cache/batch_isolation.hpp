#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

/// Writing a batch of rows when one bad row must not block the others: the
/// semantic writer's policy, as plain functions (no actor, no database).
namespace openhouse::cache {

/// How one attempt to write a run of rows ended.
enum class write_outcome {
  written,      ///< every row of the run is stored
  refused,      ///< the database refused the data (a row it cannot take); nothing stored
  unavailable,  ///< the database did not answer (or failed for a reason not in the data)
};

/// What became of each row of a batch.
enum class row_fate {
  written,  ///< stored
  refused,  ///< refused on its own: drop it, retrying cannot help
  kept,     ///< not tried, or tried while the database was unavailable: try again later
};

/// Writes rows [0, count) through `write(first, n)`, which writes the run
/// [first, first + n) all or nothing. The whole batch goes first; a refused
/// run is halved and each half written in turn, so k bad rows among n cost
/// about 2·k·log2(n) extra attempts and every good row lands. A row refused
/// alone is refused. An `unavailable` answer stops at once: what was not
/// written or refused by then is kept. Returns each row's fate, by index.
[[nodiscard]] std::vector<row_fate> write_isolating(
    std::size_t count, const std::function<write_outcome(std::size_t first, std::size_t n)>& write);

/// The wait before the next attempt after `failures` attempts in a row that
/// found the database unavailable (1 for the first): `base` doubled for each
/// further failure, at most `cap`. 0 failures: no wait.
[[nodiscard]] std::chrono::milliseconds retry_backoff(int failures, std::chrono::milliseconds base,
                                                      std::chrono::milliseconds cap);

}  // namespace openhouse::cache
