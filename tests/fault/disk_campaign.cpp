// Fault campaign: the database fails under the daemon. Another process holds
// the write lock past daemon.busy_timeout_ms while staff add clients, while
// reminders fall due and while the gateway's answers are being written back;
// then every write fails (a file-size limit of 0, as a full or failing disk).
// Invariants: the daemon keeps running and answers every request, a refused
// change says so and leaves no trace, every acknowledged change survives a
// kill -9, every reminder goes out exactly once when the database is back
// (none lost, none sent twice, none left `sending`), and the file passes
// PRAGMA integrity_check. Last, a stop while the answers cannot be written
// back: each unwritten outcome is named, and the next start resends exactly
// those reminders, marked as possible duplicates. Exits non-zero on the first
// broken invariant.
//
//   disk_campaign [--clients 40] [--rounds 3]
#include <signal.h>
#include <sys/resource.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <date/date.h>

#include "domain/local_time.h"
#include "fault/campaign.h"
#include "store/sqlite.h"
#include "support/daemon_process.h"
#include "support/eventually.h"
#include "support/mock_http_server.h"

using namespace paminna;
using namespace std::chrono_literals;
using fault::broken;
using fault::form_field;
using fault::scalar;
using fault::visit;
using nlohmann::json;
using test::eventually;

namespace {

constexpr int kStoreUnavailable = -32003;

// Another process's connection holding the write lock (WAL: readers go on).
class LockHolder {
 public:
  explicit LockHolder(const std::filesystem::path& database) : db_(database, store::OpenOptions{5000, false}) {}
  void lock() { db_.exec("BEGIN IMMEDIATE"); }
  void unlock() { db_.exec("ROLLBACK"); }

 private:
  store::Database db_;
};

// A gateway whose answers can be held back until the campaign lets them go.
class Gateway {
 public:
  Gateway() {
    server_.set_handler([this](const test::RecordedRequest&) {
      std::unique_lock lock(mutex_);
      // Bounded: a campaign that forgets to release must fail, not hang.
      changed_.wait_for(lock, 60s, [this] { return !holding_; });
      return test::MockReply::json(200, R"({"id":"m)" + std::to_string(++next_id_) + R"("})");
    });
  }
  void hold() {
    const std::lock_guard lock(mutex_);
    holding_ = true;
  }
  void release() {
    {
      const std::lock_guard lock(mutex_);
      holding_ = false;
    }
    changed_.notify_all();
  }
  test::MockHttpServer& server() { return server_; }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool holding_ = false;
  long next_id_ = 0;
  test::MockHttpServer server_;  // last: its thread, which uses the rest, stops first
};

// A refused request: code -32003 and a message saying nothing was changed.
void expect_refused(const json& reply, const std::string& what) {
  if (!reply.contains("error") || reply["error"].value("code", 0) != kStoreUnavailable ||
      reply["error"].value("message", "").find("nothing was changed") == std::string::npos) {
    broken(what + ": expected a store_unavailable error, got " + reply.dump());
  }
}

void expect_result(const json& reply, const std::string& what) {
  if (!reply.contains("result")) {
    broken(what + ": expected a result, got " + reply.dump());
  }
}

long count_in_log(const test::DaemonProcess& daemon, const std::string& text) {
  const auto log = daemon.log();
  long n = 0;
  for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) {
    ++n;
  }
  return n;
}

long sent(const test::DaemonProcess& daemon) {
  return daemon.result("status")["reminders"]["by_state"].value("sent", 0L);
}

}  // namespace

int main(int argc, char** argv) {
  int clients = 40;
  int rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--clients") {
      clients = std::atoi(argv[i + 1]);
    } else if (name == "--rounds") {
      rounds = std::atoi(argv[i + 1]);
    }
  }
  if (clients < 1 || clients >= 600 || rounds < 1 || rounds > 5) {
    broken("--clients 1-599 (visits a minute apart from 10:00) and --rounds 1-5 (a day each, to 30 November)");
  }
  ::signal(SIGPIPE, SIG_IGN);
  std::printf("disk_campaign clients=%d rounds=%d\n", clients, rounds);

  Gateway gateway;
  test::DaemonProcess daemon(test::with_config(""));
  std::ofstream(daemon.dir() / "elks.credentials") << "username=u1\npassword=secret\n";
  // The first line lands in [daemon]: a lock held longer than 200 ms fails a write.
  daemon.write_config(
      "busy_timeout_ms = 200\n[log]\nlevel = \"info\"\ntarget = \"stderr\"\n"
      "[office]\nphone = \"040-34 10 00\"\n[reminders]\nbatch_size = 100\n"
      "[sms]\ngateway = \"46elks\"\nbase_url = \"" +
      gateway.server().url() + "\"\ncredentials = \"" + (daemon.dir() / "elks.credentials").string() +
      "\"\nrate_per_second = 0\nmax_in_flight = 8\n");
  daemon.start();  // Monday 2026-11-23 09:00 local
  // The daemon's clock, as time since that start.
  std::chrono::seconds elapsed{0};
  const auto advance = [&](std::chrono::seconds by) {
    daemon.advance(by);
    elapsed += by;
  };
  LockHolder holder(daemon.database());
  long reminders = 0;
  std::set<std::string> acknowledged;  // client refs the daemon said it added

  // 1. The write lock is held by another process: every change is refused
  //    with a message, reads go on, and nothing of a refused change remains.
  holder.lock();
  for (int i = 1; i <= clients; ++i) {
    const auto ref = "K-" + std::to_string(i);
    expect_refused(daemon.call("client.add", {{"client", ref}, {"phone", "070-123 45 67"}, {"lang", "sv"}}),
                   "client.add while locked");
  }
  expect_result(daemon.call("status"), "status while locked");
  holder.unlock();
  for (int i = 1; i <= clients; ++i) {
    const auto ref = "K-" + std::to_string(i);
    expect_result(daemon.call("client.add", {{"client", ref}, {"phone", "070-123 45 67"}, {"lang", "sv"}}),
                  "client.add " + ref + " after the lock (a refused add must leave nothing behind)");
    acknowledged.insert(ref);
    expect_result(daemon.call("consent.grant", {{"client", ref}, {"source", "phone"}}), "consent.grant " + ref);
    // Visits on Wednesday one minute apart: reminders due Tuesday at 10:00 (R1).
    expect_result(daemon.call("booking.add", {{"client", ref}, {"at", visit(25, 10, i)}, {"staff", "AL"}}),
                  "booking.add " + ref);
    ++reminders;
  }
  std::printf("1. locked control plane: %d refusals, then %d clients added\n", clients, clients);

  // 2. Locked when the reminders fall due: nothing leaves, the claim is tried again.
  holder.lock();
  // Tuesday 10:01: all are due at 10:00 (R1). A longer step would retry the
  // claim every 30 s of it, each waiting out the busy timeout.
  advance(25h + 1min);
  if (!daemon.wait_for_log("what=reminder-claim")) {
    broken("no STORE_ERROR for the failed claim");
  }
  if (gateway.server().request_count() != 0) {
    broken("a reminder left although its claim could not be recorded");
  }
  // 3. Unlocked, the retry claims and sends; the answers are held back while
  //    the lock is taken again, so writing them back fails, twice.
  gateway.hold();
  holder.unlock();
  advance(30s);
  if (!eventually([&] { return gateway.server().request_count() >= 1; })) {
    broken("the claim was not tried again after the lock");
  }
  holder.lock();
  gateway.release();
  if (!daemon.wait_for_log("what=reminder-outcomes") || !daemon.wait_for_log("retry_in_ms=2000")) {
    broken("no STORE_ERROR for the failed write-back of outcomes, or no second attempt");
  }
  holder.unlock();
  for (int i = 0; i < 100 && sent(daemon) < reminders; ++i) {
    (void)eventually([&] { return daemon.result("status")["reminders"]["in_flight"] == 0; });
    advance(60s);
  }
  if (sent(daemon) != reminders) {
    broken(std::to_string(sent(daemon)) + " of " + std::to_string(reminders) + " reminders sent after the lock");
  }
  std::printf("2-3. locked claim and write-back: %zu requests for %ld reminders\n", gateway.server().request_count(),
              reminders);

  // 4. Every write fails (RLIMIT_FSIZE 0: no byte may be written to any file),
  //    several rounds, with reminders falling due meanwhile.
  for (int round = 1; round <= rounds; ++round) {
    // Visits on day 25 + round (Thursday on), a minute apart; their reminders
    // are due at 10:00 the day before (R1), after this booking.
    for (int i = 1; i <= clients; ++i) {
      expect_result(
          daemon.call("booking.add",
                      {{"client", "K-" + std::to_string(i)}, {"at", visit(25 + round, 10, i)}, {"staff", "AL"}}),
          "booking.add before the disk fails");
      ++reminders;
    }
    if (daemon.result("status")["reminders"]["in_flight"] != 0 ||
        static_cast<long>(gateway.server().request_count()) != reminders - clients) {
      broken("round " + std::to_string(round) + ": reminders went out before the disk failed (campaign timing): " +
             std::to_string(gateway.server().request_count()) + " requests for " + std::to_string(reminders - clients) +
             " earlier reminders, clock +" + std::to_string(elapsed.count()) + " s");
    }
    const rlimit none{0, RLIM_INFINITY};
    if (::prlimit(daemon.pid(), RLIMIT_FSIZE, &none, nullptr) != 0) {
      broken("prlimit failed");
    }
    const auto requests_before = gateway.server().request_count();
    for (int i = 1; i <= clients; ++i) {
      const auto ref = "D" + std::to_string(round) + "-" + std::to_string(i);
      expect_refused(daemon.call("client.add", {{"client", ref}, {"phone", "070-765 43 21"}}),
                     "client.add on a failing disk");
    }
    expect_result(daemon.call("status"), "status on a failing disk");
    // Wednesday 10:00 is 49 h after the start: every reminder of this round falls due.
    advance(49h + 24h * (round - 1) + 1min - elapsed);
    // The claim fails and is not logged either: the harness's log of the
    // daemon is a file, which the limit stops too (as on a full disk).
    if (gateway.server().request_count() != requests_before) {
      broken("round " + std::to_string(round) + ": a reminder left while its claim could not be recorded");
    }
    const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    if (::prlimit(daemon.pid(), RLIMIT_FSIZE, &unlimited, nullptr) != 0) {
      broken("prlimit failed");
    }
    for (int i = 1; i <= clients; ++i) {
      const auto ref = "D" + std::to_string(round) + "-" + std::to_string(i);
      expect_result(daemon.call("client.add", {{"client", ref}, {"phone", "070-765 43 21"}}),
                    "client.add " + ref + " once the disk is back");
      acknowledged.insert(ref);
    }
    for (int i = 0; i < 100 && sent(daemon) < reminders; ++i) {
      (void)eventually([&] { return daemon.result("status")["reminders"]["in_flight"] == 0; });
      advance(60s);
    }
    if (sent(daemon) != reminders) {
      broken("round " + std::to_string(round) + ": " + std::to_string(sent(daemon)) + " of " +
             std::to_string(reminders) + " reminders sent once the disk is back");
    }
    std::printf("4.%d failing disk: %d refusals, %ld reminders sent in all\n", round, clients, reminders);
  }

  // Every reminder exactly once: each names its own visit, so texts are distinct.
  std::set<std::string> texts;
  for (const auto& request : gateway.server().requests()) {
    texts.insert(form_field(request.body, "message"));
  }
  if (static_cast<long>(gateway.server().request_count()) != reminders ||
      static_cast<long>(texts.size()) != reminders) {
    broken(std::to_string(gateway.server().request_count()) + " requests, " + std::to_string(texts.size()) +
           " distinct texts for " + std::to_string(reminders) + " reminders");
  }

  // Operations read the log: one REMINDER_SENT per reminder, however often
  // writing the outcome back had to be tried. A line is written once its
  // commit is confirmed on disk, a moment after the state shows.
  (void)test::eventually([&] { return count_in_log(daemon, "REMINDER_SENT ") >= reminders; });
  if (count_in_log(daemon, "REMINDER_SENT ") != reminders) {
    broken(std::to_string(count_in_log(daemon, "REMINDER_SENT ")) + " REMINDER_SENT lines for " +
           std::to_string(reminders) + " reminders");
  }

  // 5. kill -9: what was acknowledged is in the file, the file is sound, and
  //    a restart finds nothing left in `sending` to resend.
  daemon.kill9();
  if (scalar(daemon.database(), "PRAGMA integrity_check") != 1) {
    broken("integrity_check failed after the campaign");
  }
  for (const auto& ref : acknowledged) {
    if (scalar(daemon.database(), "SELECT count(*) FROM clients WHERE ref = '" + ref + "'") != 1) {
      broken("acknowledged client " + ref + " is gone");
    }
  }
  if (scalar(daemon.database(), "SELECT count(*) FROM clients") != static_cast<long>(acknowledged.size())) {
    broken("a refused client.add left a client behind");
  }
  // The clock goes on from where it was, as the wall clock would.
  daemon.set_fake_clock(date::format("%FT%TZ", *parse_utc("2026-11-23T08:00:00Z") + elapsed));
  daemon.start();
  advance(1h);
  if (count_in_log(daemon, "REMINDER_RECOVERED") != 0 ||
      static_cast<long>(gateway.server().request_count()) != reminders) {
    broken("the restart found reminders to resend");
  }

  // 6. Stopped while the answers cannot be written back: stop() tries once
  //    more, names each outcome it could not write, and the next start
  //    resends exactly the reminders still `sending`, as possible duplicates
  //    (README's promise), and loses none.
  const int late = std::min(clients, 8);  // at most max_in_flight: all leave before the stop
  const auto late_count = static_cast<std::size_t>(late);
  for (int i = 1; i <= late; ++i) {
    // Wednesday 2 December: due Tuesday 10:00 (R1).
    expect_result(daemon.call("booking.add",
                              {{"client", "K-" + std::to_string(i)}, {"at", visit(2, 10, i, 12)}, {"staff", "AL"}}),
                  "booking.add before the stop");
    ++reminders;
  }
  const auto requests_before_stop = gateway.server().request_count();
  const auto tuesday = std::chrono::duration_cast<std::chrono::seconds>(*parse_utc("2026-12-01T09:01:00Z") -
                                                                        *parse_utc("2026-11-23T08:00:00Z"));
  gateway.hold();
  advance(tuesday - elapsed);
  if (!eventually([&] { return gateway.server().request_count() > requests_before_stop; })) {
    broken("6: the reminders due on Tuesday did not leave");
  }
  holder.lock();
  gateway.release();
  if (!eventually([&] { return gateway.server().request_count() == requests_before_stop + late_count; }) ||
      !daemon.wait_for_log("what=reminder-outcomes")) {
    broken("6: the answers did not arrive, or writing them back did not fail");
  }
  if (daemon.stop() != 0) {
    broken("6: the daemon did not stop cleanly while the database was locked");
  }
  holder.unlock();
  const auto unwritten = count_in_log(daemon, "what=reminder-outcome-unwritten");
  if (unwritten < 1 || unwritten > late) {
    broken("6: " + std::to_string(unwritten) + " outcome-unwritten lines at the stop for " + std::to_string(late) +
           " answers");
  }
  if (scalar(daemon.database(), "SELECT count(*) FROM reminders WHERE state = 'sending'") != late) {
    broken("6: the reminders whose answers were not written are not all `sending`");
  }
  daemon.set_fake_clock(date::format("%FT%TZ", *parse_utc("2026-11-23T08:00:00Z") + elapsed));
  daemon.start();
  advance(1min);
  if (!eventually([&] { return sent(daemon) == reminders; })) {
    broken("6: " + std::to_string(sent(daemon)) + " of " + std::to_string(reminders) + " sent after the restart");
  }
  if (count_in_log(daemon, "REMINDER_RECOVERED") != late ||
      gateway.server().request_count() != requests_before_stop + 2 * late_count ||
      daemon.result("status")["reminders"]["possible_duplicates"] != late) {
    broken("6: expected " + std::to_string(late) +
           " reminders recovered and resent once each as possible duplicates; " +
           std::to_string(count_in_log(daemon, "REMINDER_RECOVERED")) + " recovered, " +
           std::to_string(gateway.server().request_count() - requests_before_stop) + " requests");
  }
  std::printf("6. stopped while locked: %ld outcomes named unwritten, %d resent as possible duplicates\n", unwritten,
              late);
  daemon.stop();
  std::printf("disk_campaign OK: clients=%zu reminders=%ld requests=%zu store_errors=%ld\n", acknowledged.size(),
              reminders, gateway.server().request_count(), count_in_log(daemon, "STORE_ERROR"));
  return 0;
}
