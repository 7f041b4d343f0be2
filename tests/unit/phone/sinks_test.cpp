// The phone state sinks: state file content and atomic replacement, and the
// webhook's retry with the latest state winning (a fake poster and timer: no
// network, no sleeping).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <deque>
#include <fstream>
#include <sstream>

#include "phone/state_file_sink.h"
#include "phone/webhook_sink.h"
#include "support/temp_dir.h"

namespace paminna::phone {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

PhoneState open_state() {
  PhoneState state;
  state.status = PhoneStatus::open;
  state.reason = PhoneReason::hours;
  state.since = *parse_utc("2026-11-24T08:00:00Z");
  state.next = PhoneTransition{*parse_utc("2026-11-24T11:00:00Z"), PhoneStatus::closed, PhoneReason::lunch, ""};
  state.available_staff = {"AL", "MK"};
  return state;
}

TEST(PhoneDocument, CarriesStateTimesInUtcAndLocalAndStaff) {
  const Zone zone("Europe/Stockholm");
  const auto doc = phone_document(open_state(), zone, "Stödcentrum", *parse_utc("2026-11-24T08:30:00Z"));
  EXPECT_EQ(doc["status"], "open");
  EXPECT_EQ(doc["reason"], "hours");
  EXPECT_TRUE(doc["note"].is_null());
  EXPECT_EQ(doc["since_utc"], "2026-11-24T08:00:00Z");
  EXPECT_EQ(doc["since_local"], "2026-11-24T09:00");
  EXPECT_EQ(doc["next_change_utc"], "2026-11-24T11:00:00Z");
  EXPECT_EQ(doc["next_change_local"], "2026-11-24T12:00");
  EXPECT_EQ(doc["next_status"], "closed");
  EXPECT_EQ(doc["next_reason"], "lunch");
  EXPECT_EQ(doc["available_staff"], json::array({"AL", "MK"}));
  EXPECT_EQ(doc["updated_utc"], "2026-11-24T08:30:00Z");
}

TEST(UrlOrigin, DropsCredentialsPathAndQuery) {
  EXPECT_EQ(url_origin("https://user:secret@pbx.example:8443/hook?token=x"), "https://pbx.example:8443");
  EXPECT_EQ(url_origin("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
}

TEST(StateFileSink, WritesJsonAndOneWordFiles) {
  test::TempDir dir;
  StateFileSink sink(dir / "phone.json", dir / "phone.status");
  const Zone zone("Europe/Stockholm");
  sink.publish(make_publication(open_state(), zone, "Stödcentrum", *parse_utc("2026-11-24T08:30:00Z")));
  EXPECT_EQ(read(dir / "phone.status"), "open\n");
  const auto doc = json::parse(read(dir / "phone.json"));
  EXPECT_EQ(doc["status"], "open");
  EXPECT_EQ(doc["next_change_local"], "2026-11-24T12:00");
  struct stat st {};
  ASSERT_EQ(::stat((dir / "phone.status").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644U);
  EXPECT_TRUE(sink.healthy());
}

TEST(StateFileSink, ReplacesAtomicallyLeavingNoTemporaryFiles) {
  test::TempDir dir;
  StateFileSink sink(dir / "phone.json", dir / "phone.status");
  const Zone zone("Europe/Stockholm");
  // A reader holding the old file keeps reading the old content: the file was replaced, not rewritten.
  sink.publish(make_publication(open_state(), zone, "", *parse_utc("2026-11-24T08:30:00Z")));
  std::ifstream old_reader(dir / "phone.status");
  auto closed = open_state();
  closed.status = PhoneStatus::closed;
  closed.reason = PhoneReason::lunch;
  sink.publish(make_publication(closed, zone, "", *parse_utc("2026-11-24T11:00:00Z")));
  std::string word;
  old_reader >> word;
  EXPECT_EQ(word, "open");
  EXPECT_EQ(read(dir / "phone.status"), "closed\n");
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++files;
  }
  EXPECT_EQ(files, 2);
}

TEST(StateFileSink, FailureIsReportedAndRecovers) {
  test::TempDir dir;
  StateFileSink sink(dir / "missing" / "phone.json", "");
  const Zone zone("Europe/Stockholm");
  const auto publication = make_publication(open_state(), zone, "", *parse_utc("2026-11-24T08:30:00Z"));
  sink.publish(publication);
  EXPECT_FALSE(sink.healthy());
  std::filesystem::create_directory(dir / "missing");
  sink.publish(publication);
  EXPECT_TRUE(sink.healthy());
  EXPECT_EQ(json::parse(read(dir / "missing" / "phone.json"))["status"], "open");
}

// ---- webhook ---------------------------------------------------------------

struct FakePoster : HttpPoster {
  struct Call {
    std::string url;
    json body;
    Done done;
  };
  std::deque<Call>* calls;
  explicit FakePoster(std::deque<Call>* c) : calls(c) {}
  void post(const std::string& url, std::string body, Done done) override {
    calls->push_back({url, json::parse(body), std::move(done)});
  }
};

class WebhookSinkTest : public ::testing::Test {
 protected:
  std::deque<FakePoster::Call> calls;
  Instant now = *parse_utc("2026-11-24T08:00:00Z");
  std::optional<Instant> armed;
  std::function<void()> task;
  std::shared_ptr<WebhookSink> sink =
      WebhookSink::create("http://127.0.0.1:9/hook", std::make_unique<FakePoster>(&calls),
                          RetryTimer{[this](std::chrono::seconds after, std::function<void()> t) {
                                       armed = now + after;
                                       task = std::move(t);
                                     },
                                     [this] {
                                       armed.reset();
                                       task = nullptr;
                                     }},
                          60s);
  Zone zone{"Europe/Stockholm"};

  PhonePublication publication(PhoneStatus status) {
    auto state = open_state();
    state.status = status;
    return make_publication(state, zone, "", now);
  }
  void answer(bool ok) {
    auto call = std::move(calls.front());
    calls.pop_front();
    call.done(ok ? tl::expected<void, std::string>{} : tl::unexpected(std::string("connection refused")));
  }
  void fire() {
    ASSERT_TRUE(armed.has_value());
    now = *armed;
    armed.reset();
    auto t = std::move(task);
    t();
  }
};

TEST_F(WebhookSinkTest, PostsTheDocument) {
  sink->publish(publication(PhoneStatus::open));
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].url, "http://127.0.0.1:9/hook");
  EXPECT_EQ(calls[0].body["status"], "open");
  answer(true);
  EXPECT_FALSE(armed.has_value());
  EXPECT_EQ(sink->failures(), 0);
}

TEST_F(WebhookSinkTest, RetriesWithDoublingBackoffUntilItGetsThrough) {
  sink->publish(publication(PhoneStatus::open));
  answer(false);
  ASSERT_TRUE(armed.has_value());
  EXPECT_EQ(*armed - now, 5s);
  fire();
  answer(false);
  EXPECT_EQ(*armed - now, 10s);
  fire();
  answer(false);
  EXPECT_EQ(*armed - now, 20s);
  fire();
  answer(false);
  EXPECT_EQ(*armed - now, 40s);
  fire();
  answer(false);
  EXPECT_EQ(*armed - now, 60s);  // capped at retry_max
  fire();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].body["status"], "open");
  answer(true);
  EXPECT_FALSE(armed.has_value());
  EXPECT_EQ(sink->failures(), 0);
}

TEST_F(WebhookSinkTest, NewerStateReplacesAPendingRetryAndGoesAtOnce) {
  sink->publish(publication(PhoneStatus::open));
  answer(false);
  ASSERT_TRUE(armed.has_value());
  sink->publish(publication(PhoneStatus::closed));
  EXPECT_FALSE(armed.has_value());
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].body["status"], "closed");
  answer(true);
  EXPECT_TRUE(calls.empty());  // the older "open" is never sent again
}

TEST_F(WebhookSinkTest, OnlyTheLatestOfStatesPublishedInFlightIsSentNext) {
  sink->publish(publication(PhoneStatus::open));
  sink->publish(publication(PhoneStatus::closed));
  sink->publish(publication(PhoneStatus::internal));
  ASSERT_EQ(calls.size(), 1U);  // one at a time
  answer(false);                // the in-flight "open" failed: the newer state goes instead
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].body["status"], "internal");
  answer(true);
  EXPECT_TRUE(calls.empty());
  EXPECT_FALSE(armed.has_value());
}

TEST_F(WebhookSinkTest, DestroyingTheSinkCancelsItsRetry) {
  sink->publish(publication(PhoneStatus::open));
  answer(false);
  ASSERT_TRUE(armed.has_value());
  sink.reset();
  EXPECT_FALSE(armed.has_value());
}

}  // namespace
}  // namespace paminna::phone
