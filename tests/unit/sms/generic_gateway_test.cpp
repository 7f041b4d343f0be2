// The configurable gateway: templates, escaping, response rules, validation.
#include "sms/generic_gateway.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sms_test_support.h"

namespace paminna::sms {
namespace {

using test::MockReply;
using testing::arabic_text;
using testing::decode_form;
using testing::fixed_now;
using ::testing::HasSubstr;
using ::testing::VariantWith;

class GenericTest : public testing::GatewayFixture {
 protected:
  GenericConfig json_config() const {
    GenericConfig config;
    config.name = "acme";
    config.url = server.url("/v2/send?dest={to}");
    config.headers = {{"Authorization", "Bearer {password}"}, {"Idempotency-Key", "{reference}"}};
    config.body_type = BodyType::json;
    config.body_template =
        R"({"to":"{to}","sender":"{from}","text":"{text}","ref":"{reference}","expires":"{valid_until}","ttl":"{validity_seconds}","tags":{}})";
    config.credentials = {"acct", "tok-123"};
    config.response.message_id_pointer = "/messages/0/id";
    config.http.wall_now = fixed_clock();
    return config;
  }

  std::unique_ptr<GenericGateway> make(GenericConfig config) {
    auto gateway = GenericGateway::create(transport, std::move(config));
    EXPECT_TRUE(gateway.has_value()) << gateway.error();
    return gateway ? std::move(*gateway) : nullptr;
  }
};

TEST_F(GenericTest, JsonTemplateEscapesEveryValueAndKeepsUtf8) {
  server.enqueue(MockReply::json(200, R"({"messages":[{"id":987654321}]})"));
  auto gateway = make(json_config());
  ASSERT_NE(gateway, nullptr);
  EXPECT_EQ(gateway->provider(), "acme");
  SmsRequest request = testing::sample_request();
  request.text = std::string{arabic_text} + " \"quoted\"\n\\ {text} end";
  request.valid_until = fixed_now + std::chrono::hours{16};
  EXPECT_EQ(send(*gateway, request), (SendOutcome{Accepted{"987654321"}}));

  const auto seen = server.requests().at(0);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/v2/send?dest=%2B46701234567");
  EXPECT_EQ(seen.header("authorization"), "Bearer tok-123");
  EXPECT_EQ(seen.header("idempotency-key"), "rem-42");
  EXPECT_EQ(seen.header("content-type"), "application/json");
  const auto body = nlohmann::json::parse(seen.body);
  EXPECT_EQ(body.at("to"), "+46701234567");
  EXPECT_EQ(body.at("sender"), "Mottagning");
  EXPECT_EQ(body.at("text"), request.text);  // the value's own "{text}" is not a placeholder
  EXPECT_EQ(body.at("ref"), "rem-42");
  EXPECT_EQ(body.at("expires"), "2024-11-24T10:00:00Z");
  EXPECT_EQ(body.at("ttl"), "57600");
  EXPECT_TRUE(body.at("tags").is_object());
}

TEST_F(GenericTest, FormTemplateWithBasicAuthAndStringId) {
  server.enqueue(MockReply::json(202, R"({"id":"abc-1"})"));
  GenericConfig config;
  config.url = server.url("/sms");
  config.body_type = BodyType::form;
  config.body_template = "dst={to}&src={from}&msg={text}&valid={validity_seconds}";
  config.credentials = {"user", "pw"};
  config.basic_auth = true;
  config.http.wall_now = fixed_clock();
  auto gateway = make(config);
  ASSERT_NE(gateway, nullptr);
  EXPECT_EQ(send(*gateway), (SendOutcome{Accepted{"abc-1"}}));
  const auto seen = server.requests().at(0);
  EXPECT_EQ(seen.header("authorization"), "Basic dXNlcjpwdw==");
  EXPECT_EQ(seen.header("content-type"), "application/x-www-form-urlencoded");
  const auto form = decode_form(seen.body);
  EXPECT_EQ(form.at("dst"), "+46701234567");
  EXPECT_EQ(form.at("msg"), arabic_text);
  EXPECT_EQ(form.at("valid"), "");
}

TEST_F(GenericTest, ResponseRulesComeBeforeTheSharedTable) {
  GenericConfig config = json_config();
  config.response.retry = {{409, 409}};
  config.response.rejected = {{500, 500}};
  config.response.unavailable = {{418, 418}};
  config.response.reason_pointer = "/error/text";
  server.enqueue(MockReply::json(409, R"({"error":{"text":"busy"}})"));
  server.enqueue(MockReply::json(500, R"({"error":{"text":"bad number 0701234567"}})"));
  server.enqueue(MockReply::json(418, R"({})"));
  server.enqueue(MockReply::json(400, R"({"error":{"text":"sender not allowed"}})"));
  server.enqueue(MockReply::json(502, ""));
  server.enqueue(MockReply::json(200, R"({"messages":[]})"));
  auto gateway = make(config);
  ASSERT_NE(gateway, nullptr);
  EXPECT_EQ(send(*gateway), (SendOutcome{RetryLater{Duration{0}, "HTTP 409: busy"}}));
  EXPECT_EQ(send(*gateway), (SendOutcome{RejectedPermanently{"HTTP 500: bad number <number>"}}));
  EXPECT_EQ(send(*gateway), (SendOutcome{GatewayUnavailable{"HTTP 418"}}));
  EXPECT_EQ(send(*gateway), (SendOutcome{RejectedPermanently{"HTTP 400: sender not allowed"}}));
  EXPECT_THAT(send(*gateway), VariantWith<OutcomeUnknown>(::testing::_));
  EXPECT_EQ(send(*gateway), (SendOutcome{OutcomeUnknown{"HTTP 200 without a message id in the answer"}}));
}

TEST_F(GenericTest, NoIdPointerMeansAcceptedWithoutAnId) {
  GenericConfig config = json_config();
  config.response.message_id_pointer.clear();
  server.enqueue(MockReply::text(200, "queued"));
  auto gateway = make(config);
  ASSERT_NE(gateway, nullptr);
  EXPECT_EQ(send(*gateway), (SendOutcome{Accepted{""}}));
}

TEST(GenericValidate, NamesTheKeyOfEveryProblem) {
  GenericConfig good;
  good.url = "https://sms.example/send";
  good.body_template = R"({"to":"{to}","text":"{text}"})";
  ASSERT_TRUE(validate(good).has_value()) << validate(good).error();

  const auto problem = [&](auto change) {
    GenericConfig config = good;
    change(config);
    const auto result = validate(config);
    return result ? std::string{"valid"} : result.error();
  };
  EXPECT_EQ(problem([](GenericConfig& c) { c.url = "https://x/{phone}"; }), "url: unknown placeholder {phone}");
  EXPECT_THAT(problem([](GenericConfig& c) { c.url = "ftp://x"; }), HasSubstr("url: must start with https://"));
  EXPECT_THAT(problem([](GenericConfig& c) { c.body_template = R"({"to":{to}})"; }),
              HasSubstr("body: not JSON once the placeholders are filled in"));
  EXPECT_THAT(problem([](GenericConfig& c) { c.body_template = R"({"n":{validity_seconds}})"; }),
              HasSubstr("body: not JSON"));
  EXPECT_EQ(problem([](GenericConfig& c) { c.body_template = R"({"x":"{msg}"})"; }), "body: unknown placeholder {msg}");
  EXPECT_EQ(problem([](GenericConfig& c) {
              c.headers = {{"X-Ok", "a"}, {"Bad Name", "b"}};
            }),
            "headers[1]: a header name without ':' or blanks");
  EXPECT_EQ(problem([](GenericConfig& c) {
              c.headers = {{"X", "a\r\nEvil: 1"}};
            }),
            "headers[0]: a header value on one line");
  EXPECT_EQ(problem([](GenericConfig& c) {
              c.headers = {{"X", "{secret}"}};
            }),
            "headers[0]: unknown placeholder {secret}");
  EXPECT_THAT(problem([](GenericConfig& c) { c.method = http::Method::get; }), HasSubstr("GET request has no body"));
  EXPECT_THAT(problem([](GenericConfig& c) { c.body_type = BodyType::none; }), HasSubstr("body type is none"));
  EXPECT_THAT(problem([](GenericConfig& c) { c.response.retry = {{600, 601}}; }), HasSubstr("response.retry[0]"));
  EXPECT_THAT(problem([](GenericConfig& c) { c.response.accepted = {{299, 200}}; }), HasSubstr("response.accepted[0]"));
  EXPECT_THAT(problem([](GenericConfig& c) { c.response.message_id_pointer = "id"; }),
              HasSubstr("response.message_id_pointer: not a JSON pointer"));
  EXPECT_EQ(problem([](GenericConfig& c) {
              c.method = http::Method::get;
              c.body_type = BodyType::none;
              c.body_template.clear();
              c.url = "https://x/send?to={to}&text={text}";
            }),
            "valid");
}

TEST(GenericValidate, CreateRefusesAnInvalidConfigWithItsName) {
  boost::asio::io_context io;
  http::Transport transport{io};
  GenericConfig config;
  config.name = "acme";
  config.url = "https://x/{nope}";
  const auto gateway = GenericGateway::create(transport, config);
  ASSERT_FALSE(gateway.has_value());
  EXPECT_EQ(gateway.error(), "acme: url: unknown placeholder {nope}");
}

}  // namespace
}  // namespace paminna::sms
