#include "agents/tag_diff.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace openhouse::crm {

namespace {

bool same_tag(std::string_view a, std::string_view b) { return core::iequals_ascii(a, b); }

bool contains(const std::vector<std::string>& tags, std::string_view tag) {
  return std::any_of(tags.begin(), tags.end(), [&](const auto& t) { return same_tag(t, tag); });
}

/// Drops repeats (in any case) and blank tags, keeping the first spelling.
std::vector<std::string> unique(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  for (const auto& t : tags) {
    if (!core::is_blank(t, " \t") && !contains(out, t)) out.push_back(t);
  }
  return out;
}

}  // namespace

tag_diff diff_tags(const std::vector<std::string>& stored,
                   const std::vector<std::string>& incoming) {
  tag_diff d;
  const auto old_tags = unique(stored);
  const auto new_tags = unique(incoming);
  for (const auto& t : new_tags) {
    if (!contains(old_tags, t)) d.added.push_back(t);
  }
  for (const auto& t : old_tags) {
    if (!contains(new_tags, t)) d.removed.push_back(t);
  }
  return d;
}

std::vector<std::string> apply_delta(const std::vector<std::string>& stored,
                                     const std::vector<std::string>& add,
                                     const std::vector<std::string>& remove) {
  std::vector<std::string> out;
  for (const auto& t : unique(stored)) {
    if (!contains(remove, t)) out.push_back(t);
  }
  for (const auto& t : unique(add)) {
    if (!contains(out, t)) out.push_back(t);
  }
  return out;
}

tag_reading read_tags(const tag_diff& diff, agents::temperature runtime_temperature,
                      std::optional<agents::temperature> override_temperature,
                      std::string_view release_tag) {
  tag_reading r;
  r.diff = diff;
  for (const auto& t : diff.added) {
    if (!release_tag.empty() && same_tag(t, release_tag)) {
      r.release = true;
      continue;
    }
    const auto temp = agents::temperature_of_tag(t);
    if (!temp) continue;
    if (*temp == runtime_temperature) {
      // The tag of the temperature the runtime holds is what the runtime
      // writes itself: an echo, or a person agreeing, changes nothing.
      r.own.push_back(t);
      continue;
    }
    r.person_temperature = *temp;
  }
  if (override_temperature && !r.person_temperature) {
    for (const auto& t : diff.removed) {
      if (agents::temperature_of_tag(t) == override_temperature) r.override_removed = true;
    }
  }
  return r;
}

}  // namespace openhouse::crm
