#include "agents/escalation.hpp"

#include "agents/word_folding.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <unordered_map>

namespace openhouse::agents {

namespace {

/// Bytes of the UTF-8 sequence starting at `c` that are not a letter: curly
/// quotes, dashes, ellipses and other general punctuation (E2 80..81 xx),
/// arrows, symbols and dingbats (E2 86..9F xx), emoji (4-byte sequences).
/// 0 when `c` starts a letter (or is ASCII).
std::size_t symbol_length(std::string_view text, std::size_t at) {
  const auto c = static_cast<unsigned char>(text[at]);
  if (c >= 0xF0) return std::min<std::size_t>(4, text.size() - at);
  if (c == 0xE2 && at + 2 < text.size()) {
    const auto next = static_cast<unsigned char>(text[at + 1]);
    if (next == 0x80 || next == 0x81 || (next >= 0x86 && next <= 0x9F)) return 3;
  }
  return 0;
}

/// Lower-case words; anything but letters, digits and apostrophes splits them.
/// Apostrophes (straight or curly) are dropped so "don't", "don’t" and "dont"
/// are one word; emoji and other symbols split words like punctuation.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\'') continue;
    if (const auto symbol = symbol_length(text, i); symbol > 0) {
      // U+2018 and U+2019 are apostrophes: dropped, not splitting.
      const bool apostrophe = symbol == 3 && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                              (static_cast<unsigned char>(text[i + 2]) == 0x98 ||
                               static_cast<unsigned char>(text[i + 2]) == 0x99);
      if (!apostrophe) flush();
      i += symbol - 1;
      continue;
    }
    if (std::isalnum(c) != 0 || c >= 0x80) {
      word.push_back(core::to_lower_ascii(static_cast<char>(c)));
    } else {
      flush();
    }
  }
  flush();
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

// --- confusion -------------------------------------------------------------

/// Spellings folded before confusion rules are read: SMS shorthand and
/// contractions (apostrophes are already gone) become the words they stand
/// for, so one rule covers "you don't", "u dont" and "you do not".
const std::unordered_map<std::string, std::vector<std::string>>& canonical_forms() {
  static const std::unordered_map<std::string, std::vector<std::string>> forms{
      {"u", {"you"}},
      {"yu", {"you"}},
      {"youre", {"you", "are"}},
      {"ur", {"you", "are"}},
      {"r", {"are"}},
      {"im", {"i", "am"}},
      {"ive", {"i", "have"}},
      {"dont", {"do", "not"}},
      {"dnt", {"do", "not"}},
      {"doesnt", {"does", "not"}},
      {"didnt", {"did", "not"}},
      {"isnt", {"is", "not"}},
      {"arent", {"are", "not"}},
      {"wasnt", {"was", "not"}},
      {"havent", {"have", "not"}},
      {"hasnt", {"has", "not"}},
      {"wont", {"will", "not"}},
      {"cant", {"can", "not"}},
      {"cannot", {"can", "not"}},
      {"aint", {"is", "not"}},
      {"thats", {"that", "is"}},
      {"whats", {"what", "is"}},
      {"its", {"it", "is"}},
      {"wat", {"what"}},
      {"wut", {"what"}},
      {"wht", {"what"}},
      {"whut", {"what"}},
      {"wha", {"what"}},
      {"wot", {"what"}},
      {"whaat", {"what"}},
      {"whaaat", {"what"}},
      {"msg", {"message"}},
      {"abt", {"about"}},
      {"idk", {"i", "do", "not", "know"}},
      {"dunno", {"do", "not", "know"}},
      {"idek", {"i", "do", "not", "know"}},
      {"bc", {"because"}},
      {"msgs", {"messages"}},
      {"txt", {"text"}},
      {"pls", {"please"}},
      {"plz", {"please"}},
      {"q", {"question"}},
      {"qs", {"questions"}},
      {"ques", {"question"}},
      {"hmmm", {"hmm"}},
      {"hm", {"hmm"}},
      {"umm", {"um"}},
      {"uhh", {"uh"}},
      {"uhm", {"um"}},
      {"erm", {"um"}},
      {"huhh", {"huh"}},
      {"confusd", {"confused"}},
      {"understnad", {"understand"}},
      {"undrstand", {"understand"}},
  };
  return forms;
}

std::vector<std::string> canonical_words(std::string_view text) {
  std::vector<std::string> out;
  for (auto& raw : words_of(text)) {
    auto w = without_elongation(raw);
    if (const auto f = canonical_forms().find(w); f != canonical_forms().end()) {
      out.insert(out.end(), f->second.begin(), f->second.end());
    } else {
      out.push_back(std::move(w));
    }
  }
  return out;
}

/// Words that carry no meaning of their own around a "what?": stripped from
/// both ends before the rest is compared with the bare forms.
bool is_confusion_filler(const std::string& w) {
  static const std::set<std::string, std::less<>> fillers{
      "sorry", "um",  "uh",     "hmm",   "wait",     "lol",       "haha",   "lmao", "hey", "ok",
      "okay",  "so",  "but",    "and",   "oh",       "ah",        "please", "now",  "man", "dude",
      "bro",   "sir", "maam",   "hi",    "hello",    "exactly",   "omg",    "like", "rn",  "there",
      "here",  "tho", "though", "right", "honestly", "literally", "lmfao",  "smh"};
  return fillers.contains(w);
}

/// The general form of a bare "what?": a short text made only of words of
/// not following ("huh", "lost", "mean", "understand", ...) and the small
/// words around them, with a marker of confusion in it: "what", "huh",
/// "lost", "confused", ... on their own, or "understand", "follow", "get",
/// "sense", "mean" under a negation ("don't get it", "no sense"). "makes
/// sense" or "I get it" are not, nor "I don't know" or "no idea" (answers).
bool is_confusion_vocabulary(const std::vector<std::string>& words, std::size_t first,
                             std::size_t last, bool strong_only = false) {
  // Markers that say confusion even inside a longer text ("Not following,
  // can you explain?"); "what" or "again" alone there may be surprise.
  static const std::set<std::string, std::less<>> strong{"lost", "confused", "confusing", "wdym",
                                                         "wtf",  "lose",     "confuse",   "clue"};
  static const std::set<std::string, std::less<>> markers{
      "what", "huh", "eh",    "pardon", "lost", "confused", "confusing",
      "wdym", "wtf", "again", "repeat", "lose", "confuse",  "clue"};
  static const std::set<std::string, std::less<>> negated_markers{
      "understand", "understood", "understanding", "follow", "following",
      "get",        "getting",    "sense",         "mean",   "meaning"};
  static const std::set<std::string, std::less<>> around{
      "i",        "am",      "you",     "me",         "my",    "do",      "does",   "did",
      "not",      "no",      "that",    "it",         "this",  "so",      "the",    "a",
      "by",       "is",      "are",     "was",        "make",  "makes",   "making", "to",
      "what",     "your",    "saying",  "say",        "said",  "come",    "can",    "could",
      "will",     "would",   "totally", "completely", "kind",  "of",      "bit",    "little",
      "means",    "meant",   "any",     "at",         "all",   "sure",    "have",   "has",
      "zero",     "talking", "tell",    "those",      "these", "there",   "just",   "now",
      "really",   "very",    "too",     "know",       "reply", "replies", "answer", "answers",
      "response", "question"};
  if (last - first > 7) return false;
  bool marked = false;
  bool negation = false;
  bool negatable = false;
  for (std::size_t i = first; i < last; ++i) {
    const auto& w = words[i];
    if (w == "not" || w == "no" || w == "zero") negation = true;
    if (markers.contains(w)) {
      marked = marked || !strong_only || strong.contains(w);
    } else if (negated_markers.contains(w)) {
      negatable = true;
    } else if (!around.contains(w) && !is_confusion_filler(w)) {
      return false;
    }
  }
  return marked || (negation && negatable);
}

/// The whole text, once fillers are stripped, is one of these: a lead who
/// did not follow what the bot said, and says only that.
bool is_bare_confusion(const std::vector<std::string>& words) {
  static const std::set<std::string, std::less<>> forms{
      "what",
      "wrong",
      "huh",
      "eh",
      "pardon",
      "pardon me",
      "excuse me",
      "come again",
      "say again",
      "say that again",
      "say it again",
      "say what",
      "repeat that",
      "what was that",
      "what is that",
      "what is this",
      "what does that mean",
      "what does this mean",
      "what do you mean",
      "what you mean",
      "wdym",
      "what do you mean by that",
      "meaning",
      "what are you talking about",
      "what are you saying",
      "what are you on about",
      "what the heck",
      "what the hell",
      "wtf",
      "what is going on",
      "i do not understand",
      "do not understand",
      "not understanding",
      "i do not get it",
      "do not get it",
      "i do not follow",
      "not following",
      "i am not following",
      "you lost me",
      "lost me",
      "i am lost",
      "lost",
      "confused",
      "i am confused",
      "so confused",
      "i am so confused",
      "confusing",
      "that is confusing",
      "that makes no sense",
      "makes no sense",
      "that does not make sense",
      "does not make sense",
      "i do not know what you mean",
      "no idea what you mean",
      "not sure what you mean",
      "i am not sure what you mean",
  };
  std::size_t first = 0;
  std::size_t last = words.size();
  while (first < last && is_confusion_filler(words[first])) ++first;
  while (last > first && is_confusion_filler(words[last - 1])) --last;
  if (first == last) return false;  // only fillers: "ok", "hmm", "hello?"
  std::string core;
  for (std::size_t i = first; i < last; ++i) {
    // "what does that even mean": emphasis, not meaning.
    if (words[i] == "even") continue;
    if (!core.empty()) core += ' ';
    core += words[i];
  }
  if (forms.contains(core)) return true;
  // "what again?", "you lost me again": a trailing "again" changes nothing.
  constexpr std::string_view again = " again";
  if (core.ends_with(again) && forms.contains(core.substr(0, core.size() - again.size()))) {
    return true;
  }
  return is_confusion_vocabulary(words, first, last);
}

/// One slot of a complaint pattern: alternatives ("answer*" matches every
/// word starting "answer"), optionally skipped.
struct slot {
  std::vector<std::string> words;
  bool optional = false;

  [[nodiscard]] bool accepts(const std::string& w) const {
    return std::any_of(words.begin(), words.end(), [&](const std::string& alt) {
      if (!alt.empty() && alt.back() == '*') {
        return w.starts_with(std::string_view{alt}.substr(0, alt.size() - 1));
      }
      return w == alt;
    });
  }
};

using pattern = std::vector<slot>;

/// "you are|do|did? not|never answer*": slots split by spaces, alternatives
/// by '|', '?' after a slot makes it optional.
pattern parse_pattern(std::string_view text) {
  pattern out;
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    auto token = text.substr(at, end - at);
    at = end + 1;
    if (token.empty()) continue;
    slot s;
    if (token.back() == '?') {
      s.optional = true;
      token.remove_suffix(1);
    }
    std::size_t from = 0;
    while (from <= token.size()) {
      auto bar = token.find('|', from);
      if (bar == std::string_view::npos) bar = token.size();
      s.words.emplace_back(token.substr(from, bar - from));
      from = bar + 1;
    }
    out.push_back(std::move(s));
  }
  return out;
}

/// Whether `p` matches words[at..] (optional slots tried both ways).
/// Adverbs a lead puts anywhere in a complaint ("I literally just told you",
/// "you still didn't answer"): skipped between a pattern's words.
bool is_intensifier(const std::string& w) {
  static const std::set<std::string, std::less<>> words{
      "literally", "just",     "already", "still", "even", "actually",  "really",
      "clearly",   "honestly", "totally", "again", "ever", "seriously", "obviously"};
  return words.contains(w);
}

/// Whether `p` matches words[at..] (optional slots tried both ways; "$" is
/// the end of the text; intensifiers may sit between two slots).
bool matches_at(const std::vector<std::string>& words, std::size_t at, const pattern& p,
                std::size_t slot_index) {
  if (slot_index == p.size()) return true;
  const auto& s = p[slot_index];
  if (s.words.size() == 1 && s.words.front() == "$") {
    return at == words.size() && matches_at(words, at, p, slot_index + 1);
  }
  if (at < words.size() && s.accepts(words[at]) && matches_at(words, at + 1, p, slot_index + 1)) {
    return true;
  }
  if (slot_index > 0 && at < words.size() && is_intensifier(words[at]) &&
      matches_at(words, at + 1, p, slot_index)) {
    return true;
  }
  return s.optional && matches_at(words, at, p, slot_index + 1);
}

bool matches_anywhere(const std::vector<std::string>& words, const pattern& p) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (matches_at(words, i, p, 0)) return true;
  }
  return false;
}

/// Complaints about the bot itself, anywhere in a text: it did not answer,
/// did not listen, asks again what it was told, or is a machine.
const std::vector<pattern>& complaint_patterns() {
  static const std::vector<pattern> patterns = [] {
    const std::vector<std::string_view> texts{
        // The bot missed the point.
        "not what i am|was? ask*|said|meant|mean|wrote|texted|typed|saying|talking",
        "not my|the question",
        "i did|have? not|never ask* about|for|that|this",
        // One pattern, split to fit the line.
        // NOLINTNEXTLINE(bugprone-suspicious-missing-comma)
        "you|bot|robot are|do|did|does|have|has|can|will|is? not|never even|really|actually? "
        "answer*|listen*|read*|understand*|respond*|repl*",
        "you|bot|robot even|actually listen*|read*|look*",
        "you actually|even|just answer* me|my|the|what",
        "did you get|see my question*",
        "who said|asked anything|that",
        "i asked a simple|basic|easy|straightforward|clear question",
        "automatic|automated|auto|canned|scripted reply|replies|response*|answer*|message*|text*",
        "not what i want*|wanted to know|hear",
        "i do|did|am not get*|understand*|follow* what you|your",
        "i never said|mentioned|wrote|asked that|this|it|anything|so",
        "i did not say|mention|write|ask that|this|it|anything|so",
        "you|bot|robot misunderstood|misunderstand*|misread",
        "you|bot|robot got|have|get it|that|me wrong",
        "you|bot|robot are|do|did|does not get|getting it|me|what",
        "not|never answer* my|the|a question*",
        "not|never answer* anything|me|it|that",
        "answer my|the question*",
        "read my|the last|previous|first? message*|text*|question*",
        "ignor* me|my|what|the|your|everything",
        "you|bot are? ignor*",
        "not|never an|the|a answer|reply|response",
        "answer what i|you",
        "know|get|understand what i am|was? asking|saying|meant|mean",
        "not think you understood|understand*|got|get|read|heard",
        "not know|get|understand*|sure what you are|were? asking|saying|talking|mean|meant",
        "that|this|you|which|answer|reply|response does|do|did|is|are|was|were not help*|useful",
        "you answered|answer|answering a|the? different|wrong|other question*",
        "you read anything|what i",
        "plain|simple english|terms|words",
        "no|nope i said|meant|asked|wanted",
        // The lead said it before.
        "i already|just told you",
        "i told you that|this|it|already|before|twice|so|$",
        "like|as i told|said|mentioned|wrote",
        "i have? asked|said|told you? this|that|it? twice|already|before|again",
        "i asked you|about|for",
        "i already|just said|answered|mentioned|explained|replied",
        "i already|just asked you|that|this",
        "told you already|before|twice",
        "you already asked*|said|told",
        "you said|asked|told that|this|it already|before|twice",
        "you asked me? that|this already|before|twice",
        "you keep asking|repeating|saying|sending",
        "you are|keep repeat*",
        "repeating yourself|itself|the same",
        "same thing|message|answer|text|reply|response you|as|again|twice|before",
        // NOLINTNEXTLINE(bugprone-suspicious-missing-comma)
        "told|said|asked|answered|explained you|this|that|it? like|a? two|three|four|five|2|3|4|5|"
        "several|multiple|many|few|couple? times|twice",
        "you already|just asked* me? that|this|the|again",
        "you are? asking|ask|asked me? again",
        "second|third|fourth|fifth|2nd|3rd|4th|5th|another time i|you ask*|said|told|sent|answer*",
        "asking|ask|asked|say|said|saying me? that|this|it again",
        "going|go|goes|run*|talking in circles|circle",
        "stop repeating",
        "stop|keep asking|sending|saying|texting me? the same",
        "same question|answer|message|thing again|twice",
        // The lead suspects a machine.
        "are you a|an? real|actual? bot|robot|ai|machine|computer|automated|human|person",
        "is this a|an? bot|robot|ai|machine|computer|automated",
        "talking to a|an? bot|robot|machine|computer|wall",
        // The answer was wrong or meaningless.
        "make|makes|making no sense",
        "does|do|did not make sense",
        "not making sense",
        "that is|was not correct|true",
        "that is|was wrong",
        "no|nope wrong",
        "wrong answer|info*|reply|response",
        "not helpful|helping",
        "useless|stupid|dumb bot|robot|answer*|reply|response",
        "you|bot|robot|this|that are|is useless|stupid|dumb",
        "what are you even? talking about",
        "what does that have to do with",
        "has|had nothing to do with what|my",
    };
    std::vector<pattern> out;
    out.reserve(texts.size());
    for (const auto t : texts) out.push_back(parse_pattern(t));
    return out;
  }();
  return patterns;
}

/// Texts shorter than this are never repeats: "ok", "yes please", "thank you".
constexpr std::size_t min_repeat_words = 3;

/// A question: a question mark, or a question word or an auxiliary opening
/// it once greetings and fillers are skipped ("also how much ...", "quick
/// question, do we ..."). Only a question asked again is confusion; thanks or
/// an answer said twice is not.
bool is_question(std::string_view text, const std::vector<std::string>& words) {
  if (text.find('?') != std::string_view::npos) return true;
  static const std::set<std::string, std::less<>> lead_ins{
      "ok", "okay", "so",   "also",  "and", "but",  "hey", "hi",   "hello",   "quick", "question",
      "um", "uh",   "wait", "sorry", "oh",  "then", "one", "more", "another", "again"};
  static const std::set<std::string, std::less<>> openers{
      "what",  "how",  "when", "where", "why",  "who",    "which", "whose", "can",
      "could", "do",   "does", "did",   "is",   "are",    "will",  "would", "should",
      "may",   "have", "has",  "any",   "hows", "wheres", "whens", "whos"};
  const auto first = std::find_if(words.begin(), words.end(),
                                  [](const std::string& w) { return !lead_ins.contains(w); });
  return first != words.end() && openers.contains(*first);
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

/// Equal once folded, or nearly: the same words but one in five (word sets),
/// or the same letters but one in ten (typos).
bool near_equal(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (b.size() < min_repeat_words) return false;
  if (a == b) return true;
  const std::set<std::string> sa(a.begin(), a.end());
  const std::set<std::string> sb(b.begin(), b.end());
  std::size_t common = 0;
  for (const auto& w : sa) common += sb.count(w);
  const auto all = sa.size() + sb.size() - common;
  if (all > 0 && static_cast<double>(common) >= 0.8 * static_cast<double>(all)) return true;
  std::string ja;
  std::string jb;
  for (const auto& w : a) ja += w;
  for (const auto& w : b) jb += w;
  const auto longer = std::max(ja.size(), jb.size());
  if (longer == 0 || std::min(ja.size(), jb.size()) * 10 < longer * 9) return false;
  return static_cast<double>(edit_distance(ja, jb)) <= 0.1 * static_cast<double>(longer);
}

}  // namespace

std::string_view to_string(escalation_reason reason) noexcept {
  switch (reason) {
    case escalation_reason::human_request:
      return "human_request";
    case escalation_reason::distress:
      return "distress";
    case escalation_reason::confusion:
      return "confusion";
    case escalation_reason::hot_lead:
      return "hot_lead";
    case escalation_reason::none:
      break;
  }
  return "none";
}

std::string_view to_string(confusion_signal signal) noexcept {
  switch (signal) {
    case confusion_signal::bare:
      return "bare";
    case confusion_signal::complaint:
      return "complaint";
    case confusion_signal::repeat:
      return "repeat";
    case confusion_signal::none:
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
  out.human_intent_threshold = cfg.human_intent_threshold;
  out.confusion_turns = cfg.confusion_turns;
  out.mute_on_hot = cfg.mute_on_hot;
  out.hold_reply_every = cfg.hold_reply_every;
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
  if (settings.confusion_turns > 0 && turn.confusion_turns >= settings.confusion_turns) {
    return {escalation_reason::confusion,
            fmt::format("{} confused texts in a row", turn.confusion_turns)};
  }
  if (settings.mute_on_hot && turn.became_hot) {
    return {escalation_reason::hot_lead, "the lead became Hot"};
  }
  return {};
}

/// Complaints that must make up a clause of their own: "that's not right" is
/// one ("hmm that's not right, I'm in Fontana"), "that's not right for us"
/// is not.
const std::vector<pattern>& clause_patterns() {
  static const std::vector<pattern> patterns = [] {
    std::vector<pattern> out;
    for (const auto t : {"that|this|it is|was not right|correct|true|it $", "wrong $"}) {
      out.push_back(parse_pattern(t));
    }
    return out;
  }();
  return patterns;
}

/// The text cut at sentence punctuation, each piece folded.
std::vector<std::vector<std::string>> clauses_of(std::string_view text) {
  std::vector<std::vector<std::string>> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    const auto end = text.find_first_of(".,!?;:", from);
    const auto piece =
        text.substr(from, end == std::string_view::npos ? text.size() - from : end - from);
    if (auto words = canonical_words(piece); !words.empty()) out.push_back(std::move(words));
    if (end == std::string_view::npos) break;
    from = end + 1;
  }
  return out;
}

confusion_signal confusion_of(std::string_view text, const std::vector<std::string>& recent) {
  const auto words = canonical_words(text);
  if (words.empty()) {
    // Nothing but "?" ("??", "?!"): a bare "what?".
    return text.find('?') != std::string_view::npos ? confusion_signal::bare
                                                    : confusion_signal::none;
  }
  if (is_bare_confusion(words) || (std::count(text.begin(), text.end(), '?') >= 2 &&
                                   std::all_of(words.begin(), words.end(), is_confusion_filler))) {
    // "huh, come again?", or nothing but greetings and question marks ("???? hello").
    return confusion_signal::bare;
  }
  for (const auto& pattern : complaint_patterns()) {
    if (matches_anywhere(words, pattern)) return confusion_signal::complaint;
  }
  for (const auto& clause : clauses_of(text)) {
    // "Not following, can you explain?", "hmm that's not right, I said X".
    std::size_t first = 0;
    while (first < clause.size() && is_confusion_filler(clause[first])) ++first;
    if (first < clause.size() && is_confusion_vocabulary(clause, first, clause.size(), true)) {
      return confusion_signal::complaint;
    }
    for (const auto& pattern : clause_patterns()) {
      if (matches_anywhere(clause, pattern)) return confusion_signal::complaint;
    }
  }
  // "Again: how many bathrooms?": a question asked once more, and said so.
  const auto opener = std::find_if(words.begin(), words.end(), [](const std::string& w) {
    return !is_confusion_filler(w) && w != "once";
  });
  if (opener != words.end() && *opener == "again" && is_question(text, words)) {
    return confusion_signal::complaint;
  }
  if (words.size() >= min_repeat_words && is_question(text, words)) {
    for (const auto& earlier : recent) {
      if (near_equal(words, canonical_words(earlier))) return confusion_signal::repeat;
    }
  }
  return confusion_signal::none;
}

int next_confusion_turns(int previous, bool confused) noexcept {
  return confused ? std::max(0, previous) + 1 : 0;
}

bool holding_reply_due(std::int64_t last_ms, std::int64_t now_ms,
                       std::chrono::milliseconds every) noexcept {
  if (every.count() <= 0) return false;
  if (last_ms <= 0) return true;
  return now_ms - last_ms >= every.count();
}

std::string holding_reply(std::string_view business_name) {
  return fmt::format("Thanks \u2014 an agent from {} has your message and will text you shortly.",
                     business_name);
}

std::string hot_lead_note(double frs, double pcs, std::string_view reason, std::string_view text) {
  return fmt::format("Hot lead (FRS {:.0f}, PCS {:.0f}): {}. Latest text: \"{}\"", frs, pcs,
                     reason.empty() ? std::string_view{"score reached Hot"} : reason, text);
}

}  // namespace openhouse::agents
