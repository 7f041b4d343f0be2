// Reminders dispatched end to end per second: N reminders due at once in a
// real SQLite file (synchronous=FULL), claimed, rendered, POSTed 46elks-style
// over loopback HTTP to a mock that answers 200 at once, and each `sent`
// state committed. The same dispatcher, store, gateway and transport as the
// daemon; only the control socket is left out.
//
//   dispatch_bench [--reminders 100000] [--batch N (default: reminders.batch_size's)] [--in-flight 16]
#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "config/config_loader.h"
#include "http/transport.h"
#include "service/clock.h"
#include "service/reminder_dispatcher.h"
#include "service/scheduler.h"
#include "service/wall_timer.h"
#include "sms/elks46_gateway.h"
#include "store/open_store.h"
#include "store/wal_worker.h"
#include "support/mock_http_server.h"
#include "support/temp_dir.h"

using namespace paminna;

int main(int argc, char** argv) {
  int count = 100000;
  int batch = 0;
  std::size_t in_flight = 16;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--reminders") == 0) {
      count = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--batch") == 0) {
      batch = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--in-flight") == 0) {
      in_flight = static_cast<std::size_t>(std::atoi(argv[i + 1]));
    }
  }
  spdlog::set_level(spdlog::level::warn);  // one INFO line per reminder would measure the terminal
  test::TempDir dir;
  test::MockHttpServer gateway;
  gateway.set_handler([](const test::RecordedRequest&) { return test::MockReply::json(200, R"({"id":"s1"})"); });

  auto config = embedded_defaults();
  config.office.phone = "040-34 10 00";
  if (batch > 0) {
    config.reminders.batch_size = batch;
  }
  batch = config.reminders.batch_size;
  const Instant now = *parse_utc("2026-11-24T09:00:00Z");
  const Instant visit = *parse_utc("2026-11-25T09:00:00Z");

  auto opened = store::open_store(dir.path() / "bench.db", 5000);
  auto& db = *opened.db;
  {
    store::Transaction tx(db);
    db.exec(
        "INSERT INTO clients(id, ref, phone, language, created_at, last_contact_at) "
        "VALUES (1, 'K-1', '+46701234567', 'sv', 0, 0)");
    db.exec("INSERT INTO consents(client_id, channel, event, source, at) VALUES (1, 'sms', 'grant', 'phone', 0)");
    auto& booking = db.cached(
        "INSERT INTO bookings(id, client_id, staff, start_utc, minutes, place, first_visit, status, reminder_state, "
        "created_at, updated_at) VALUES (?1, 1, 'AL', ?2, 60, 'office', 0, 'booked', 'scheduled', 0, 0)");
    auto& reminder = db.cached(
        "INSERT INTO reminders(booking_id, recipient, kind, state, due, visit_start, reference, created_at, "
        "updated_at) "
        "VALUES (?1, 'client:1', 'reminder', 'scheduled', ?2, ?3, 'pam-' || ?1, 0, 0)");
    for (int i = 1; i <= count; ++i) {
      const auto start = visit.time_since_epoch().count() + i * 60;
      booking.bind(1, i).bind(2, static_cast<std::int64_t>(start)).run();
      reminder.bind(1, i)
          .bind(2, static_cast<std::int64_t>(now.time_since_epoch().count()))
          .bind(3, static_cast<std::int64_t>(start))
          .run();
    }
    tx.commit();
  }

  boost::asio::io_context io;
  // As the daemon has it: checkpoints off the loop (store/wal_worker.h).
  store::WalWorker wal(db, [&io](std::function<void()> task) { boost::asio::post(io, std::move(task)); });
  ManualClock clock(now);
  ManualWallTimer timer([&clock] { return clock.now(); },
                        [&io](std::function<void()> task) { boost::asio::post(io, std::move(task)); });
  Scheduler scheduler(clock, timer);
  http::Transport transport(io);
  sms::Elks46Config elks;
  elks.base_url = gateway.url();
  elks.credentials = {"u", "p"};
  elks.http.limits.max_in_flight = in_flight;
  elks.http.wall_now = [&clock] { return clock.now(); };
  sms::Elks46Gateway sms_gateway(transport, elks);
  ReminderDispatcher dispatcher(
      io, db, scheduler, clock, [&config]() -> const Config& { return config; }, sms_gateway,
      [&wal](std::function<void(std::error_code)> done) { wal.sync(std::move(done)); });

  // While the WAL worker confirms a commit nothing else may be pending: the
  // loop must wait for its answer, not run out of work and stop.
  const auto work = boost::asio::make_work_guard(io);
  const auto started = std::chrono::steady_clock::now();
  dispatcher.start();
  timer.advance_to(clock.now());
  std::int64_t sent = 0;
  while (sent < count) {
    io.run_for(std::chrono::milliseconds(200));
    sent = store::ReminderStore(db).counts_by_state()["sent"];
  }
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("reminders=%d batch=%d in_flight=%zu seconds=%.2f reminders_per_second=%.0f http_requests=%zu\n", count,
              batch, in_flight, seconds, count / seconds, gateway.request_count());
  return 0;
}
