#pragma once

namespace openhouse::http {

/// Runs curl_global_init once per process, before the first easy handle.
/// curl_global_init is not thread-safe: every curl user of the process (the
/// LLM transport, the outbound client) must go through this one flag. It is
/// never undone: curl_global_cleanup at exit would race other users.
void init_curl_once();

}  // namespace openhouse::http
