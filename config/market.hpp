#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

/// Immutable, validated configuration of one market (one brokerage's number),
/// parsed once from YAML by config::load_market_* and passed down by const
/// reference. Field defaults here are the documented defaults; the loader
/// overrides them only with validated values.
namespace openhouse::config {

struct city {
  std::string name;
  std::vector<std::string> zips;
};

/// Where the market's data file is (YAML `market.market_data`); see
/// config/market_data.hpp. No file: market questions get no figures.
struct market_data_settings {
  /// The CSV; load_market_file resolves a relative path against the market
  /// file's directory. "" when the market has none.
  std::string file;
};

struct market_info {
  std::string id;             ///< slug, e.g. "inland-empire"
  std::string name;           ///< "Inland Empire, CA"
  std::string business_name;  ///< signs the messages
  std::string timezone;       ///< IANA zone, e.g. "America/Los_Angeles"
  std::string phone_number;   ///< the brokerage's E.164 number leads text
  /// The CRM's id of this market's location (`locationId` of its webhooks);
  /// "" : CRM webhooks reach this market only when it is the node's only one.
  std::string crm_location_id;
  std::vector<city> cities;
  std::string help_text;       ///< answer to HELP/INFO
  std::string fallback_reply;  ///< sent when the provider is unavailable
  market_data_settings data;   ///< YAML `market_data`
};

struct server_settings {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 8080;
  /// Base URL Twilio signs (scheme://host[:port]); proxies rewrite Host so it
  /// cannot be derived from the request.
  std::string public_url;
  std::size_t io_threads = 2;
  std::size_t max_body_bytes = 64 * 1024;
  std::string admin_token;
  /// After SIGTERM the node answers /readyz 503 "draining" and keeps serving
  /// this long before it closes its listener: the time a load balancer needs
  /// to see the failing health check and stop sending (e.g. 2 checks 2 s apart).
  std::chrono::milliseconds drain_delay{5000};
  /// Open connections at most (`max_connections`); beyond it a new one
  /// displaces the connection waiting longest for a request, or is closed
  /// when all are answering one. Lowered to the open-file limit at start.
  std::size_t max_connections = 1000;
  std::size_t max_header_bytes = 16 * 1024;  ///< a request with more gets 431
  /// A request's first byte must come within `idle_timeout` (after connecting
  /// or the previous answer), its headers within `header_timeout` of that
  /// byte, its body within `body_timeout` of the headers.
  std::chrono::milliseconds idle_timeout{30000};
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{10000};
};

enum class reply_mode { twiml, rest };

struct twilio_settings {
  std::string account_sid;
  std::string auth_token;
  reply_mode mode = reply_mode::twiml;
  std::string api_base_url = "https://api.twilio.com";
  /// Where Twilio posts delivery reports of REST sends (StatusCallback); ""
  /// : none requested. Normally {public_url}/webhooks/twilio/status.
  std::string status_callback;
  /// Connection overrides the webhook URL carries in Twilio's console (e.g.
  /// "#rc=3&rp=ct,rt,5xx": retry on a connect or read timeout or a 5xx); a
  /// signature over the URL with them is accepted too. "" : none.
  std::string url_fragment;
};

struct crm_settings {
  /// Shared secret of HMAC-signed CRM webhooks (X-CRM-Signature); "" : refused.
  std::string secret;
  /// Root of the CRM's REST API (GoHighLevel-style contacts/{id}/tags and
  /// /notes); "" : the runtime makes no outbound CRM calls.
  std::string base_url;
  /// Bearer token of those calls.
  std::string api_token;
  /// PEM public key checking GoHighLevel's RSA `x-wh-signature` (the YAML
  /// gives the PEM text or a file's path; this is the text); "" : refused.
  std::string public_key;
  /// A webhook whose timestamp is further than this from the clock is refused.
  std::chrono::seconds replay_window{300};
  /// A person adding this tag gives a muted lead back to the bots.
  std::string release_tag = "Release-To-Bots";
};

/// The persisted outbox of REST sends and CRM writes (outbox:).
struct outbox_settings {
  /// How often each node looks for due rows (a crash's leftovers, retries);
  /// a new row also wakes the worker at once.
  std::chrono::milliseconds poll{1000};
  int max_attempts = 8;                         ///< then the row is failed
  std::chrono::milliseconds base_delay{1000};   ///< backoff before the 2nd attempt
  std::chrono::milliseconds max_delay{300000};  ///< cap of the exponential backoff
  std::chrono::milliseconds timeout{10000};     ///< one HTTP call
};

struct storage_settings {
  std::string database_url;
  std::string redis_url;
  std::size_t db_workers = 4;  ///< PostgreSQL connections, one detached actor each
  /// Turn writes (inbound rows, replies) queued or in flight at most: a
  /// webhook that would queue one more gets 503 at once.
  std::size_t write_queue = 2048;
  /// Turn writes committed together at most (one transaction each batch).
  std::size_t write_batch = 256;
};

struct runtime_settings {
  std::chrono::seconds conversation_idle_timeout{900};
  std::size_t history_limit = 10;
  /// How long a node holds a lead's message it is answering: another node
  /// waits that long for its reply (a redelivery of it, a later message of
  /// the lead) before it takes over, so a node that dies mid-turn blocks the
  /// lead for at most this long. Above reply.budget.
  std::chrono::milliseconds turn_lease{15000};
  /// A lead's message stored without a reply (its turn was cut off by a
  /// crash, or its store write failed) is picked up by a node once its lease
  /// ran out: answered through the outbox (twilio.mode rest) while younger
  /// than this, flagged for a person when older or in TwiML mode (whose
  /// HTTP answer is gone).
  std::chrono::milliseconds orphan_max_age{600000};
  /// How often each node looks for such messages (and once at start).
  std::chrono::milliseconds orphan_poll{30000};
};

/// Default minimum cacheable prefix of a model by its class: Anthropic's
/// haiku-class models need a longer prefix than sonnet/opus-class ones before
/// a cache_control marker has any effect. The YAML may state the exact value.
[[nodiscard]] inline std::size_t default_min_cacheable_tokens(std::string_view model) {
  return model.find("haiku") != std::string_view::npos ? 2048 : 1024;
}

struct model_price {
  double input = 0;        ///< USD per million input tokens
  double output = 0;       ///< USD per million output tokens
  double cache_write = 0;  ///< USD per million cache-creation tokens
  double cache_read = 0;   ///< USD per million cache-read tokens
  /// Shortest system prefix (tokens) the provider caches for this model; below
  /// it the gateway sends no cache marker (it would only cost a cache write).
  std::size_t min_cacheable_tokens = 1024;
};

/// Retries of one provider call (llm.retry). Attempts and the deadline both
/// bound a call: whichever is reached first stops it.
struct retry_settings {
  int max_attempts = 4;                       ///< including the first call
  std::chrono::milliseconds base_delay{250};  ///< backoff before the 2nd attempt
  std::chrono::milliseconds max_delay{8000};  ///< cap of the exponential backoff
  std::chrono::milliseconds deadline{20000};  ///< whole call, all attempts and waits
  double jitter = 0.5;                        ///< share of each delay that is random, 0..1
};

/// Circuit breaker per provider (llm.breaker).
struct breaker_settings {
  int failure_threshold = 5;              ///< consecutive provider-side failures that open it
  std::chrono::milliseconds open{30000};  ///< how long it stays open before one trial call
};

/// What a call over a daily cap does.
enum class over_cap_action {
  downgrade,  ///< use budget_settings::downgrade_model, up to cap * hard_cap_ratio
  fallback,   ///< send the market's fallback reply, no provider call
};

/// Daily spending caps (llm.budgets); days are the market's local days. Every
/// cap is positive: there is no "unlimited".
struct budget_settings {
  std::int64_t contact_daily_tokens = 200'000;
  double contact_daily_usd = 2.0;
  std::int64_t market_daily_tokens = 20'000'000;
  double market_daily_usd = 200.0;
  over_cap_action action = over_cap_action::downgrade;
  std::string downgrade_model = "claude-haiku-4-5";
  /// Downgraded calls stop (fallback) at cap * hard_cap_ratio, so that even
  /// the cheaper model's spending is bounded.
  double hard_cap_ratio = 1.5;
};

/// A model's rate limits at the provider (llm.rate_limits.MODEL); 0 = unlimited.
struct rate_limit_settings {
  std::int64_t requests_per_minute = 0;
  std::int64_t input_tokens_per_minute = 0;
  std::int64_t output_tokens_per_minute = 0;
};

struct llm_settings {
  std::string provider = "anthropic";  ///< anthropic | openai
  std::string base_url;
  std::string api_key;
  std::chrono::milliseconds timeout{20000};
  /// Per model; a model without an entry is limited only by the provider's
  /// own headers and retry-after.
  std::map<std::string, rate_limit_settings> rate_limits;
  /// Calls waiting for their model's rate limit; beyond it a call fails at
  /// once as rate_limited (the gateway's retry policy decides what follows).
  std::size_t queue_limit = 10000;
  std::map<std::string, std::string> routing;  ///< task -> model
  std::map<std::string, model_price> prices;   ///< model -> price
  std::size_t max_output_tokens = 300;
  retry_settings retry;
  breaker_settings breaker;
  budget_settings budgets;
  /// Inputs estimated at or above this many tokens go to long_input_model
  /// when that is a pricier (stronger) model than the task's own; 0 or an
  /// empty model turns the override off.
  std::size_t long_input_tokens = 0;
  std::string long_input_model;
};

/// One question of a bot's flow, and the lead fact it asks for (a canonical
/// fact name, see agents::fact_field_names; empty when it asks for none).
/// The flow skips a question whose fact is already known.
struct flow_question {
  std::string ask;
  std::string fact;
};

struct bot_settings {
  std::string persona;
  std::vector<flow_question> questions;
};

struct bots_settings {
  bot_settings lead;
  bot_settings buyer;
  bot_settings seller;
};

struct scoring_settings {
  std::map<std::string, double> frs_weights;  ///< component -> weight, sum 1
  std::map<std::string, double> pcs_weights;  ///< component -> weight, sum 1
  double frs_share = 0.5;                     ///< composite = frs*share + pcs*(1-share)
  double hot_threshold = 80;
  double warm_threshold = 40;
};

struct handoff_settings {
  double lead_to_buyer = 0.7;
  double lead_to_seller = 0.7;
  double buyer_to_seller = 0.8;
  double seller_to_buyer = 0.6;
  double margin = 0.15;
  std::chrono::minutes return_window{30};
  int max_per_hour = 3;
  int max_per_day = 10;
};

/// The semantic tier (cache.semantic). Only the tasks listed in
/// `thresholds` are matched by similarity; every other task is exact-match only.
struct semantic_settings {
  bool enabled = true;
  std::string embedder = "local";  ///< local | openai (the llm base URL's /v1/embeddings)
  std::string embedding_model = "text-embedding-3-small";
  std::map<std::string, double> thresholds;  ///< task -> minimum cosine similarity
  /// Lexicon additions on top of the built-in one (SMS spellings, synonyms).
  std::map<std::string, std::string> spellings;
  std::map<std::string, std::string> synonyms;
  std::vector<std::string> cities;  ///< place names beyond market.cities
  /// Every n-th L3 hit is also asked of the provider, in the background, and
  /// the served answer compared with the fresh one (entities must agree):
  /// the estimated false-hit rate. 0: never (no estimate).
  std::size_t verify_every = 50;
};

struct cache_settings {
  std::size_t l1_max_bytes = 64 * 1024 * 1024;
  std::map<std::string, std::chrono::seconds> ttl;  ///< task -> TTL
  /// task -> TTL of its market- and global-scoped entries, when it differs:
  /// a unit that reads only PII-free text (intent, facts, the bot's answer)
  /// does not change with a lead's state, only with the market's generation,
  /// its template and its model, which are all in its key.
  std::map<std::string, std::chrono::seconds> shared_ttl;
  /// One Redis round trip's limit; slower means "Redis is down" for that call.
  std::chrono::milliseconds redis_timeout{250};
  /// Prefix of every Redis key and of the invalidation channel, so that
  /// several deployments can share one Redis.
  std::string redis_prefix = "openhouse";
  /// Listen on the invalidation channel to evict L1 at once. Correctness does
  /// not depend on it (each turn reads the generations from Redis); it frees
  /// memory early and is on unless a deployment cannot use pub/sub.
  bool subscribe = true;
  semantic_settings semantic;
};

/// One of the brokerage's own answers (YAML `faq`): how leads ask it, as
/// patterns (agents::faq_catalog), and the facts of the answer. A question
/// that matches is answered from `answer` alone, shared by every lead of the
/// market who asks it about the same city; never with invented figures.
struct faq_entry {
  std::string id;  ///< snake_case topic, e.g. "commission"
  /// Each pattern is words that must all appear, in any order; "a|b" is
  /// either word, "cost*" any word starting so, "closing_cost*" consecutive
  /// words, "!open_house" words that must not appear. At least one.
  std::vector<std::string> patterns;
  std::string answer;  ///< the facts the answer gives
  /// A broad topic ("how does selling work", "how's the market") yields to
  /// any other entry the same text matches; two specific entries in one text
  /// are two questions, and neither is answered by topic.
  bool broad = false;
};

struct reply_settings {
  std::size_t max_chars = 320;
  /// A turn's LLM units must be done this long after the turn starts: Twilio
  /// waits 15 s for the webhook's answer. A unit still out then fails like a
  /// provider error, so the lead gets what the turn has (at worst the
  /// market's fallback reply, and a person is asked to look), not silence.
  std::chrono::milliseconds budget{12000};
};

/// Minutes after local midnight; quiet when start <= now < end (wrapping).
struct quiet_hours {
  int start_minute = 21 * 60;
  int end_minute = 8 * 60;
};

/// Opt-out recognition (YAML `compliance`): the market's own words on top of
/// the built-in rule (agents::opt_out_rule). Phrases are matched on the
/// rule's normalised words (lower case, punctuation and apostrophes dropped).
struct compliance_settings {
  /// Whole-message opt-out words beyond STOP, QUIT, END, REVOKE, OPT OUT,
  /// CANCEL, UNSUBSCRIBE (e.g. "baja"): alone, or with polite fillers.
  std::vector<std::string> opt_out_keywords;
  /// Phrases that revoke consent wherever they appear ("borrame de la lista").
  std::vector<std::string> opt_out_phrases;
  /// Phrases that contain an opt-out word but are not an opt-out in this
  /// market ("stop sign"): removed before the rule reads the message.
  std::vector<std::string> not_opt_out_phrases;
};

/// Human escalation (YAML `escalation`): the market's own words on top of the
/// built-in lists (agents::escalation_settings), and when else a lead is
/// muted for a person. Questions, answers and thanks never are.
struct escalation_config {
  std::vector<std::string> distress_words;  ///< added to the built-in distress words
  std::vector<std::string> human_phrases;   ///< added to the built-in requests for a person
  double human_intent_threshold = 0.8;      ///< a human_request intent at or above escalates
  /// Consecutive turns of confusion ("what?", "that's not what I asked", the
  /// same question again) that mute the lead for a person; 0: never.
  int confusion_turns = 3;
  /// A lead whose temperature becomes Hot is muted for a person; otherwise
  /// the agent gets a CRM note and the bot keeps answering.
  bool mute_on_hot = false;
  /// A muted lead who texts again gets a holding reply at most this often
  /// (the first text after the mute always); 0: never.
  std::chrono::milliseconds hold_reply_every{std::chrono::hours{4}};
};

/// Follow-ups (YAML `follow_up`): the one message the runtime starts itself,
/// to a lead who has not answered the bot's last message. Sent only through
/// the REST outbox (a TwiML answer needs an inbound webhook to ride on), never
/// in quiet hours, never to an opted-out or muted lead.
struct follow_up_settings {
  bool enabled = false;
  /// Silence after the bot's last message (or the previous follow-up) before
  /// the next follow-up.
  std::chrono::milliseconds after{std::chrono::hours{24}};
  int max_per_silence = 1;  ///< follow-ups per unanswered bot message
  std::string text;         ///< template; `{business_name}` is replaced
  std::chrono::milliseconds poll{std::chrono::minutes{5}};  ///< how often the worker looks
};

struct market_config {
  market_info market;
  server_settings server;
  twilio_settings twilio;
  crm_settings crm;
  outbox_settings outbox;
  storage_settings storage;
  runtime_settings runtime;
  llm_settings llm;
  bots_settings bots;
  scoring_settings scoring;
  handoff_settings handoff;
  escalation_config escalation;
  compliance_settings compliance;
  std::vector<faq_entry> faq;
  cache_settings cache;
  reply_settings reply;
  quiet_hours quiet;
  follow_up_settings follow_up;
};

}  // namespace openhouse::config
