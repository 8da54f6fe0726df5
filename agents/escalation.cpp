#include "agents/escalation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace openhouse::agents {

namespace {

/// Lower-case words; anything but letters, digits and apostrophes splits them.
/// Apostrophes are dropped so "don't" and "dont" are one word.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (const char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (c == '\'') continue;
    if (std::isalnum(c) || c >= 0x80) {
      word.push_back(static_cast<char>(std::tolower(c)));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool is_filler(const std::string& w) {
  static const std::array<std::string_view, 9> fillers{"a",      "an",   "the", "real", "live",
                                                       "actual", "your", "one", "of"};
  return std::find(fillers.begin(), fillers.end(), w) != fillers.end();
}

bool is_negation(const std::string& w) {
  static const std::array<std::string_view, 5> negations{"dont", "not", "never", "wont", "cant"};
  return std::find(negations.begin(), negations.end(), w) != negations.end();
}

/// Where `phrase` occurs in `words` as whole words, fillers allowed before its
/// last word when `fillers`; the index of its first word, or npos.
std::size_t find_phrase(const std::vector<std::string>& words,
                        const std::vector<std::string>& phrase, bool fillers) {
  if (phrase.empty() || phrase.size() > words.size()) return std::string::npos;
  for (std::size_t i = 0; i + phrase.size() <= words.size(); ++i) {
    std::size_t w = i;
    bool ok = true;
    for (std::size_t p = 0; p < phrase.size() && ok; ++p) {
      if (fillers && p + 1 == phrase.size() && p > 0) {
        for (int skipped = 0;
             skipped < 4 && w < words.size() && words[w] != phrase[p] && is_filler(words[w]);
             ++skipped) {
          ++w;
        }
      }
      // The last word may be plural: "talk to one of your agents".
      const bool last = p + 1 == phrase.size();
      ok = w < words.size() &&
           (words[w] == phrase[p] || (fillers && last && words[w] == phrase[p] + "s"));
      ++w;
    }
    if (ok) return i;
  }
  return std::string::npos;
}

bool negated(const std::vector<std::string>& words, std::size_t at) {
  // "don't call me", "do not call me", "please don't ever call me"
  for (std::size_t back = 1; back <= 3 && back <= at; ++back) {
    const auto& w = words[at - back];
    if (is_negation(w)) return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(escalation_reason reason) noexcept {
  switch (reason) {
    case escalation_reason::human_request:
      return "human_request";
    case escalation_reason::distress:
      return "distress";
    case escalation_reason::unproductive:
      return "unproductive";
    case escalation_reason::none:
      break;
  }
  return "none";
}

escalation_settings escalation_settings::from_config(const config::escalation_config& cfg) {
  escalation_settings out;
  out.distress_words.insert(out.distress_words.end(), cfg.distress_words.begin(),
                            cfg.distress_words.end());
  out.human_phrases.insert(out.human_phrases.end(), cfg.human_phrases.begin(),
                           cfg.human_phrases.end());
  out.max_unproductive_turns = cfg.max_unproductive_turns;
  out.human_intent_threshold = cfg.human_intent_threshold;
  return out;
}

std::vector<std::string> escalation_settings::default_distress_words() {
  return {"foreclosure",
          "foreclosures",
          "foreclose",
          "foreclosed",
          "foreclosing",
          "bankruptcy",
          "bankrupt",
          "chapter 7",
          "chapter 13",
          "probate",
          "divorce",
          "divorced",
          "divorcing",
          "attorney",
          "attorneys",
          "lawyer",
          "lawyers",
          "lawsuit",
          "lawsuits",
          "sue",
          "suing",
          "sued",
          "eviction",
          "evicted",
          "evict",
          "evicting",
          "short sale",
          "notice of default",
          "lis pendens",
          "tax lien",
          "behind on payments",
          "behind on my mortgage",
          "loan modification",
          "repossession",
          "garnishment",
          "legal action"};
}

std::vector<std::string> escalation_settings::default_human_phrases() {
  return {"talk to human",
          "talk to person",
          "talk to agent",
          "talk to someone",
          "talk to somebody",
          "talk to realtor",
          "talk with human",
          "talk with person",
          "talk with agent",
          "talk with someone",
          "speak to human",
          "speak to person",
          "speak to agent",
          "speak to someone",
          "speak to somebody",
          "speak to realtor",
          "speak with human",
          "speak with person",
          "speak with agent",
          "speak with someone",
          "connect me with agent",
          "connect me to agent",
          "connect me with person",
          "connect me to person",
          "want human",
          "need human",
          "get me human",
          "human please",
          "real person",
          "live person",
          "actual person",
          "human being",
          "representative",
          "call me",
          "give me call",
          "someone call me",
          "agent call me",
          "can someone call",
          "can you call"};
}

escalation_decision check_escalation(const turn_signals& turn,
                                     const escalation_settings& settings) {
  const auto words = words_of(turn.inbound);
  for (const auto& phrase : settings.human_phrases) {
    const auto at = find_phrase(words, words_of(phrase), true);
    if (at != std::string::npos && !negated(words, at)) {
      return {escalation_reason::human_request, phrase};
    }
  }
  if (turn.human_intent_confidence > 0 &&
      turn.human_intent_confidence + 1e-9 >= settings.human_intent_threshold) {
    return {escalation_reason::human_request,
            fmt::format("human_request intent at {:.2f}", turn.human_intent_confidence)};
  }
  for (const auto& word : settings.distress_words) {
    if (find_phrase(words, words_of(word), false) != std::string::npos) {
      return {escalation_reason::distress, word};
    }
  }
  if (settings.max_unproductive_turns > 0 &&
      turn.unproductive_turns >= settings.max_unproductive_turns) {
    return {escalation_reason::unproductive,
            fmt::format("{} turns in a row without a new fact", turn.unproductive_turns)};
  }
  return {};
}

int next_unproductive_turns(int previous, bool revealed_new_fact) noexcept {
  return revealed_new_fact ? 0 : std::max(0, previous) + 1;
}

}  // namespace openhouse::agents
