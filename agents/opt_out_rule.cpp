#include "agents/opt_out_rule.hpp"

#include "agents/word_folding.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace openhouse::agents {

namespace {

using word_set = std::set<std::string, std::less<>>;
using words_t = std::vector<std::string>;

constexpr std::string_view clause_break = "|";

bool in(const word_set& set, std::string_view w) { return set.find(w) != set.end(); }

// --- vocabulary -------------------------------------------------------------
// Word classes, not phrasings: a rule reads "a stop word, then something
// about contacting the lead", so that wording never seen still matches.

/// The FCC's seven words (OPT OUT folded to one word) and the carriers'
/// STOPALL, plus whole-message words in wide use (REMOVE; Spanish BAJA, ALTO,
/// BASTA, PARAR, CANCELAR).
const word_set& builtin_keywords() {
  static const word_set words{"stop",   "quit",        "end",     "revoke", "optout",
                              "cancel", "unsubscribe", "remove",  "baja",   "alto",
                              "basta",  "parar",       "cancelar"};
  return words;
}

/// Keywords whose object decides: "cancel it" may mean the showing.
const word_set& object_keywords() {
  static const word_set words{"cancel", "end", "cancelar"};
  return words;
}

/// Words that may stand beside a keyword without changing what it asks:
/// politeness, insistence, swearing, greetings, and who or what is to stop.
const word_set& fillers() {
  static const word_set words{
      "please",  "now",         "me",           "it",         "this",     "that",        "these",
      "those",   "them",        "all",          "already",    "asap",     "immediately", "right",
      "just",    "i",           "said",         "say",        "saying",   "we",          "thanks",
      "thank",   "you",         "thx",          "ty",         "tyvm",     "ok",          "okay",
      "k",       "kk",          "sorry",        "number",     "my",       "here",        "hey",
      "hi",      "hello",       "again",        "seriously",  "really",   "for",         "good",
      "forever", "permanently", "the",          "a",          "an",       "sir",         "maam",
      "mam",     "man",         "dude",         "bro",        "yes",      "yeah",        "yep",
      "oh",      "god",         "omg",          "wtf",        "damn",     "fucking",     "freaking",
      "frickin", "hell",        "ffs",          "kindly",     "thankyou", "guys",        "yall",
      "lol",     "smh",         "ugh",          "no",         "nope",     "nah",         "from",
      "your",    "list",        "lists",        "everything", "everyone", "too",         "also",
      "anymore", "ever",        "bye",          "goodbye",    "and",      "so",          "well",
      "us",      "our",         "mailing",      "sms",        "texts",    "text",        "messages",
      "message", "contact",     "subscription", "hola",       "por",      "favor",       "gracias",
      "x",       "pl"};
  return words;
}

/// Ways of contacting the lead, as nouns, gerunds and participles.
const word_set& contact_words() {
  static const word_set words{
      "text", "texts", "texting", "texted", "message", "messages", "messaging", "messaged", "sms",
      "contact", "contacting", "contacted", "notification", "notifications", "alerts", "spam",
      "spamming", "subscription", "subscriptions", "marketing", "promotions", "promos", "bugging",
      "bothering", "harassing", "harassment", "pinging", "reminders", "updates", "robotexts",
      "mensajes", "correspondence", "outreach", "solicitations", "solicitation", "communication",
      "communications", "textos", "mensaje", "texto", "msjs", "reaching", "mensagem", "mensagens",
      "messaggi",
      // "taxing": a phone's autocorrect of "texting".
      "taxing"};
  return words;
}

/// Channels other than these texts: a lead may stop them and keep the texts
/// ("take me off the email list, texts are fine").
const word_set& other_channels() {
  static const word_set words{"email",      "emails",      "emailing", "emailed",   "call",
                              "calls",      "calling",     "called",   "voicemail", "voicemails",
                              "mail",       "mailer",      "mailers",  "letters",   "digest",
                              "newsletter", "newsletters", "group",    "work",      "office",
                              "landline",   "postcards",   "llamadas", "correo",    "correos"};
  return words;
}

/// Verbs that stop something but are no opt-out words on their own: they
/// need the texts as their object ("please cease all text communication").
const word_set& stop_verbs() {
  static const word_set words{"cease",  "discontinue", "halt",    "terminate", "pause", "suspend",
                              "desist", "deja",        "dejen",   "paren",     "dejar", "para",
                              "pare",   "parem",       "arretez", "arrete"};
  return words;
}

/// Spanish ways of contacting, as "no me ..." negates them.
const word_set& spanish_contact_verbs() {
  static const word_set words{
      "escriban", "escribas", "escriba",   "manden",     "mandes",      "mande",      "envien",
      "envies",   "envie",    "contacten", "contactes",  "molesten",    "molestes",   "textees",
      "texteen",  "mandarme", "enviarme",  "escribirme", "contactarme", "molestarme", "textearme",
      "mandar",   "enviar",   "escribir",  "menvoyer",   "mandatemi",   "mandarmi",   "inviarmi"};
  return words;
}

/// Spanish "remove me" with the pronoun attached: "borrenme", "quitenme".
const word_set& spanish_removals() {
  static const word_set words{"borrenme", "borrame",    "quitenme",  "quitame", "sacame",
                              "saquenme", "eliminenme", "eliminame", "borreme", "quiteme",
                              "saqueme",  "darme",      "bajenme",   "bajame",  "bajeme"};
  return words;
}

/// Verbs of contacting, as a lead negates them: "don't text me".
const word_set& contact_verbs() {
  static const word_set words{"text",   "message", "contact", "email",  "sms",
                              "bother", "bug",     "spam",    "harass", "ping",
                              "reach",  "send",    "hit",     "call",   "msg"};
  return words;
}

/// What may stand between a stop word and the contact word it stops:
/// "stop with the constant automated texts".
const word_set& contact_modifiers() {
  static const word_set words{
      "the",         "these",   "those",    "this",     "that",     "your",      "all",
      "any",         "with",    "of",       "me",       "us",       "my",        "stupid",
      "damn",        "fucking", "freaking", "annoying", "constant", "automated", "auto",
      "marketing",   "sales",   "random",   "unwanted", "daily",    "bot",       "robot",
      "promotional", "spam",    "sending",  "more",     "further",  "future",    "repeated",
      "endless",     "so",      "many",     "real",     "estate",   "please",    "texting",
      "you",         "ur",      "same",     "estos",    "estas",    "los",       "las",
      "sus",         "tus",     "su",       "tu",       "mas",      "de",        "mis",
      "text",        "sms",     "mandarme", "enviarme", "and",      "or"};
  return words;
}

/// Objects that "stop sending me ..." may name and still mean the texts.
const word_set& sent_things() {
  static const word_set words{"these",  "this",     "them",       "that",    "stuff",
                              "things", "anything", "everything", "crap",    "junk",
                              "more",   "any",      "shit",       "garbage", "nothing"};
  return words;
}

/// Words after an object that narrow it to a preference, not a revocation:
/// "don't send me listings over 600k".
const word_set& qualifiers() {
  static const word_set words{"over",    "under", "above",   "below",  "in",     "with",
                              "without", "that",  "which",   "unless", "until",  "except",
                              "but",     "only",  "outside", "near",   "before", "after",
                              "between", "for",   "about",   "at",     "on",     "like"};
  return words;
}

/// Words before a keyword that make it a noun or a name: "the end", "a stop
/// sign", "bus stop", "full stop", "non stop", "high end".
const word_set& noun_markers() {
  static const word_set words{
      "the",   "a",      "an",      "my",    "our",   "his",     "her",   "their",  "its",
      "full",  "next",   "last",    "first", "bus",   "pit",     "non",   "one",    "every",
      "each",  "high",   "low",     "dead",  "back",  "front",   "deep",  "rear",   "far",
      "other", "either", "both",    "west",  "east",  "north",   "south", "truck",  "rest",
      "tail",  "upper",  "lower",   "no",    "train", "nearest", "same",  "corner", "subway",
      "truck", "final",  "closest", "pit",   "rest",  "that",    "your",  "this",   "ur"};
  return words;
}

/// Particles that make STOP a visit: "stop by", "stop in", "stop over".
const word_set& visit_particles() {
  static const word_set words{"by", "in", "over", "at", "around", "through", "off", "on", "into"};
  return words;
}

/// What follows END in its other senses: "end of the week", "end unit".
const word_set& end_followers() {
  static const word_set words{"of",   "unit", "units", "date",  "table", "result", "goal", "game",
                              "user", "cap",  "zone",  "price", "up",    "lot",    "piece"};
  return words;
}

/// Negations that turn a stop word into its opposite: "please don't stop".
const word_set& negators() {
  static const word_set words{"dont",   "never",    "not",     "didnt",
                              "doesnt", "shouldnt", "wouldnt", "nolonger"};
  return words;
}

/// Who a statement is about: "I don't text much" describes, it asks nothing.
const word_set& subjects() {
  static const word_set words{"i",       "we",   "he",  "she",   "they",   "im",     "were",
                              "husband", "wife", "who", "which", "people", "agents", "realtors"};
  return words;
}

/// Determiners and possessives before an object noun.
const word_set& determiners() {
  static const word_set words{"the",   "my",   "our", "a",   "an",    "this",  "that", "her", "his",
                              "their", "your", "ur",  "its", "these", "those", "some", "any"};
  return words;
}

/// What a lead may ask to be removed as: "remove my number".
const word_set& identity_words() {
  static const word_set words{"number",  "phone", "info", "information", "contact",
                              "details", "data",  "cell", "name",        "email"};
  return words;
}

/// Lists a lead may ask to come off: "take me off your list".
const word_set& list_words() {
  static const word_set words{"list",   "lists",    "texts",   "contacts", "database",
                              "system", "messages", "mailing", "campaign", "campaigns",
                              "roster", "registry", "text",    "sms"};
  return words;
}

/// Single-word SMS spellings folded to one form.
std::string fold_spelling(std::string w) {
  static const std::array<std::pair<std::string_view, std::string_view>, 42> spellings{{
      {"pls", "please"},       {"plz", "please"},      {"plez", "please"},    {"pleas", "please"},
      {"plse", "please"},      {"plss", "please"},     {"pleez", "please"},   {"pleeze", "please"},
      {"plis", "please"},      {"u", "you"},           {"ya", "you"},         {"ur", "your"},
      {"yr", "your"},          {"txt", "text"},        {"txts", "texts"},     {"msg", "message"},
      {"msgs", "messages"},    {"mesg", "message"},    {"txting", "texting"}, {"texing", "texting"},
      {"msging", "messaging"}, {"msgng", "messaging"}, {"stopall", "stop"},   {"optout", "optout"},
      {"optedout", "optout"},  {"dnt", "dont"},        {"dint", "didnt"},     {"wont", "wont"},
      {"thnx", "thanks"},      {"thanx", "thanks"},    {"tks", "thanks"},     {"bc", "because"},
      {"cuz", "because"},      {"anymore", "anymore"}, {"nomore", "no more"}, {"ppl", "people"},
      {"num", "number"},       {"nbr", "number"},      {"fone", "phone"},     {"mssg", "message"},
      {"mssgs", "messages"},   {"stp", "stop"},
  }};
  for (const auto& [from, to] : spellings) {
    if (w == from) return std::string{to};
  }
  // unsub, unsubscribing, ...; the past tense kept apart: it may tell of
  // another sender ("I unsubscribed from the Zillow emails").
  if (w.starts_with("unsub")) return w.ends_with("ed") ? "unsubscribed" : "unsubscribe";
  if (w.starts_with("unsusb") || w.starts_with("unscrib")) return "unsubscribe";
  return w;
}

/// "stoooop" -> "stop", "pleeease" -> "please"; "stopp" -> "stop" only when
/// that makes a keyword (doubled letters are normal elsewhere: "off", "see").
/// Typos of the opt-out words that no other word is spelt like: "unsuscribe",
/// "stpo", "qiut", "optuot". Short words only by swapping two letters, since
/// one changed letter makes other words ("step", "shop").
std::string fold_typo(std::string w) {
  if (w == "unsubscribed") return w;
  if (w.size() >= 8 && w.size() <= 14 && edit_distance(w, "unsubscribe") <= 2) {
    return "unsubscribe";
  }
  for (const std::string_view k : {"stop", "quit", "optout", "revoke"}) {
    if (w.size() != k.size() || w == k) continue;
    std::size_t first = 0;
    while (first < w.size() && w[first] == k[first]) ++first;
    if (first + 1 < w.size() && w[first] == k[first + 1] && w[first + 1] == k[first] &&
        w.substr(first + 2) == k.substr(first + 2)) {
      return std::string{k};
    }
  }
  return w;
}

std::string fold_repeats(const std::string& w) {
  const std::string out = without_elongation(w);
  std::string single;
  for (const char c : out) {
    if (single.empty() || single.back() != c) single.push_back(c);
  }
  if (single != out && in(builtin_keywords(), single)) return single;
  return out;
}

/// Two-word spellings folded to one word ("do not" -> "dont").
void fold_pairs(words_t& w) {
  static const std::array<std::array<std::string_view, 3>, 12> pairs{{
      {"do", "not", "dont"},
      {"opt", "out", "optout"},
      {"opted", "out", "optout"},
      {"opting", "out", "optout"},
      {"opt", "in", "optin"},
      {"un", "subscribe", "unsubscribe"},
      {"no", "longer", "nolonger"},
      {"any", "more", "anymore"},
      {"e", "mail", "email"},
      {"stop", "all", "stop"},
      {"did", "not", "didnt"},
      {"does", "not", "doesnt"},
  }};
  words_t out;
  for (std::size_t i = 0; i < w.size(); ++i) {
    bool folded = false;
    if (i + 1 < w.size()) {
      for (const auto& [a, b, joined] : pairs) {
        if (w[i] == a && w[i + 1] == b) {
          out.emplace_back(joined);
          ++i;
          folded = true;
          break;
        }
      }
    }
    if (!folded) out.push_back(std::move(w[i]));
  }
  w = std::move(out);
}

// --- one clause -------------------------------------------------------------

/// The rules applied to one clause's words. Each returns the verdict of the
/// clause; the message's verdict is the strongest of its clauses.
class clause_reader {
 public:
  clause_reader(const words_t& w, const word_set& keywords) : w_(w), keywords_(keywords) {}

  opt_out_match run() const {
    if (w_.empty()) return {};
    if (auto m = keyword_clause(); m.verdict != opt_out_verdict::none) return m;
    opt_out_match unsure;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      const auto m = at(i);
      if (m.verdict == opt_out_verdict::opt_out) return m;
      if (m.verdict == opt_out_verdict::unsure && unsure.verdict == opt_out_verdict::none) {
        unsure = m;
      }
    }
    return unsure;
  }

 private:
  const std::string& word(std::size_t i) const {
    static const std::string none;
    return i < w_.size() ? w_[i] : none;
  }
  bool is_keyword(std::string_view w) const { return in(keywords_, w); }

  static opt_out_match sure(std::string rule) {
    return {opt_out_verdict::opt_out, std::move(rule)};
  }
  static opt_out_match maybe(const std::string& w) {
    return {opt_out_verdict::unsure, "unsure:" + w};
  }

  /// The clause is keywords and fillers only: "STOP!!", "stop pls", "please
  /// stop", "unsubscribe me please", "I quit", "stop this now". CANCEL and END
  /// with a pronoun may mean something else ("cancel it"): unsure.
  opt_out_match keyword_clause() const {
    bool keyword = false;
    bool pronoun = false;
    bool only_object_keywords = true;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      const auto& t = w_[i];
      if (is_keyword(t)) {
        // "the end", "full stop": a noun, not a request.
        if (i > 0 && in(noun_markers(), w_[i - 1]) && !is_keyword(w_[i - 1])) return {};
        keyword = true;
        only_object_keywords = only_object_keywords && in(object_keywords(), t);
      } else if (in(fillers(), t)) {
        pronoun = pronoun || t == "it" || t == "that" || t == "this" || t == "them";
      } else {
        return {};
      }
    }
    if (!keyword) return {};
    if (only_object_keywords && pronoun) return maybe(w_.front());
    return sure("keyword");
  }

  /// True when the word at `i` is negated ("please don't stop", "never
  /// cancel"), unless as a plea ("can't you stop", "why won't you stop").
  bool negated(std::size_t i) const {
    for (std::size_t back = 1; back <= 2 && back <= i; ++back) {
      if (in(negators(), w_[i - back])) return true;
    }
    return false;
  }

  /// The first word after `i` that is not a determiner or possessive.
  std::size_t skip_determiners(std::size_t i) const {
    while (i < w_.size() && in(determiners(), w_[i])) ++i;
    return i;
  }

  /// A contact word within a few modifiers after `i`: "stop [with the
  /// constant] texts".
  bool contact_follows(std::size_t i, std::size_t window = 5) const {
    for (std::size_t k = i; k < w_.size() && k < i + window; ++k) {
      if (in(contact_words(), w_[k])) return true;
      // "stop calling and texting me": the texts are among what stops.
      if (!in(contact_modifiers(), w_[k]) && !in(other_channels(), w_[k])) return false;
    }
    return false;
  }

  /// Another channel named from `i` on in the clause, and no text: "the
  /// title company email chain".
  bool other_channel_in(std::size_t i) const {
    bool other = false;
    for (std::size_t k = i; k < w_.size(); ++k) {
      if (in(contact_words(), w_[k])) return false;
      other = other || in(other_channels(), w_[k]);
    }
    return other;
  }

  /// Another channel within a few words after `i`: "stop calling me".
  bool other_channel_follows(std::size_t i) const {
    for (std::size_t k = i; k < w_.size() && k < i + 4; ++k) {
      if (in(other_channels(), w_[k])) return true;
      if (!in(contact_modifiers(), w_[k])) return false;
    }
    return false;
  }

  /// "sending [me] these", "sending me texts": what is sent is the texts,
  /// unless the object is narrowed ("sending me listings over 600k").
  opt_out_verdict sending_at(std::size_t i) const {
    std::size_t k = i + 1;
    if (word(k) == "me" || word(k) == "us") ++k;
    if (k >= w_.size()) return opt_out_verdict::opt_out;  // "stop sending me"
    const auto& object = w_[k];
    if (in(contact_words(), object) || contact_follows(k)) return opt_out_verdict::opt_out;
    if (in(sent_things(), object)) {
      // "anything else on the lake house": narrowed to one thing.
      const auto after = word(k + 1) == "else" || word(k + 1) == "other" ? k + 2 : k + 1;
      return in(qualifiers(), word(after)) ? opt_out_verdict::none : opt_out_verdict::opt_out;
    }
    if (in(qualifiers(), word(k + 1)) || in(qualifiers(), word(k + 2))) {
      return opt_out_verdict::none;
    }
    return opt_out_verdict::unsure;  // "stop sending me listings"
  }

  /// The verdict contributed by the word at `i`.
  opt_out_match at(std::size_t i) const {
    const auto& t = w_[i];
    if (t == "unsubscribe") {
      // "the unsubscribe link on your newsletter": a noun, not a request.
      if (i > 0 &&
          (w_[i - 1] == "the" || w_[i - 1] == "an" || w_[i - 1] == "your" || w_[i - 1] == "ur")) {
        return other_channel_follows(i + 1) ? opt_out_match{} : maybe(t);
      }
      // "unsubscribe from what?": a lead who does not know what this is.
      if (word(i + 1) == "from" && word(i + 2) == "what") return maybe(t);
      return negated(i) || hypothetical(i) ? maybe(t) : sure("unsubscribe");
    }
    if (t == "optout") return hypothetical(i) ? maybe(t) : opt_out_at(i);
    if (t == "no" && in(contact_verbs(), word(i + 1)) && word(i + 1) != "call" &&
        word(i + 1) != "email" && starts_request(i)) {
      // "please no send more message": a lead writing in a second language.
      if (word(i + 1) != "send" || sending_at(i + 1) == opt_out_verdict::opt_out) {
        return sure("dont_contact");
      }
    }
    if (t == "unsubscribed") return unsubscribed_at(i);
    if (in(spanish_removals(), t)) return sure("remove_me");
    if (t == "no" && word(i + 1) == "me" && in(spanish_contact_verbs(), word(i + 2))) {
      return sure("dont_contact");  // "no me manden mas mensajes"
    }
    if (t == "non" && in(spanish_contact_verbs(), word(i + 1))) return sure("dont_contact");
    if (t == "no" &&
        (word(i + 1) == "quiero" || word(i + 1) == "queremos" || word(i + 1) == "deseo") &&
        contact_in_rest(i)) {
      return sure("dont_want");  // "ya no quiero recibir mensajes"
    }
    if (t == "cease" && word(i + 1) == "and" && word(i + 2) == "desist") {
      return sure("cease_and_desist");
    }
    if (in(stop_verbs(), t)) return stop_verb_at(i);
    if (t == "why") {
      if (auto m = complaint_at(i); m.verdict != opt_out_verdict::none) return m;
    }
    // "can you not text me", "could u not message me anymore".
    if (t == "not" && i > 0 && (w_[i - 1] == "you" || w_[i - 1] == "please") &&
        in(contact_verbs(), word(i + 1)) && word(i + 1) != "call" && word(i + 1) != "email") {
      return sure("dont_contact");
    }
    // "I'd rather not get any more texts", "prefer not to receive messages".
    if (t == "not" && i > 0 && (w_[i - 1] == "rather" || w_[i - 1] == "prefer") &&
        contact_in_rest(i)) {
      return sure("dont_want");
    }
    if (t == "dont" && in(contact_verbs(), word(i + 1)) && word(i + 2) == "list") {
      return sure("do_not_contact_list");  // "put me on your do not call list"
    }
    if (t == "dnc") return sure("do_not_contact_list");
    // "keep texting me and I'm filing a TCPA complaint": a threat to report.
    if ((t == "tcpa" || t == "fcc" || t == "ftc") &&
        std::any_of(w_.begin(), w_.end(), [](const std::string& x) {
          return x == "complaint" || x == "violation" || x == "lawsuit" || x == "sue" ||
                 x == "report" || x == "reporting" || x == "filing" || x == "file";
        })) {
      return sure("threat");
    }
    if (t == "opt" && (word(i + 1) == "me" || word(i + 1) == "us") && word(i + 2) == "out") {
      return sure("opt_out");
    }
    if (in(consent_words(), t)) return consent_at(i);
    if (t == "no" && (word(i + 1) == "more" || in(contact_words(), word(i + 1)))) {
      const std::size_t k = word(i + 1) == "more" ? i + 2 : i + 1;
      if (in(contact_words(), word(k)) || contact_follows(k, 4)) return sure("no_more");
    }
    if ((t == "dont" || t == "never" || t == "nolonger") && starts_request(i)) {
      if (auto m = dont_contact_at(i); m.verdict != opt_out_verdict::none) return m;
    }
    if ((t == "dont" || t == "nolonger" || t == "not") && wants_follow(i) && contact_in_rest(i)) {
      return sure("dont_want");
    }
    if (auto m = removal_at(i); m.verdict != opt_out_verdict::none) return m;
    if (auto m = fixed_phrase_at(i); m.verdict != opt_out_verdict::none) return m;
    if (is_keyword(t)) return keyword_at(i);
    if (t == "block" || t == "blocking" || t == "blocked") {
      const auto& next = word(i + 1);
      // "I'm blocking this number", "block me": a threat or a request, not
      // "my phone kept blocking your texts".
      static const word_set threatening{"i",    "im",     "ill", "gonna", "going", "will", "to",
                                        "just", "please", "and", "or",    "now",   "will"};
      const bool request = i == 0 || in(threatening, w_[i - 1]) || leads_clause(i);
      if (request && (next == "you" || next == "this" || next == "your" || next == "number" ||
                      next == "them" || next == "ur" || next == "me" || next == "us")) {
        return sure("block");
      }
      // "the same block", "block off Saturday", "the bank blocked the wire",
      // "I blocked my old agent": a street block, a time, someone else.
      if ((i > 0 && (in(noun_markers(), w_[i - 1]) || in(determiners(), w_[i - 1]))) ||
          next == "off" || next == "out" || in(determiners(), next) || t == "blocked") {
        return {};
      }
      return maybe(t);
    }
    if (t == "spam" || t == "harass" || t == "harassing" || t == "harassment" || t == "enough") {
      return maybe(t);
    }
    return {};
  }

  /// "I already unsubscribed", "I unsubscribed from your texts": the lead
  /// thinks they are out. Not "I unsubscribed from the Zillow emails" or
  /// "from the other agent's texts": another sender.
  opt_out_match unsubscribed_at(std::size_t i) const {
    static const word_set elsewhere{"other",    "another", "their",  "his",     "her",   "old",
                                    "previous", "zillow",  "redfin", "realtor", "trulia"};
    if (word(i + 1) == "from") {
      for (std::size_t k = i + 2; k < w_.size() && k <= i + 5; ++k) {
        if (in(elsewhere, w_[k]) || in(other_channels(), w_[k])) return {};
        if (in(contact_words(), w_[k])) break;
      }
    }
    return negated(i) ? maybe("unsubscribed") : sure("unsubscribe");
  }

  /// "why do I keep getting these", "why are you still texting me": the lead
  /// complains that the texts go on.
  opt_out_match complaint_at(std::size_t i) const {
    static const word_set going_on{"keep", "keeps", "still", "continue", "continuing"};
    static const word_set receiving{"getting",    "receiving", "texting", "messaging", "sending",
                                    "contacting", "spamming",  "bugging", "bothering"};
    for (std::size_t k = i + 1; k + 1 < w_.size() && k <= i + 5; ++k) {
      if (!in(going_on, w_[k]) || !in(receiving, w_[k + 1])) continue;
      const auto& object = word(k + 2);
      if (object.empty() || object == "me" || object == "us" || in(sent_things(), object) ||
          in(contact_words(), object) || contact_follows(k + 2)) {
        return sure("complaint");
      }
    }
    return {};
  }

  /// "what does opt out mean", "stop means": the word is talked about.
  bool defines(std::size_t i) const {
    const auto& next = word(i + 1);
    return next == "mean" || next == "means" || next == "meaning";
  }

  /// "I told the other realtor to stop texting me": someone else is to stop.
  bool told_someone_else(std::size_t i) const {
    if (i == 0 || w_[i - 1] != "to") return false;
    static const word_set telling{"told", "asked",  "tell", "ask",    "telling", "asking",
                                  "want", "wanted", "need", "needed", "get",     "got"};
    static const word_set others{"other",     "another",  "realtor", "agent",    "agents",
                                 "he",        "she",      "they",    "him",      "her",
                                 "them",      "lender",   "company", "guy",      "people",
                                 "companies", "realtors", "bank",    "investors"};
    bool telling_seen = false;
    bool other_seen = false;
    for (std::size_t k = i - 1; k-- > 0 && k + 7 > i;) {
      if (w_[k] == "you" || w_[k] == "u") return false;
      telling_seen = telling_seen || in(telling, w_[k]);
      other_seen = other_seen || in(others, w_[k]);
    }
    return telling_seen && other_seen;
  }

  /// "why would I unsubscribe", "if I opt out": said of a possibility.
  bool hypothetical(std::size_t i) const {
    static const word_set modals{"would", "should", "could", "might", "if", "whether"};
    for (std::size_t back = 1; back <= 3 && back <= i; ++back) {
      if (in(modals, w_[i - back])) return true;
    }
    return false;
  }

  /// "please cease all text communication", "deja de mandarme mensajes":
  /// a stop verb counts only with the texts as its object.
  opt_out_match stop_verb_at(std::size_t i) const {
    std::size_t k = i + 1;
    if (word(k) == "de" || word(k) == "from") ++k;  // "deja de ...", "desist from ..."
    if (word(k) == "me" && in(spanish_contact_verbs(), word(k + 1))) ++k;
    if (in(spanish_contact_verbs(), word(k)) || in(contact_words(), word(k)) ||
        contact_follows(k)) {
      return sure("stop_contact");
    }
    if (word(k) == "sending") {
      return sending_at(k) == opt_out_verdict::opt_out ? sure("stop_contact") : opt_out_match{};
    }
    return {};
  }

  static const word_set& consent_words() {
    static const word_set words{"consent", "permission", "authorization", "authorisation"};
    return words;
  }

  /// "I revoke my consent", "I no longer consent", "I did not consent to
  /// these texts", "withdraw permission".
  opt_out_match consent_at(std::size_t i) const {
    static const word_set revoking{"revoke", "revoking", "withdraw", "withdrawing", "rescind",
                                   "cancel", "remove",   "no",       "not",         "dont",
                                   "didnt",  "nolonger", "never",    "without",     "pull",
                                   "take",   "taking",   "revoked",  "withdrawn",   "end"};
    for (std::size_t k = (i >= 4 ? i - 4 : 0); k < i; ++k) {
      if (in(revoking, w_[k]) || is_keyword(w_[k])) return sure("consent");
    }
    return maybe(w_[i]);
  }

  /// OPT OUT anywhere ("I want to opt out", "opting out"), except of
  /// something that is not the texts ("can we opt out of the HOA").
  opt_out_match opt_out_at(std::size_t i) const {
    // "is the membership opt-in or opt-out", "what does opt out mean": the
    // words as a subject, not a request.
    if (defines(i) || std::find(w_.begin(), w_.end(), "optin") != w_.end()) return {};
    if (word(i + 1) == "of") {
      const auto k = skip_determiners(i + 2);
      if (k < w_.size() && !in(contact_words(), w_[k]) && !in(list_words(), w_[k]) &&
          !in(sent_things(), w_[k])) {
        return {};
      }
    }
    return negated(i) ? maybe("optout") : sure("opt_out");
  }

  /// A negation that asks rather than describes: at the clause's start
  /// after fillers ("please don't text me"), or after "you" ("you don't need
  /// to text me again"). "I don't text much" describes.
  bool starts_request(std::size_t i) const {
    for (std::size_t k = 0; k < i; ++k) {
      const auto& t = w_[k];
      if (in(subjects(), t)) return false;
      static const word_set discourse{"you",       "and",  "so",      "just", "anyway",
                                      "anyways",   "also", "but",     "plus", "btw",
                                      "otherwise", "then", "honestly"};
      if (!in(fillers(), t) && !in(discourse, t)) return false;
    }
    return true;
  }

  /// "don't [you ever] text me", "never contact this number again",
  /// "you don't need to message me". Calls alone are unsure: a lead may want
  /// texts instead ("don't call me, text").
  opt_out_match dont_contact_at(std::size_t i) const {
    static const word_set between{"you",    "ever",  "even",     "need",   "to", "have",
                                  "please", "again", "evermore", "bother", "u",  "want"};
    std::size_t k = i + 1;
    while (k < w_.size() && k < i + 5 && in(between, w_[k]) && !in(contact_verbs(), w_[k])) ++k;
    if (k >= w_.size()) return {};
    const auto& verb = w_[k];
    if (!in(contact_verbs(), verb)) return {};
    if (verb == "send") {
      const auto v = sending_at(k);
      if (v == opt_out_verdict::opt_out) return sure("dont_contact");
      return v == opt_out_verdict::unsure ? maybe("send") : opt_out_match{};
    }
    if (verb == "call" || verb == "email") return maybe(verb);
    if (verb == "hit" && word(k + 1) != "me") return {};
    if (verb == "reach" && word(k + 1) != "out") return {};
    // "don't text me [the listing, email it]": the object decides little;
    // a narrowing after the lead ("after 9pm") still revokes that much.
    return sure("dont_contact");
  }

  bool wants_follow(std::size_t i) const {
    static const word_set wants{"want", "wish", "need", "wanna"};
    for (std::size_t k = i + 1; k < w_.size() && k <= i + 3; ++k) {
      if (in(wants, w_[k])) return true;
    }
    return false;
  }

  bool contact_in_rest(std::size_t i) const {
    return std::any_of(w_.begin() + static_cast<std::ptrdiff_t>(i), w_.end(),
                       [](const std::string& t) { return in(contact_words(), t); });
  }

  /// "remove me", "delete my number", "lose this number", "take me off your
  /// list", "get us off the list"; not "remove the carpet".
  opt_out_match removal_at(std::size_t i) const {
    static const word_set removing{"remove", "delete",  "erase", "drop",  "lose",
                                   "forget", "scratch", "purge", "unlist"};
    static const word_set taking{"take", "get", "put", "keep", "leave", "cross"};
    const auto& t = w_[i];
    if (t == "removed" &&
        (word(i + 1) == "from" ||
         (i > 0 && (w_[i - 1] == "be" || w_[i - 1] == "get" || w_[i - 1] == "been")))) {
      // "I'd like to be removed from your list"; not "the carpet was removed".
      if (word(i + 1) != "from") return sure("remove_me");
      const auto k = skip_determiners(i + 2);
      if (k >= w_.size() || in(list_words(), w_[k]) || in(contact_words(), w_[k])) {
        return sure("remove_me");
      }
      return i > 0 && (w_[i - 1] == "be" || w_[i - 1] == "get") ? sure("remove_me")
                                                                : opt_out_match{};
    }
    if (in(removing, t)) {
      const auto& target = word(i + 1);
      if (target == "me" || target == "us") {
        // "remove me from the email list": another channel.
        if (word(i + 2) == "from" && other_channel_in(i + 3)) return {};
        return sure("remove_me");
      }
      if ((target == "my" || target == "this" || target == "our" || target == "your") &&
          in(identity_words(), word(i + 2))) {
        // "remove my name from the offer" is not the texts.
        if (word(i + 2) == "name" && word(i + 3) == "from" && !in(list_words(), word(i + 5)) &&
            !in(list_words(), word(i + 4))) {
          return {};
        }
        return sure("remove_me");
      }
      return {};
    }
    if (in(taking, t)) {
      std::size_t k = i + 1;
      if (word(k) == "me" || word(k) == "us") {
        ++k;
      } else if ((word(k) == "my" || word(k) == "this" || word(k) == "our") &&
                 in(identity_words(), word(k + 1))) {
        k += 2;
      } else {
        return {};
      }
      if (word(k) == "off" || (word(k) == "out" && word(k + 1) == "of")) {
        // "take me off the EMAIL list", "off the title company email chain":
        // another channel.
        return other_channel_in(k + 1) ? opt_out_match{} : sure("remove_me");
      }
      return {};
    }
    if (t == "off") {
      const auto k = skip_determiners(i + 1);
      if (k < w_.size() && in(list_words(), w_[k])) return sure("off_list");
    }
    return {};
  }

  /// Revocations that are whole phrases: "leave me alone", "wrong number",
  /// "lose this number", "go away", "knock it off", "do not disturb".
  opt_out_match fixed_phrase_at(std::size_t i) const {
    const auto& t = w_[i];
    const auto& next = word(i + 1);
    if (t == "leave" && (next == "me" || next == "us") && word(i + 2) == "alone") {
      return sure("leave_alone");
    }
    if (t == "wrong" && (next == "number" || next == "person" || next == "guy" || next == "girl" ||
                         next == "lady" || next == "contact")) {
      return sure("wrong_number");
    }
    if ((t == "go" && next == "away") || (t == "get" && next == "lost") ||
        ((t == "fuck" || t == "piss" || t == "buzz" || t == "bugger") && next == "off") ||
        ((t == "knock" || t == "cut") && next == "it" &&
         (word(i + 2) == "off" || word(i + 2) == "out"))) {
      return sure("leave_alone");
    }
    if (t == "dont" && next == "disturb") return sure("leave_alone");
    if (t == "dnd" && w_.size() <= 3) return sure("leave_alone");
    if ((t == "report" || t == "reporting" || t == "reported") &&
        (next == "you" || next == "this" || next == "as" || next == "spam" || next == "it")) {
      return sure("spam");
    }
    if (t == "spam" && w_.size() <= 4 &&
        std::all_of(w_.begin(), w_.end(), [](const std::string& x) {
          return x == "spam" || in(fillers(), x) || x == "is" || x == "stop";
        })) {
      return sure("spam");
    }
    return {};
  }

  /// A keyword in a sentence: its neighbours decide.
  opt_out_match keyword_at(std::size_t i) const {
    const auto& t = w_[i];
    const auto& next = word(i + 1);
    // "how many times do I have to say stop", "I replied STOP twice".
    static const word_set quoting{"say",     "said",  "saying", "type",   "typed", "reply",
                                  "replied", "wrote", "write",  "texted", "sent",  "typing"};
    if (i > 0 && in(quoting, w_[i - 1])) {
      // "my daughter says I should reply stop", "your text said reply STOP
      // to end": a possibility, or the instruction read back.
      if (hypothetical(i - 1) ||
          (word(i + 1) == "to" && (is_keyword(word(i + 2)) || word(i + 2) == "optout"))) {
        return maybe(t);
      }
      return sure("quoted_keyword");
    }
    if (defines(i) || told_someone_else(i)) return {};
    if (negated(i)) return {};  // "please don't stop sending listings"
    if (i > 0 && in(noun_markers(), w_[i - 1]) && !is_keyword(w_[i - 1])) {
      return {};  // "the end", "a stop sign", "full stop"
    }
    if (t == "stop" && in(visit_particles(), next)) return {};  // "stop by the office"
    if (t == "end" && in(end_followers(), next)) return {};     // "end of the month"
    if (t == "remove") return {};  // "remove" + anything but the lead: removal_at decided
    // "stop texting me", "quit messaging", "cancel these texts", "end the
    // spam", "stop with the constant texts".
    if (in(contact_words(), next) || contact_follows(i + 1)) {
      // "I had to stop texting for a bit", "I'll stop texting you now": the
      // lead's own texting.
      if (next.ends_with("ing") && (word(i + 2) == "you" || first_person_before(i)) &&
          word(i + 2) != "me" && word(i + 2) != "us") {
        return word(i + 2) == "you" ? opt_out_match{} : maybe(t);
      }
      return sure("stop_contact");
    }
    // "stop calling me": another channel; the texts may be welcome.
    if (other_channel_follows(i + 1)) return maybe(t);
    // "how do you make these stop", "when will these texts end".
    if (ends_clause(i + 1) && t != "cancel" && t != "remove") {
      for (std::size_t back = 1; back <= 3 && back <= i; ++back) {
        const auto& before = w_[i - back];
        if (before == "these" || before == "them" || in(contact_words(), before)) {
          return sure("stop_contact");
        }
      }
    }
    if (next == "sending") {
      const auto v = sending_at(i + 1);
      if (v == opt_out_verdict::opt_out) return sure("stop_contact");
      return v == opt_out_verdict::unsure ? maybe(t) : opt_out_match{};
    }
    // An object that is not the texts: "cancel the inspection", "quit her
    // job", "end our lease", "revoke my offer".
    const auto k = skip_determiners(i + 1);
    if (k > i + 1 && k < w_.size() && !in(fillers(), w_[k]) && !in(list_words(), w_[k])) {
      return {};
    }
    if (in(object_keywords(), t) && k == i + 1 && k < w_.size() && !in(fillers(), next)) {
      return {};  // "cancel showings", "end escrow early"
    }
    // Leading the clause after fillers, a keyword asks to stop: "STOP who is
    // this", "stop pls I sold already".
    const bool gerund = next.size() > 4 && next.ends_with("ing");
    if (leads_clause(i) && !in(object_keywords(), t)) {
      return gerund ? maybe(t) : sure("leading_stop");  // "stop wasting my time": unsure
    }
    // Mid-sentence, another activity stops: "we want to stop renting".
    if (gerund) return {};
    return maybe(t);
  }

  /// The nearest subject before `i` is the lead ("I", "we"), not "you".
  bool first_person_before(std::size_t i) const {
    for (std::size_t k = i; k-- > 0;) {
      if (w_[k] == "you" || w_[k] == "your") return false;
      if (w_[k] == "i" || w_[k] == "we" || w_[k] == "im" || w_[k] == "ill" || w_[k] == "id") {
        return true;
      }
    }
    return false;
  }

  /// Only fillers from `i` to the clause's end.
  bool ends_clause(std::size_t i) const {
    for (std::size_t k = i; k < w_.size(); ++k) {
      if (!in(fillers(), w_[k])) return false;
    }
    return true;
  }

  bool leads_clause(std::size_t i) const {
    for (std::size_t k = 0; k < i; ++k) {
      if (!in(fillers(), w_[k]) && !is_keyword(w_[k])) return false;
    }
    return true;
  }

  const words_t& w_;
  const word_set& keywords_;
};

/// The lead asks for texts: "texts are fine", "just text me", "text only",
/// "use this cell instead", "I prefer texting".
bool affirms_texts(const words_t& w) {
  static const word_set sms{"text", "texts", "texting", "sms"};
  static const word_set good{"fine", "ok",   "okay",    "better",   "good",     "great",
                             "best", "only", "instead", "directly", "preferred"};
  for (std::size_t i = 0; i < w.size(); ++i) {
    const bool negated_before =
        (i >= 1 && (in(negators(), w[i - 1]) || in(builtin_keywords(), w[i - 1]))) ||
        (i >= 2 && (in(negators(), w[i - 2]) || in(builtin_keywords(), w[i - 2])));
    if (in(sms, w[i]) && !negated_before) {
      for (std::size_t k = i + 1; k < w.size() && k <= i + 4 && w[k] != clause_break; ++k) {
        if (in(good, w[k])) return true;
      }
      if (i > 0 && (w[i - 1] == "just" || w[i - 1] == "prefer" || w[i - 1] == "only" ||
                    w[i - 1] == "keep" || w[i - 1] == "continue")) {
        return true;
      }
    }
    if ((w[i] == "use" || w[i] == "text") && i + 2 < w.size() &&
        (w[i + 1] == "this" || w[i + 1] == "my") &&
        (w[i + 2] == "cell" || w[i + 2] == "number" || w[i + 2] == "phone")) {
      return true;
    }
  }
  return false;
}

/// The lead asks for more: "keep sending listings", "keep me on the list",
/// "send me the link", "is it still available", "can we see it".
bool wants_more_texts(const words_t& w) {
  static const word_set things{"link",   "listing", "listings", "info", "details", "pics",
                               "photos", "address", "one",      "ones", "houses",  "homes"};
  for (std::size_t i = 0; i + 1 < w.size(); ++i) {
    const auto& t = w[i];
    const auto& next = w[i + 1];
    // "no need to keep texting", "don't keep sending".
    bool negated = false;
    for (std::size_t back = 1; back <= 3 && back <= i; ++back) {
      negated = negated || in(negators(), w[i - back]) || w[i - back] == "no";
    }
    if (negated) continue;
    if (t == "keep" && (next == "sending" || next == "texting" || next == "me" || next == "them" ||
                        next == "the")) {
      if (next != "me" || (i + 2 < w.size() && (w[i + 2] == "on" || w[i + 2] == "posted"))) {
        return true;
      }
    }
    if ((t == "send" || t == "text") && next == "me" && i + 2 < w.size()) {
      const std::size_t k = i + 2 < w.size() && (w[i + 2] == "the" || w[i + 2] == "that" ||
                                                 w[i + 2] == "more" || w[i + 2] == "a")
                                ? i + 3
                                : i + 2;
      if (k < w.size() && in(things, w[k])) return true;
    }
    if (t == "still" && next == "available") return true;
    if ((t == "can" || t == "could") && (next == "we" || next == "i") && i + 2 < w.size() &&
        (w[i + 2] == "see" || w[i + 2] == "tour" || w[i + 2] == "view")) {
      return true;
    }
  }
  return false;
}

bool mentions_other_channel(const words_t& w) {
  return std::any_of(w.begin(), w.end(),
                     [](const std::string& t) { return in(other_channels(), t); });
}

/// `w` with every occurrence of `phrase` replaced by a neutral word.
void blank_phrase(words_t& w, const words_t& phrase) {
  if (phrase.empty() || phrase.size() > w.size()) return;
  for (std::size_t i = 0; i + phrase.size() <= w.size(); ++i) {
    if (std::equal(phrase.begin(), phrase.end(), w.begin() + static_cast<std::ptrdiff_t>(i))) {
      for (std::size_t k = 0; k < phrase.size(); ++k) w[i + k] = "_";
    }
  }
}

bool has_non_ascii(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

/// Whether the words hold the phrase: word by word, or, for a phrase of a
/// script written without spaces (Chinese, Korean), inside the text.
bool contains_phrase(const words_t& w, const words_t& phrase) {
  if (phrase.empty()) return false;
  if (std::search(w.begin(), w.end(), phrase.begin(), phrase.end()) != w.end()) return true;
  std::string joined_phrase;
  for (const auto& p : phrase) joined_phrase += (joined_phrase.empty() ? "" : " ") + p;
  if (!has_non_ascii(joined_phrase)) return false;
  std::string joined;
  for (const auto& x : w) joined += (joined.empty() ? "" : " ") + x;
  return joined.find(joined_phrase) != std::string::npos;
}

/// Revocations in the languages most spoken in the United States after
/// English and Spanish (whose words the rule reads itself), as a lead
/// writes them (accents of Latin scripts are dropped by the rule's words).
const std::vector<std::string_view>& builtin_phrases() {
  static const std::vector<std::string_view> phrases{
      // Chinese: unsubscribe (as SMS senders in China ask to reply), do not
      // send again, stop sending.
      "\xE9\x80\x80\xE8\xAE\xA2", "\xE4\xB8\x8D\xE8\xA6\x81\xE5\x86\x8D\xE5\x8F\x91",
      "\xE5\x88\xAB\xE5\x86\x8D\xE5\x8F\x91", "\xE5\x81\x9C\xE6\xAD\xA2\xE5\x8F\x91",
      "\xE5\x8F\x96\xE6\xB6\x88\xE8\xAE\xA2\xE9\x98\x85",
      "\xE4\xB8\x8D\xE8\xA6\x81\xE5\x86\x8D\xE7\xBB\x99\xE6\x88\x91",
      "\xE4\xB8\x8D\xE8\xA6\x81\xE7\xBB\x99\xE6\x88\x91\xE5\x8F\x91",
      // Korean: refuse reception, stop (sending).
      "\xEC\x88\x98\xEC\x8B\xA0\xEA\xB1\xB0\xEB\xB6\x80",
      "\xEA\xB7\xB8\xEB\xA7\x8C \xEB\xB3\xB4\xEB\x82\xB4",
      "\xEA\xB7\xB8\xEB\xA7\x8C\xEB\xB3\xB4\xEB\x82\xB4",
      "\xEB\xB3\xB4\xEB\x82\xB4\xEC\xA7\x80 \xEB\xA7\x88",
      // Vietnamese: don't text, stop texting, unsubscribe.
      "\xC4\x91\xE1\xBB\xAB\x6E\x67 nh\xE1\xBA\xAF\x6E tin",
      "ng\xE1\xBB\xABng nh\xE1\xBA\xAF\x6E tin", "ng\xC6\xB0ng nh\xE1\xBA\xAF\x6E tin",
      "h\xE1\xBB\xA7y \xC4\x91\xC4\x83ng k\xC3\xBD",
      // Tagalog: please stop, stop the texting, don't text anymore.
      "pakitigil", "itigil ang pag text", "tigil na", "wag na mag text", "huwag na mag text",
      "huwag nyo na akong i text",
      // French, German, Portuguese, Italian (accents dropped).
      "desabonner", "desabonnez", "desinscrire", "desinscrivez", "ne menvoyez plus",
      "plus de messages", "abmelden", "abbestellen", "keine sms", "keine nachrichten",
      "nicht mehr schreiben", "nao quero mais", "nao me mande", "parem de mandar", "descadastrar",
      "non mandatemi", "non mandarmi", "non scrivetemi", "disiscrivimi", "annulla iscrizione",
      // Russian: don't write, don't send, unsubscribe, enough writing.
      "\xD0\xBD\xD0\xB5 \xD0\xBF\xD0\xB8\xD1\x88\xD0\xB8\xD1\x82\xD0\xB5",
      "\xD0\xBD\xD0\xB5 "
      "\xD0\xBF\xD1\x80\xD0\xB8\xD1\x81\xD1\x8B\xD0\xBB\xD0\xB0\xD0\xB9\xD1\x82\xD0\xB5",
      "\xD0\xBE\xD1\x82\xD0\xBF\xD0\xB8\xD1\x81\xD0\xB0\xD1\x82\xD1\x8C\xD1\x81\xD1\x8F",
      "\xD1\x85\xD0\xB2\xD0\xB0\xD1\x82\xD0\xB8\xD1\x82 "
      "\xD0\xBF\xD0\xB8\xD1\x81\xD0\xB0\xD1\x82\xD1\x8C"};
  return phrases;
}

/// The market's phrase as the rule's words, without clause breaks.
words_t phrase_words(std::string_view text) {
  auto out = opt_out_rule::words(text);
  out.erase(std::remove(out.begin(), out.end(), std::string{clause_break}), out.end());
  return out;
}

}  // namespace

std::string_view to_string(opt_out_verdict verdict) noexcept {
  switch (verdict) {
    case opt_out_verdict::unsure:
      return "unsure";
    case opt_out_verdict::opt_out:
      return "opt_out";
    case opt_out_verdict::none:
      break;
  }
  return "none";
}

opt_out_rule::opt_out_rule() : extra_keywords_(builtin_keywords()) {
  for (const auto p : builtin_phrases()) phrases_.push_back(phrase_words(p));
  // Real-estate and everyday terms that contain an opt-out word.
  for (const std::string_view p :
       {"quit claim", "quitclaim", "stop work", "stop loss", "stop and shop", "end unit",
        "stop gap", "stop light", "stop sign", "stop lights", "stop signs", "cancel culture",
        "end user", "the end of", "stop payment", "cancellation fee", "cancellation policy"}) {
    not_phrases_.push_back(phrase_words(p));
  }
}

opt_out_rule::opt_out_rule(const config::compliance_settings& market) : opt_out_rule() {
  for (const auto& k : market.opt_out_keywords) {
    for (auto& w : phrase_words(k)) extra_keywords_.insert(std::move(w));
  }
  for (const auto& p : market.opt_out_phrases) {
    if (auto w = phrase_words(p); !w.empty()) phrases_.push_back(std::move(w));
  }
  for (const auto& p : market.not_opt_out_phrases) {
    if (auto w = phrase_words(p); !w.empty()) not_phrases_.push_back(std::move(w));
  }
}

std::vector<std::string> opt_out_rule::words(std::string_view text) {
  words_t out;
  std::string current;
  const auto flush = [&] {
    if (!current.empty()) {
      out.push_back(fold_typo(fold_spelling(fold_repeats(current))));
      current.clear();
    }
  };
  const auto brk = [&] {
    flush();
    if (!out.empty() && out.back() != clause_break) out.emplace_back(clause_break);
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      current.push_back(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      current.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (c == 0xC3 && i + 1 < text.size()) {
      // Latin-1 letters of Spanish and French texts, without their accent.
      static constexpr std::string_view latin1 =
          "aaaaaaaceeeeiiiidnooooo/ouuuuyty";  // U+00E0..U+00FF
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0xA0 && next <= 0xBF) {
        const char folded = latin1[next - 0xA0];
        if (folded != '/') current.push_back(folded);
      } else if (next >= 0x80 && next <= 0x9F) {
        const char folded = latin1[next - 0x80];
        if (folded != '/') current.push_back(folded);
      }
      ++i;
    } else if (c == '\'' || c == '`') {
      // "don't" -> "dont"
    } else if (c == 0xE2 && i + 2 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(text[i + 2]) == 0x98 ||
                static_cast<unsigned char>(text[i + 2]) == 0x99)) {
      i += 2;  // a curly apostrophe
    } else if ((c == 0xF0 && text.substr(i, 4) == "\xF0\x9F\x9B\x91") ||
               (c == 0xE2 && text.substr(i, 3) == "\xE2\x9B\x94")) {
      // A stop sign or a no-entry sign, said as a word.
      flush();
      out.emplace_back("stop");
      i += c == 0xF0 ? 3 : 2;
    } else if (c == '.' || c == '!' || c == '?' || c == ';' || c == ',' || c == '\n' || c == ':' ||
               c == '(' || c == ')') {
      brk();
    } else if (c == '#') {
      flush();
      out.emplace_back("number");
    } else if (c == '&') {
      flush();
      out.emplace_back("and");
    } else if (c >= 0xC4 && c <= 0xDF && i + 1 < text.size()) {
      // A letter of another Latin, Greek, Cyrillic, Hebrew or Arabic script:
      // kept as written, for the phrases of those languages. Vietnamese Đ
      // gets its lower case.
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (c == 0xC4 && next == 0x90) {
        current.append("\xC4\x91");
      } else if (c == 0xD0 && next >= 0x90 && next <= 0x9F) {  // Cyrillic А..П
        current.push_back(static_cast<char>(0xD0));
        current.push_back(static_cast<char>(next + 0x20));
      } else if (c == 0xD0 && next >= 0xA0 && next <= 0xAF) {  // Cyrillic Р..Я
        current.push_back(static_cast<char>(0xD1));
        current.push_back(static_cast<char>(next - 0x20));
      } else {
        current.append(text.substr(i, 2));
      }
      ++i;
    } else if (c >= 0xE0 && c <= 0xED && c != 0xE2 && i + 2 < text.size() &&
               !(c == 0xE3 && static_cast<unsigned char>(text[i + 1]) == 0x80)) {
      // CJK, Hangul, Vietnamese and other scripts' letters (not the general
      // punctuation and symbols of E2, nor CJK punctuation).
      current.append(text.substr(i, 3));
      i += 2;
    } else {
      flush();
    }
  }
  flush();
  while (!out.empty() && out.back() == clause_break) out.pop_back();
  fold_pairs(out);
  // A folded pair may make a multi-word spelling ("nomore" -> "no more").
  words_t split;
  for (auto& w : out) {
    if (const auto space = w.find(' '); space != std::string::npos) {
      split.push_back(w.substr(0, space));
      split.push_back(w.substr(space + 1));
    } else {
      split.push_back(std::move(w));
    }
  }
  return split;
}

opt_out_match opt_out_rule::classify(std::string_view body) const {
  auto w = words(body);
  for (const auto& phrase : not_phrases_) blank_phrase(w, phrase);
  for (const auto& phrase : phrases_) {
    if (contains_phrase(w, phrase)) return {opt_out_verdict::opt_out, "phrase"};
  }
  // "take me off the email list but texts are fine", "stop calling my work
  // number, use this cell instead": another channel stops, the texts stay.
  const bool keeps_texts = affirms_texts(w) && mentions_other_channel(w);
  // "that STOP was meant for a different chat, keep sending listings",
  // "Stop! That price is amazing. Is it still available??": a bare STOP
  // beside a wish for more is a slip or slang; the model settles it.
  const bool wants_more = wants_more_texts(w);
  opt_out_match best;
  auto begin = w.begin();
  while (begin != w.end()) {
    const auto end = std::find(begin, w.end(), std::string{clause_break});
    const words_t clause(begin, end);
    auto m = clause_reader(clause, extra_keywords_).run();
    if (keeps_texts && m.verdict != opt_out_verdict::none) m = {opt_out_verdict::none, ""};
    if (wants_more && m.verdict == opt_out_verdict::opt_out &&
        (m.rule == "keyword" || m.rule == "leading_stop" || m.rule == "quoted_keyword")) {
      m = {opt_out_verdict::unsure, "unsure:" + m.rule};
    }
    if (m.verdict == opt_out_verdict::opt_out) return m;
    if (m.verdict == opt_out_verdict::unsure && best.verdict == opt_out_verdict::none) best = m;
    begin = end == w.end() ? end : end + 1;
  }
  return best;
}

bool honour_opt_out(const opt_out_match& match, const intent_ranking* intents) {
  switch (match.verdict) {
    case opt_out_verdict::opt_out:
      return true;
    case opt_out_verdict::unsure:
      return intents == nullptr || intents->empty() ||
             confidence_of(*intents, intent::opt_out_family) > 0;
    case opt_out_verdict::none:
      break;
  }
  return intents != nullptr && !intents->empty() &&
         intents->front().kind == intent::opt_out_family &&
         intents->front().confidence >= opt_out_intent_min_confidence;
}

}  // namespace openhouse::agents
