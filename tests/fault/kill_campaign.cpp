// Fault campaign: kill -9 at random moments while reminders dispatch and
// bookings are added over the control socket. After every kill the database
// must pass PRAGMA integrity_check, hold every booking the daemon acknowledged
// and every reminder it was given; at the end every reminder is sent, none
// lost, and every duplicate is one the daemon counted (the README's promise).
// Exits non-zero on the first broken invariant.
//
//   kill_campaign [--kills 50] [--reminders 10000] [--seed N]
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <date/date.h>

#include "domain/local_time.h"
#include "fault/campaign.h"
#include "store/open_store.h"
#include "store/sqlite.h"
#include "support/daemon_process.h"
#include "support/mock_http_server.h"
#include "support/socket_client.h"

using namespace paminna;
using namespace std::chrono_literals;

namespace {

using fault::broken;
using fault::first_missing;
using fault::form_field;
using fault::scalar;

void prefill(const std::filesystem::path& database, long count) {
  auto opened = store::open_store(database, 5000);
  auto& db = *opened.db;
  store::Transaction tx(db);
  db.exec(
      "INSERT INTO clients(id, ref, phone, language, created_at, last_contact_at) "
      "VALUES (1, 'K-FAULT', '+46701234567', 'sv', 0, 0)");
  db.exec("INSERT INTO consents(client_id, channel, event, source, at) VALUES (1, 'sms', 'grant', 'phone', 0)");
  auto& booking = db.cached(
      "INSERT INTO bookings(id, client_id, staff, start_utc, minutes, place, first_visit, status, reminder_state, "
      "created_at, updated_at) VALUES (?1, 1, 'AL', ?2, 60, 'office', 0, 'booked', 'scheduled', 0, 0)");
  auto& reminder = db.cached(
      "INSERT INTO reminders(booking_id, recipient, kind, state, due, visit_start, reference, created_at, updated_at) "
      "VALUES (?1, 'client:1', 'reminder', 'scheduled', ?2, ?3, 'pam-' || ?1, 0, 0)");
  // All due Monday 08:30 UTC; visits one minute apart from Tuesday 09:00 UTC.
  const auto due = parse_utc("2026-11-23T08:30:00Z")->time_since_epoch().count();
  const auto first_visit = parse_utc("2026-11-24T09:00:00Z")->time_since_epoch().count();
  for (long i = 1; i <= count; ++i) {
    booking.bind(1, static_cast<std::int64_t>(i)).bind(2, static_cast<std::int64_t>(first_visit + i * 60)).run();
    reminder.bind(1, static_cast<std::int64_t>(i))
        .bind(2, static_cast<std::int64_t>(due))
        .bind(3, static_cast<std::int64_t>(first_visit + i * 60))
        .run();
  }
  tx.commit();
}

// Adds bookings over the control socket for as long as it runs, through kills
// and restarts, and remembers the ids the daemon acknowledged.
class Booker {
 public:
  explicit Booker(const std::filesystem::path& socket) : socket_(socket), thread_([this] { run(); }) {}
  ~Booker() {
    stop_ = true;
    thread_.join();
  }
  Booker(const Booker&) = delete;
  Booker& operator=(const Booker&) = delete;

  std::vector<std::int64_t> acknowledged() {
    const std::lock_guard lock(mutex_);
    return ids_;
  }

 private:
  void run() {
    long n = 0;
    while (!stop_) {
      try {
        test::SocketClient client(socket_);
        while (!stop_) {
          // Visits in December (reminders not due during the campaign), one per 5 minutes.
          const long slot = n++;
          const auto day = 1 + (slot / 96) % 28;
          const auto minute = 8 * 60 + (slot % 96) * 5;
          char at[32];
          std::snprintf(at, sizeof at, "2026-12-%02ld %02ld:%02ld", day, minute / 60, minute % 60);
          const nlohmann::json request{{"jsonrpc", "2.0"},
                                       {"id", slot},
                                       {"method", "booking.add"},
                                       {"params", {{"client", "K-FAULT"}, {"at", at}, {"staff", "AL"}}}};
          if (!client.send(request.dump() + "\n")) {
            break;
          }
          const auto line = client.read_line(5s);
          if (!line) {
            break;  // killed mid-request: not acknowledged, may or may not exist
          }
          const auto reply = nlohmann::json::parse(*line);
          if (reply.contains("result")) {
            const std::lock_guard lock(mutex_);
            ids_.push_back(reply["result"]["booking"]["id"].get<std::int64_t>());
          }
        }
      } catch (const std::exception&) {
        std::this_thread::sleep_for(20ms);  // the daemon is down; try again
      }
    }
  }

  std::filesystem::path socket_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::int64_t> ids_;
  std::thread thread_;
};

std::string fake_time(int seconds_after_0831) {
  const auto t = *parse_utc("2026-11-23T08:31:00Z") + std::chrono::seconds(seconds_after_0831);
  return date::format("%FT%TZ", t);
}

}  // namespace

int main(int argc, char** argv) {
  long kills = 50;
  long count = 10000;
  unsigned seed = std::random_device{}();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--kills") {
      kills = std::atol(argv[i + 1]);
    } else if (name == "--reminders") {
      count = std::atol(argv[i + 1]);
    } else if (name == "--seed") {
      seed = static_cast<unsigned>(std::atol(argv[i + 1]));
    }
  }
  ::signal(SIGPIPE, SIG_IGN);
  std::printf("kill_campaign kills=%ld reminders=%ld seed=%u\n", kills, count, seed);
  std::mt19937 random(seed);

  test::MockHttpServer gateway;
  std::atomic<long> next_id{0};
  gateway.set_handler([&](const test::RecordedRequest&) {
    auto reply = test::MockReply::json(200, R"({"id":"m)" + std::to_string(++next_id) + R"("})");
    reply.delay = 1ms;  // a gateway on the network, not in memory
    return reply;
  });
  test::DaemonProcess daemon(test::with_config(""));
  std::ofstream(daemon.dir() / "elks.credentials") << "username=u1\npassword=secret\n";
  daemon.write_config(
      "[log]\nlevel = \"warn\"\n[office]\nphone = \"040-34 10 00\"\n[reminders]\nbatch_size = 100\n"
      "[sms]\ngateway = \"46elks\"\nbase_url = \"" +
      gateway.url() + "\"\ncredentials = \"" + (daemon.dir() / "elks.credentials").string() +
      "\"\nrate_per_second = 0\nmax_in_flight = 16\n");
  daemon.start();
  daemon.stop();
  prefill(daemon.database(), count);
  daemon.start();
  daemon.advance(1h);  // 09:00: everything is due

  int clock_offset = 0;
  {
    Booker booker(daemon.socket());
    std::uniform_int_distribution<int> pause_ms(0, 400);
    for (long k = 1; k <= kills; ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
      daemon.kill9();
      const auto acknowledged = booker.acknowledged();
      if (scalar(daemon.database(), "PRAGMA integrity_check") != 1) {
        broken("integrity_check failed after kill " + std::to_string(k));
      }
      const auto reminders =
          scalar(daemon.database(), "SELECT count(*) FROM reminders WHERE booking_id <= " + std::to_string(count));
      if (reminders != count) {
        broken("kill " + std::to_string(k) + ": " + std::to_string(reminders) + " reminders of " +
               std::to_string(count));
      }
      if (const auto gone = first_missing(daemon.database(), "bookings", acknowledged)) {
        broken("kill " + std::to_string(k) + ": acknowledged booking " + std::to_string(*gone) + " is gone");
      }
      // The clock only moves forward across restarts, as the wall clock does.
      clock_offset += 30;
      daemon.set_fake_clock(fake_time(clock_offset));
      daemon.start();
      daemon.advance(1s);
      std::printf("kill %ld: sent so far %zu, bookings acknowledged %zu\n", k, gateway.request_count(),
                  acknowledged.size());
    }
  }

  // Let it finish: what was claimed at a kill becomes due again on the retry schedule.
  const auto sent = [&] { return daemon.result("status")["reminders"]["by_state"].value("sent", 0L); };
  for (int i = 0; i < 600 && sent() < count; ++i) {
    daemon.advance(60s);
    for (int w = 0; w < 500 && daemon.result("status")["reminders"]["in_flight"] != 0; ++w) {
      std::this_thread::sleep_for(10ms);
    }
  }
  if (sent() != count) {
    broken(std::to_string(sent()) + " of " + std::to_string(count) + " reminders sent at the end");
  }
  std::set<std::string> distinct;
  for (const auto& request : gateway.requests()) {
    distinct.insert(form_field(request.body, "message"));
  }
  // Every reminder names its own visit time, so distinct texts count distinct reminders.
  if (static_cast<long>(distinct.size()) != count) {
    broken(std::to_string(distinct.size()) + " distinct messages for " + std::to_string(count) + " reminders");
  }
  const auto duplicates = static_cast<long>(gateway.request_count()) - count;
  const auto possible = daemon.result("status")["reminders"]["possible_duplicates"].get<long>();
  if (duplicates > possible) {
    broken(std::to_string(duplicates) + " duplicates but only " + std::to_string(possible) + " counted as possible");
  }
  daemon.stop();
  if (scalar(daemon.database(), "PRAGMA integrity_check") != 1) {
    broken("integrity_check failed at the end");
  }
  std::printf("kill_campaign OK: kills=%ld reminders=%ld requests=%zu duplicates=%ld possible_duplicates=%ld\n", kills,
              count, gateway.request_count(), duplicates, possible);
  return 0;
}
