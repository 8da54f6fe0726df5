#include "cache/remote_embedder.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace openhouse::cache {

namespace {

void normalise(std::vector<float>& vector) {
  double norm = 0;
  for (const float v : vector) norm += static_cast<double>(v) * v;
  if (norm <= 0) return;
  const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
  for (auto& v : vector) v *= scale;
}

}  // namespace

remote_embedder::remote_embedder(llm::client_options options, std::string model,
                                 std::size_t dimension)
    : client_(std::make_unique<llm::embeddings_client>(std::move(options), std::move(model))),
      dimension_(dimension) {}

remote_embedder::~remote_embedder() = default;

void remote_embedder::prefetch(const std::vector<std::string>& texts, std::size_t batch) const {
  std::vector<std::string> pending;
  auto send = [&] {
    if (pending.empty()) return;
    auto answer = client_->embed(pending);
    if (const auto* error = std::get_if<llm::client_error>(&answer)) {
      throw std::runtime_error("embeddings: " + error->message);
    }
    auto& vectors = std::get<llm::embeddings>(answer);
    for (std::size_t i = 0; i < pending.size(); ++i) {
      auto& v = vectors[i];
      if (dimension_ == 0) dimension_ = v.size();
      if (v.size() != dimension_) {
        throw std::runtime_error("embeddings: vector of " + std::to_string(v.size()) +
                                 " floats, expected " + std::to_string(dimension_));
      }
      normalise(v);
      // A bounded memo: a long-running node must not keep every text forever.
      if (memo_.size() >= 100000) memo_.clear();
      memo_.emplace(pending[i], std::move(v));
    }
    pending.clear();
  };
  for (const auto& text : texts) {
    if (memo_.count(text) > 0) continue;
    pending.push_back(text);
    if (pending.size() >= std::max<std::size_t>(batch, 1)) send();
  }
  send();
}

std::vector<float> remote_embedder::embed(std::string_view text) const {
  auto found = memo_.find(text);
  if (found == memo_.end()) {
    prefetch({std::string(text)});
    found = memo_.find(text);
  }
  return found->second;
}

std::size_t remote_embedder::dimension() const {
  if (dimension_ == 0) prefetch({"dimension probe"});
  return dimension_;
}

}  // namespace openhouse::cache
