#pragma once

namespace openhouse::runtime {

/// Blocks SIGINT and SIGTERM in the calling thread and every thread it starts
/// afterwards. Call first thing in main() so signals reach only the waiter.
void block_shutdown_signals();

/// Waits for SIGINT or SIGTERM (previously blocked) and returns its number.
int wait_for_shutdown_signal();

}  // namespace openhouse::runtime
