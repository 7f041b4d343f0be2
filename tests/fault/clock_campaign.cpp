// Fault campaign: the wall clock steps forward and back by hours (NTP after a
// long drift, a resumed VM, an operator's `date -s`) while reminders are due
// and a phone override is pending. The daemon runs on its fake clock, and
// clock.step moves wall time at once as the kernel's CANCEL_ON_SET timer would
// report it. Invariants: every reminder goes out once, never before its due
// time and never after its visit began; passing a due time again after a step
// back sends nothing twice; the published phone state is the one for the new
// wall time at once (an override still pending stays in force, one that ended
// does not come back). Exits non-zero on the first broken invariant.
//
//   clock_campaign [--clients 40]
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "fault/campaign.h"
#include "support/daemon_process.h"
#include "support/eventually.h"
#include "support/mock_http_server.h"
#include "support/process.h"

using namespace paminna;
using namespace std::chrono_literals;
using fault::broken;
using fault::form_field;
using fault::scalar;
using fault::visit;
using nlohmann::json;
using test::eventually;
using test::read_file;

namespace {

class Campaign {
 public:
  explicit Campaign(test::DaemonProcess& daemon, test::MockHttpServer& gateway) : daemon_(daemon), gateway_(gateway) {}

  // The phone state file says `word` with `reason`, right after the step.
  void expect_phone(const std::string& word, const std::string& reason, const std::string& when) const {
    const auto status = read_file(daemon_.dir() / "phone.status");
    const auto state = json::parse(read_file(daemon_.dir() / "phone.json"));
    if (status != word + "\n" || state.value("reason", "") != reason) {
      broken(when + ": phone published " + status.substr(0, status.find('\n')) + "/" + state.value("reason", "") +
             ", expected " + word + "/" + reason);
    }
  }
  // Everything due has been handed over and answered. Nothing in flight is
  // also the moment between two claims of a dispatch, so nothing may be due
  // either.
  void settle() const {
    if (!eventually([&] {
          const auto status = daemon_.result("status");
          const auto& reminders = status["reminders"];
          return reminders["in_flight"] == 0 &&
                 (reminders["next_due_utc"].is_null() ||
                  reminders["next_due_utc"].get<std::string>() > status["now_utc"].get<std::string>());
        })) {
      broken("reminders still in flight or due");
    }
  }
  void expect_requests(std::size_t n, const std::string& when) const {
    settle();
    if (gateway_.request_count() != n) {
      broken(when + ": " + std::to_string(gateway_.request_count()) + " gateway requests, expected " +
             std::to_string(n));
    }
  }
  [[nodiscard]] long in_state(const std::string& state) const {
    return daemon_.result("status")["reminders"]["by_state"].value(state, 0L);
  }

 private:
  test::DaemonProcess& daemon_;
  test::MockHttpServer& gateway_;
};

}  // namespace

int main(int argc, char** argv) {
  int clients = 40;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--clients") {
      clients = std::atoi(argv[i + 1]);
    }
  }
  if (clients < 2 || clients > 180) {
    broken("--clients 2-180 (visits a minute apart within three hours)");
  }
  std::signal(SIGPIPE, SIG_IGN);
  std::printf("clock_campaign clients=%d\n", clients);

  test::MockHttpServer gateway;
  gateway.set_handler([n = 0](const test::RecordedRequest&) mutable {
    return test::MockReply::json(200, R"({"id":"m)" + std::to_string(++n) + R"("})");
  });
  test::DaemonOptions options;
  options.fake_clock = "2026-11-24T08:00:00Z";  // Tuesday 09:00 local: phones open
  test::DaemonProcess daemon(options);
  std::ofstream(daemon.dir() / "elks.credentials") << "username=u1\npassword=secret\n";
  daemon.write_config(
      "[log]\nlevel = \"info\"\ntarget = \"stderr\"\n[office]\nphone = \"040-34 10 00\"\n"
      "[phone]\nstate_file = \"" +
      (daemon.dir() / "phone.json").string() + "\"\nstatus_file = \"" + (daemon.dir() / "phone.status").string() +
      "\"\n[sms]\ngateway = \"46elks\"\nbase_url = \"" + gateway.url() + "\"\ncredentials = \"" +
      (daemon.dir() / "elks.credentials").string() + "\"\nrate_per_second = 0\n");
  daemon.start();
  const Campaign campaign(daemon, gateway);
  const auto n = static_cast<std::size_t>(clients);
  const auto half = n / 2;

  // Group A visits Wednesday from 10:01 (reminders due Tuesday 10:00, R1);
  // group B visits Thursday from 09:01 (due Wednesday 10:00).
  for (int i = 1; i <= clients; ++i) {
    const auto ref = "K-" + std::to_string(i);
    daemon.result("client.add", {{"client", ref}, {"phone", "070-123 45 67"}, {"lang", "sv"}});
    daemon.result("consent.grant", {{"client", ref}, {"source", "phone"}});
    daemon.result("booking.add", {{"client", ref}, {"at", visit(25, 10, i)}, {"staff", "AL"}});
    daemon.result("booking.add", {{"client", ref}, {"at", visit(26, 9, i)}, {"staff", "AL"}});
  }
  daemon.result("phone.set", {{"status", "closed"}, {"until", "14:00"}, {"reason", "APT-möte"}});
  campaign.expect_phone("closed", "override", "Tuesday 09:00, override set");

  // 1. Forward 90 min: group A's due time was stepped over; it goes out at once, once.
  daemon.step(90min);  // Tuesday 10:30
  campaign.expect_requests(n, "stepped forward over group A's due time");
  campaign.expect_phone("closed", "override", "Tuesday 10:30");

  // 2. Back 3 h, then the clock passes 10:00 again: nothing is sent twice.
  //    Before the moment the override was set the weekly hours apply; it is
  //    still pending and is in force again when that moment comes back.
  daemon.step(-3h);  // Tuesday 07:30
  campaign.expect_phone("closed", "outside_hours", "stepped back to Tuesday 07:30");
  campaign.expect_requests(n, "stepped back");
  daemon.advance(3h);  // 10:30 again
  campaign.expect_requests(n, "Tuesday 10:00 passed a second time");
  campaign.expect_phone("closed", "override", "Tuesday 10:30 again");

  // 3. Steps across lunch and the override's end.
  daemon.step(2h);  // 12:30
  campaign.expect_phone("closed", "override", "Tuesday 12:30, lunch under the override");
  daemon.step(-1h);  // 11:30
  campaign.expect_phone("closed", "override", "back to Tuesday 11:30");
  daemon.advance(2h + 31min);  // 14:01: the override has ended
  campaign.expect_phone("open", "hours", "Tuesday 14:01, override over");
  daemon.step(-4h);  // 10:01: an override that ended does not come back
  campaign.expect_phone("open", "hours", "back to Tuesday 10:01 after the override ended");
  daemon.step(2h + 29min);  // 12:30: lunch, with no override
  campaign.expect_phone("closed", "lunch", "Tuesday 12:30");
  daemon.step(-2h);  // 10:30: open at once, not at 13:00
  campaign.expect_phone("open", "hours", "back to Tuesday 10:30 from lunch");

  // 4. Forward 46 h + half the visits: group B's due time passed in the jump
  //    and the first half of its visits began; only the rest go out.
  daemon.step(46h + std::chrono::minutes(half) + 30min);  // Thursday 09:00 + half
  campaign.expect_requests(n + (n - half), "stepped into group B's visits");
  if (campaign.in_state("expired") != static_cast<long>(half)) {
    broken(std::to_string(campaign.in_state("expired")) + " reminders expired, expected " + std::to_string(half) +
           " (visits that began in the jump)");
  }
  campaign.expect_phone("open", "hours", "Thursday morning");

  // 5. Back a day and through Wednesday 10:00 again: nothing is resent.
  daemon.step(-26h);
  daemon.advance(4h);
  campaign.expect_requests(n + (n - half), "Wednesday 10:00 passed a second time");

  // Every request is a distinct reminder; none left at or after its visit.
  std::set<std::string> texts;
  for (const auto& request : gateway.requests()) {
    texts.insert(form_field(request.body, "message"));
  }
  if (texts.size() != gateway.request_count()) {
    broken(std::to_string(gateway.request_count()) + " requests but " + std::to_string(texts.size()) +
           " distinct texts: a reminder went out twice");
  }
  daemon.stop();
  if (scalar(daemon.database(), "SELECT count(*) FROM reminders WHERE state = 'sent' AND sent_at >= visit_start") !=
      0) {
    broken("a reminder was sent after its visit began");
  }
  if (scalar(daemon.database(), "SELECT count(*) FROM reminders WHERE state = 'sent'") !=
      static_cast<long>(n + (n - half))) {
    broken("the store does not hold one sent reminder per request");
  }
  if (scalar(daemon.database(), "PRAGMA integrity_check") != 1) {
    broken("integrity_check failed");
  }
  std::printf("clock_campaign OK: clients=%d requests=%zu expired=%zu steps=9\n", clients, gateway.request_count(),
              half);
  return 0;
}
