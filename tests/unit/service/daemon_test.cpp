// The daemon in this process, with an fdatasync that the test makes fail: a
// commit the disk did not confirm stops it with exit code 1, whether a
// staff member's change or the dispatcher's claim asked for the
// confirmation (store/wal_worker.h: a failed sync is final), so that
// systemd starts it again and recovery reads what is really on disk.
#include "service/daemon.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "config/config_loader.h"
#include "domain/local_time.h"
#include "store/open_store.h"
#include "store/reminder_store.h"
#include "support/captured_log.h"
#include "support/socket_client.h"
#include "support/temp_dir.h"

namespace paminna {
namespace {

using namespace std::chrono_literals;

class DaemonTest : public ::testing::Test {
 protected:
  DaemonOptions options(std::optional<Instant> fake_clock_start = std::nullopt) {
    DaemonOptions o{embedded_defaults(), fake_clock_start, {}};
    o.config.daemon.database = dir_ / "paminna.db";
    o.config.daemon.socket = dir_ / "paminna.sock";
    o.config.sms.console_outbox = dir_ / "sms-outbox.jsonl";
    o.sync_file = [this](int fd) {
      if (failing_) {
        errno = EIO;
        return -1;
      }
      return ::fdatasync(fd);
    };
    return o;
  }

  // Runs the daemon's loop on a thread of its own; its exit code, or nullopt
  // (after stopping it) if it did not stop by itself.
  static std::optional<int> run_until_it_stops(Daemon& daemon, const std::function<void()>& meanwhile) {
    std::promise<int> code;
    auto exited = code.get_future();
    std::thread loop([&] { code.set_value(daemon.run()); });
    try {
      meanwhile();
    } catch (...) {
      boost::asio::post(daemon.io(), [&daemon] { daemon.stop(); });
      loop.join();
      throw;
    }
    std::optional<int> result;
    if (exited.wait_for(10s) == std::future_status::ready) {
      result = exited.get();
    } else {
      boost::asio::post(daemon.io(), [&daemon] { daemon.stop(); });
    }
    loop.join();
    return result;
  }

  test::TempDir dir_;
  std::atomic<bool> failing_{false};
};

TEST_F(DaemonTest, AChangeTheDiskDidNotConfirmStopsTheDaemonWithExitCode1) {
  Daemon daemon(options());
  daemon.start();
  std::optional<std::string> answer;
  const auto code = run_until_it_stops(daemon, [&] {
    test::SocketClient client(dir_ / "paminna.sock");
    failing_ = true;
    client.send(R"({"jsonrpc":"2.0","id":1,"method":"client.add","params":{"client":"K-1","phone":"070-123 45 67"}})"
                "\n");
    answer = client.read_line();
  });
  ASSERT_TRUE(answer.has_value());
  EXPECT_NE(answer->find("the disk did not confirm"), std::string::npos) << *answer;
  EXPECT_EQ(code, 1) << "stopped, with an error for systemd";
}

TEST_F(DaemonTest, AReminderClaimTheDiskDidNotConfirmStopsTheDaemonWithExitCode1AndNothingIsSent) {
  const auto now = *parse_utc("2026-11-24T09:00:00Z");
  {
    auto opened = store::open_store(dir_ / "paminna.db", 1000);
    auto& db = *opened.db;
    db.exec(
        "INSERT INTO clients(id, ref, phone, language, created_at, last_contact_at) "
        "VALUES (1, 'K-1', '+46701234567', 'sv', 0, 0)");
    db.exec("INSERT INTO consents(client_id, channel, event, source, at) VALUES (1, 'sms', 'grant', 'phone', 0)");
    const auto visit = static_cast<std::int64_t>((now + 24h).time_since_epoch().count());
    db.cached(
          "INSERT INTO bookings(id, client_id, staff, start_utc, minutes, place, first_visit, status, "
          "reminder_state, created_at, updated_at) VALUES (1, 1, 'AL', ?1, 60, 'office', 0, 'booked', "
          "'scheduled', 0, 0)")
        .bind(1, visit)
        .run();
    db.cached(
          "INSERT INTO reminders(booking_id, recipient, kind, state, due, visit_start, reference, created_at, "
          "updated_at) VALUES (1, 'client:1', 'reminder', 'scheduled', ?1, ?2, 'pam-1', 0, 0)")
        .bind(1, static_cast<std::int64_t>(now.time_since_epoch().count()))
        .bind(2, visit)
        .run();
  }
  failing_ = true;
  const test::CapturedLog log;
  std::optional<int> code;
  {
    Daemon daemon(options(now));
    daemon.start();
    code = run_until_it_stops(daemon, [] {});
  }
  EXPECT_EQ(code, 1);
  EXPECT_EQ(log.count("what=reminder-claim-sync count=1"), 1U) << "the claim's confirmation failed";
  EXPECT_EQ(log.count("REMINDER_SENT"), 0U);
  const auto opened = store::open_store(dir_ / "paminna.db", 1000);
  const auto reminder = store::ReminderStore(*opened.db).find(1);
  ASSERT_TRUE(reminder.has_value());
  EXPECT_FALSE(reminder->sent_at.has_value()) << "I3: nothing left before its claim was on disk";
  EXPECT_EQ(std::filesystem::file_size(dir_ / "sms-outbox.jsonl"), 0U) << "the console sink wrote nothing";
}

}  // namespace
}  // namespace paminna
