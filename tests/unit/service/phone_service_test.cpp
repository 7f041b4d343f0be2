// PhoneService with a real SQLite file, a fake clock and a recording sink, no
// socket (style.md §1): the one deadline it arms, what it publishes and when.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "service/phone_service.h"
#include "store/open_store.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

namespace paminna {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

struct RecordingSink : phone::PhoneSink {
  std::vector<phone::PhonePublication>* seen;
  explicit RecordingSink(std::vector<phone::PhonePublication>* s) : seen(s) {}
  [[nodiscard]] std::string name() const override { return "recording"; }
  void publish(const phone::PhonePublication& publication) override { seen->push_back(publication); }
};

class PhoneServiceTest : public ::testing::Test {
 protected:
  // Tuesday 2026-11-24 10:00 local (09:00 UTC).
  test::TempDir dir;
  test::FakeClock clock{*parse_utc("2026-11-24T09:00:00Z")};
  ManualWallTimer timer;
  Scheduler scheduler{clock, timer};
  store::OpenedStore opened = store::open_store(dir / "paminna.db", 1000);
  Auditor auditor{*opened.db, clock};
  control::MethodTable methods;
  Config config = embedded_defaults();
  std::vector<phone::PhonePublication> seen;
  std::shared_ptr<PhoneService> service;
  control::CallContext staff{1000, 42, "AL"};

  void start() {
    service = PhoneService::create(
        PhoneContext{*opened.db, auditor, clock, scheduler, [this]() -> const Config& { return config; }, nullptr},
        [this](const PhoneConfig&) {
          return std::vector<std::shared_ptr<phone::PhoneSink>>{std::make_shared<RecordingSink>(&seen)};
        });
    register_phone_methods(methods, service);
    service->start();
  }
  void advance(Duration by) {
    const auto target = clock.now() + by;
    for (auto next = scheduler.next_due(); next && *next <= target; next = scheduler.next_due()) {
      clock.advance(*next - clock.now());
      timer.advance_to(clock.now());
    }
    clock.advance(target - clock.now());
  }
};

TEST_F(PhoneServiceTest, ArmsOneDeadlineAtTheNextChangeAndPublishesOnlyChanges) {
  start();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].word, "open");
  // R6: lunch at 12:00 local; nothing polls in between.
  EXPECT_EQ(scheduler.due(PhoneService::kNextKey), *parse_utc("2026-11-24T11:00:00Z"));
  EXPECT_EQ(scheduler.size(), 1U);
  advance(2h);
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[1].word, "closed");
  EXPECT_EQ(seen[1].document["reason"], "lunch");
  EXPECT_EQ(scheduler.due(PhoneService::kNextKey), *parse_utc("2026-11-24T12:00:00Z"));
}

TEST_F(PhoneServiceTest, AbsenceEndingWithoutAStateChangeStillRefreshesTheStaffList) {
  config.phone.roster = {"AL", "MK"};
  start();
  service->set_absent(staff, Absence{"AL", std::nullopt, *parse_utc("2026-11-24T09:30:00Z"), "tandläkare"});
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[1].document["available_staff"], json::array({"MK"}));
  EXPECT_EQ(scheduler.due(PhoneService::kNextKey), *parse_utc("2026-11-24T09:30:00Z"));
  advance(30min);
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[2].word, "open");
  EXPECT_EQ(seen[2].document["available_staff"], json::array({"AL", "MK"}));
}

TEST_F(PhoneServiceTest, MutationsAreAudited) {
  config.phone.roster = {"AL"};
  start();
  service->set_override(staff, PhoneStatus::closed, *parse_utc("2026-11-24T13:00:00Z"), "APT-möte");
  service->clear_override(staff);
  service->set_absent(staff, Absence{"AL", std::nullopt, std::nullopt, "sjuk"});
  EXPECT_EQ(service->state().reason, PhoneReason::no_staff);
  service->set_present(staff, "AL");
  const auto entries = auditor.store().list({});
  ASSERT_EQ(entries.size(), 4U);
  EXPECT_EQ(entries[3].action, "phone.set");
  EXPECT_EQ(entries[3].subject, "phone");
  EXPECT_EQ(entries[0].action, "staff.present");
  EXPECT_EQ(entries[0].subject, "staff:AL");
  EXPECT_EQ(entries[0].actor, "AL");
  // The staff's free text stays out of the audit detail.
  EXPECT_EQ(entries[3].detail->find("APT"), std::string::npos);
}

}  // namespace
}  // namespace paminna
