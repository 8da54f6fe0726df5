#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
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

struct market_info {
  std::string id;             ///< slug, e.g. "inland-empire"
  std::string name;           ///< "Inland Empire, CA"
  std::string business_name;  ///< signs the messages
  std::string timezone;       ///< IANA zone, e.g. "America/Los_Angeles"
  std::string phone_number;   ///< the brokerage's E.164 number leads text
  std::vector<city> cities;
  std::string help_text;       ///< answer to HELP/INFO
  std::string fallback_reply;  ///< sent when the provider is unavailable
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
};

enum class reply_mode { twiml, rest };

struct twilio_settings {
  std::string account_sid;
  std::string auth_token;
  reply_mode mode = reply_mode::twiml;
  std::string api_base_url = "https://api.twilio.com";
};

struct crm_settings {
  std::string secret;
  std::string base_url;
};

struct storage_settings {
  std::string database_url;
  std::string redis_url;
  std::size_t db_workers = 4;  ///< PostgreSQL connections, one detached actor each
};

struct runtime_settings {
  std::chrono::seconds conversation_idle_timeout{900};
  std::size_t history_limit = 10;
};

struct model_price {
  double input = 0;        ///< USD per million input tokens
  double output = 0;       ///< USD per million output tokens
  double cache_write = 0;  ///< USD per million cache-creation tokens
  double cache_read = 0;   ///< USD per million cache-read tokens
};

struct llm_settings {
  std::string provider = "anthropic";  ///< anthropic | openai
  std::string base_url;
  std::string api_key;
  std::chrono::milliseconds timeout{20000};
  std::size_t workers = 8;  ///< concurrent provider calls
  std::map<std::string, std::string> routing;  ///< task -> model
  std::map<std::string, model_price> prices;   ///< model -> price
  std::size_t max_output_tokens = 300;
};

struct bot_settings {
  std::string persona;
  std::vector<std::string> questions;
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

struct cache_settings {
  std::size_t l1_max_bytes = 64 * 1024 * 1024;
  std::map<std::string, std::chrono::seconds> ttl;  ///< task -> TTL
};

struct reply_settings {
  std::size_t max_chars = 320;
};

/// Minutes after local midnight; quiet when start <= now < end (wrapping).
struct quiet_hours {
  int start_minute = 21 * 60;
  int end_minute = 8 * 60;
};

struct market_config {
  market_info market;
  server_settings server;
  twilio_settings twilio;
  crm_settings crm;
  storage_settings storage;
  runtime_settings runtime;
  llm_settings llm;
  bots_settings bots;
  scoring_settings scoring;
  handoff_settings handoff;
  cache_settings cache;
  reply_settings reply;
  quiet_hours quiet;
};

}  // namespace openhouse::config
