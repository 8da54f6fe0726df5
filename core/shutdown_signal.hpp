#pragma once

#include <chrono>
#include <optional>

namespace openhouse::runtime {

/// Blocks SIGINT and SIGTERM in the calling thread and every thread it starts
/// afterwards. Call first thing in main() so signals reach only the waiter.
void block_shutdown_signals();

/// Waits for SIGINT or SIGTERM (previously blocked) and returns its number.
int wait_for_shutdown_signal();

/// As wait_for_shutdown_signal(), but for at most `timeout`: nullopt when
/// none came. A drain waits out its delay here, so that a second signal (an
/// operator who does not want to wait) ends the delay at once.
std::optional<int> wait_for_shutdown_signal_for(std::chrono::milliseconds timeout);

}  // namespace openhouse::runtime
