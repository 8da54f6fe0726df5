// The semantic tier in `openhouse serve`, with each embedder the market file
// can name: a general question one lead asked is answered for another lead
// who words it differently, from L3, and a question about another city is not.

#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;

namespace {

/// The value of one sample in a Prometheus text exposition (0 when absent).
double sample(const std::string& metrics, const std::string& name_and_labels) {
  const auto at = metrics.find(name_and_labels + " ");
  if (at == std::string::npos) {
    return 0;
  }
  return std::stod(metrics.substr(at + name_and_labels.size() + 1));
}

double faq_outcome(http_client& c, const node& n, const std::string& outcome) {
  return sample(c.get(n.url() + "/metrics").body,
                R"(openhouse_cache_requests_total{outcome=")" + outcome + R"(",task="faq"})");
}

long embedding_calls(http_client& c, const simulator& sim) {
  const auto stats = nlohmann::json::parse(c.get(sim.url() + "/stats").body);
  const auto& by_path = stats.at("by_path");
  return by_path.contains("/v1/embeddings") ? by_path.at("/v1/embeddings").get<long>() : 0;
}

}  // namespace

TEST_CASE("a paraphrased general question from another lead is served from L3",
          "[e2e][cache][l3]") {
  const std::string embedder = GENERATE(std::string{"local"}, std::string{"openai"});
  INFO("embedder: " << embedder);
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url(), test::redis_url(), {{"OPENHOUSE_CACHE_EMBEDDER", embedder}}};
  http_client c;

  // A question none of the brokerage's FAQ entries answers by topic: the
  // answer is keyed by its words, and a paraphrase is an L3 hit.
  REQUIRE(is_message_twiml(
      post_sms(c, n.url(),
               sms_params(sid(1), "+19095558101", "Is there a good moving company in Corona?"))
          .body));
  CHECK(faq_outcome(c, n, "miss") == 1);

  const auto first = post_sms(
      c, n.url(), sms_params(sid(2), "+19095558102", "is there a good moving company in corona??"));
  REQUIRE(is_message_twiml(first.body));
  CHECK(faq_outcome(c, n, "l3") == 1);

  // Another city is another answer: the entity guard keeps it a miss.
  REQUIRE(is_message_twiml(
      post_sms(c, n.url(),
               sms_params(sid(3), "+19095558103", "Is there a good moving company in Ontario?"))
          .body));
  CHECK(faq_outcome(c, n, "l3") == 1);
  CHECK(faq_outcome(c, n, "miss") == 2);

  if (embedder == "openai") {
    // The vectors came from the provider's embeddings endpoint (the
    // simulator's): a probe at start, then one per lookup or insert.
    CHECK(embedding_calls(c, sim) >= 3);
  } else {
    CHECK(embedding_calls(c, sim) == 0);
  }
  CHECK(n.stop() == 0);
}

TEST_CASE("the brokerage's answer to a topic is shared by meaning, per city, from its facts",
          "[e2e][cache][faq]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;
  // Three wordings of one question about Corona: one provider call, and the
  // answer is the brokerage's own (config/markets/inland-empire.yaml, faq
  // hoa), followed by the bot's next question.
  const auto first =
      post_sms(c, n.url(), sms_params(sid(1), "+19095558111", "How much are HOA fees in Corona?"));
  REQUIRE(is_message_twiml(first.body));
  CHECK_THAT(first.body, Catch::Contains("HOA dues in the Inland Empire"));
  CHECK(faq_outcome(c, n, "miss") == 1);
  REQUIRE(is_message_twiml(
      post_sms(c, n.url(), sms_params(sid(2), "+19095558112", "whats the typical hoa in corona"))
          .body));
  REQUIRE(is_message_twiml(
      post_sms(c, n.url(),
               sms_params(sid(3), "+19095558113", "hey what r HOA dues usually like in Corona?"))
          .body));
  CHECK(faq_outcome(c, n, "l1") == 2);
  CHECK(faq_outcome(c, n, "miss") == 1);
  // Another city is another entry.
  REQUIRE(is_message_twiml(
      post_sms(c, n.url(), sms_params(sid(4), "+19095558114", "How much are HOA fees in Ontario?"))
          .body));
  CHECK(faq_outcome(c, n, "miss") == 2);
  // No intent or facts unit was asked for any of them.
  const auto metrics = c.get(n.url() + "/metrics").body;
  CHECK(sample(metrics, R"(openhouse_cache_requests_total{outcome="miss",task="intent"})") == 0);
  CHECK(sample(metrics, R"(openhouse_cache_requests_total{outcome="miss",task="facts"})") == 0);
  CHECK(n.stop() == 0);
}
