#include "integrations/llm/prompt_prefix.hpp"

#include "integrations/llm/model_router.hpp"

namespace openhouse::llm {

std::size_t prefix_tokens(const messages_request& request, std::size_t last) noexcept {
  std::size_t tokens = 0;
  for (std::size_t i = 0; i < request.system.size() && i <= last; ++i) {
    tokens += estimate_tokens(request.system[i].text);
  }
  return tokens;
}

bool apply_cache_marker(messages_request& request, std::size_t min_tokens) {
  std::size_t last = request.system.size();
  for (std::size_t i = 0; i < request.system.size(); ++i) {
    if (request.system[i].cache) last = i;
  }
  for (auto& block : request.system) block.cache = false;
  if (last == request.system.size()) return false;
  // A zero-token prefix is never worth a marker, whatever the minimum.
  const std::size_t tokens = prefix_tokens(request, last);
  if (tokens == 0 || tokens < min_tokens) return false;
  request.system[last].cache = true;
  return true;
}

}  // namespace openhouse::llm
