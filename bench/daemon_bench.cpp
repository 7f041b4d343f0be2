// The real paminnad measured from outside: the control socket under load, its
// latency during a large dispatch, start-up with a big database, idle wake-ups
// and how late a reminder leaves after its due time. Each mode prints one line
// of figures; bench/README.md records them with the command.
//
//   daemon_bench socket --method booking.add|status [--clients 16] [--requests 20000] [--staff each|same]
//                       [--minutes N]
//   daemon_bench during-dispatch [--reminders 100000]
//   daemon_bench startup [--bookings 1000000]
//   daemon_bench idle [--seconds 60]
//   daemon_bench lateness [--reminders 1000] [--over 60]
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <date/date.h>

#include "domain/local_time.h"
#include "domain/time.h"
#include "store/open_store.h"
#include "store/sqlite.h"
#include "support/daemon_process.h"
#include "support/mock_http_server.h"
#include "support/socket_client.h"

using namespace paminna;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::string mode;
  std::map<std::string, std::string> options;

  [[nodiscard]] long number(const std::string& name, long fallback) const {
    const auto it = options.find(name);
    return it == options.end() ? fallback : std::stol(it->second);
  }
  [[nodiscard]] std::string text(const std::string& name, const std::string& fallback) const {
    const auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
  }
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  return values[index];
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A daemon sending through a 46elks-shaped loopback mock that answers at once.
// Its log level is warn: one INFO line per reminder would measure the log file.
std::unique_ptr<test::DaemonProcess> daemon_with_gateway(test::MockHttpServer& gateway, bool fake_clock,
                                                         const std::string& extra_toml = "") {
  auto options = test::with_config("");
  if (!fake_clock) {
    options.fake_clock.reset();
  }
  auto daemon = std::make_unique<test::DaemonProcess>(options);
  std::ofstream(daemon->dir() / "elks.credentials") << "username=u1\npassword=secret\n";
  daemon->write_config(
      "[log]\nlevel = \"warn\"\n[office]\nphone = \"040-34 10 00\"\n[sms]\ngateway = \"46elks\"\n"
      "base_url = \"" +
      gateway.url() + "\"\ncredentials = \"" + (daemon->dir() / "elks.credentials").string() +
      "\"\nrate_per_second = 0\nmax_in_flight = 16\n" + extra_toml);
  return daemon;
}

// Writes `count` booked visits (one minute apart from `first_visit`) and their
// scheduled reminders straight into the daemon's database while it is stopped:
// the state a busy office would reach, without timing the way there.
void prefill(const std::filesystem::path& database, long count, Instant due, Instant first_visit,
             std::chrono::milliseconds due_step = 0ms) {
  auto opened = store::open_store(database, 5000);
  auto& db = *opened.db;
  store::Transaction tx(db);
  db.exec(
      "INSERT INTO clients(id, ref, phone, language, created_at, last_contact_at) "
      "VALUES (1, 'K-BENCH', '+46701234567', 'sv', 0, 0)");
  db.exec("INSERT INTO consents(client_id, channel, event, source, at) VALUES (1, 'sms', 'grant', 'phone', 0)");
  auto& booking = db.cached(
      "INSERT INTO bookings(id, client_id, staff, start_utc, minutes, place, first_visit, status, reminder_state, "
      "created_at, updated_at) VALUES (?1, 1, 'AL', ?2, 60, 'office', 0, 'booked', 'scheduled', 0, 0)");
  auto& reminder = db.cached(
      "INSERT INTO reminders(booking_id, recipient, kind, state, due, visit_start, reference, created_at, updated_at) "
      "VALUES (?1, 'client:1', 'reminder', 'scheduled', ?2, ?3, 'pam-' || ?1, 0, 0)");
  const auto due_seconds = due.time_since_epoch().count();
  for (long i = 1; i <= count; ++i) {
    const auto start = first_visit.time_since_epoch().count() + i * 60;
    const auto due_at = due_seconds + std::chrono::duration_cast<std::chrono::seconds>(due_step * i).count();
    booking.bind(1, static_cast<std::int64_t>(i)).bind(2, static_cast<std::int64_t>(start)).run();
    reminder.bind(1, static_cast<std::int64_t>(i))
        .bind(2, static_cast<std::int64_t>(due_at))
        .bind(3, static_cast<std::int64_t>(start))
        .run();
  }
  tx.commit();
}

std::string request_line(const std::string& method, const nlohmann::json& params, long id) {
  return nlohmann::json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump() + "\n";
}

// `clients` connections, each sending its share of `requests` one after the
// other (a person's paminnactl does the same); every reply must be a result.
int socket_mode(const Args& args) {
  const auto method = args.text("method", "status");
  const auto clients = args.number("clients", method == "status" ? 64 : 16);
  const auto requests = args.number("requests", method == "status" ? 100000 : 20000);
  // booking.add: "each" gives every client its own staff member (an office's
  // load); "same" books them all for one, so every add overlaps 15 others.
  const bool one_staff = args.text("staff", "each") == "same";
  // Visits start five minutes apart per client. Unset, they last the default hour, so each
  // overlaps up to eleven before it (those of the same day) and its reply carries as many
  // warnings; 5 gives back-to-back visits, an office's own schedule (with "each").
  const auto minutes = args.number("minutes", 0);
  if (minutes != 0 && (minutes < 5 || minutes > 480)) {
    std::fprintf(stderr, "--minutes: booking.add takes 5 to 480, not %ld\n", minutes);
    return 2;
  }
  test::DaemonProcess daemon(test::with_config("[log]\nlevel = \"warn\"\n"));  // 2026-11-23 09:00 local, fake clock
  daemon.start();
  for (long c = 0; c < clients; ++c) {
    const auto ref = "K-2026-" + std::to_string(1000 + c);
    daemon.result("client.add", {{"client", ref}, {"phone", "070-123 45 67"}, {"lang", "sv"}});
    daemon.result("consent.grant", {{"client", ref}, {"source", "victim-form"}});
  }
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
  std::atomic<long> errors{0};
  std::vector<std::thread> threads;
  const auto started = Clock::now();
  for (long c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      test::SocketClient socket(daemon.socket());
      auto& mine = latencies[static_cast<std::size_t>(c)];
      const auto ref = "K-2026-" + std::to_string(1000 + c);
      for (long i = c; i < requests; i += clients) {
        nlohmann::json params = nlohmann::json::object();
        if (method == "booking.add") {
          // Visits from tomorrow on, five minutes apart per client, 08:00-16:00.
          const long slot = i / clients;
          const auto day = date::year_month_day{date::sys_days{date::year{2026} / 11 / 24} + date::days{slot / 96}};
          const long minute = 8 * 60 + (slot % 96) * 5;
          const auto at = date::format("%F ", day) + (minute / 60 < 10 ? "0" : "") + std::to_string(minute / 60) + ":" +
                          (minute % 60 < 10 ? "0" : "") + std::to_string(minute % 60);
          params = {{"client", ref}, {"at", at}, {"staff", one_staff ? std::string("AL") : "S" + std::to_string(c)}};
          if (minutes > 0) {
            params["minutes"] = minutes;
          }
        }
        const auto sent = Clock::now();
        socket.send(request_line(method, params, i + 1));
        const auto line = socket.read_line(30s);
        mine.push_back(ms_since(sent));
        if (!line || line->find("\"result\"") == std::string::npos) {
          if (errors.fetch_add(1) < 3) {
            std::fprintf(stderr, "error reply: %s\n", line ? line->c_str() : "(none)");
          }
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  const auto seconds = ms_since(started) / 1000;
  std::vector<double> all;
  for (auto& l : latencies) {
    all.insert(all.end(), l.begin(), l.end());
  }
  std::printf(
      "mode=socket method=%s clients=%ld requests=%ld minutes=%ld errors=%ld seconds=%.2f requests_per_second=%.0f "
      "p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
      method.c_str(), clients, requests, minutes > 0 ? minutes : 60, errors.load(), seconds,
      static_cast<double>(requests) / seconds, percentile(all, 0.50), percentile(all, 0.99), percentile(all, 1.0));
  if (errors.load() > 0) {  // the replies say only that something failed; the log says what
    std::fprintf(stderr, "the daemon's log begins:\n%s\n", daemon.log().substr(0, 3000).c_str());
  }
  // Stopped as systemd stops it, not killed, so that a profiler wrapped
  // around paminnad (callgrind, in bench/README.md) writes what it counted.
  if (daemon.stop() != 0) {
    std::fprintf(stderr, "paminnad did not stop cleanly within 20 s; a profiler's output may be lost\n");
  }
  return errors.load() == 0 ? 0 : 1;
}

// `status` round trips on one connection, 100 a second, while the daemon
// sends `reminders` that all fell due at once.
int during_dispatch_mode(const Args& args) {
  const auto count = args.number("reminders", 100000);
  test::MockHttpServer gateway;
  gateway.set_handler([](const test::RecordedRequest&) { return test::MockReply::json(200, R"({"id":"s1"})"); });
  const auto batch = args.number("batch", 0);
  auto daemon =
      daemon_with_gateway(gateway, true, batch > 0 ? "[reminders]\nbatch_size = " + std::to_string(batch) + "\n" : "");
  daemon->start();
  daemon->stop();
  prefill(daemon->database(), count, *parse_utc("2026-11-23T08:30:00Z"), *parse_utc("2026-11-24T09:00:00Z"));
  daemon->start();
  std::vector<double> latencies;
  std::atomic<bool> done{false};
  std::thread prober([&] {
    test::SocketClient socket(daemon->socket());
    long id = 0;
    while (!done.load()) {
      const auto sent = Clock::now();
      socket.send(request_line("status", nlohmann::json::object(), ++id));
      if (!socket.read_line(30s)) {
        std::fprintf(stderr, "status got no reply\n");
        return;
      }
      latencies.push_back(ms_since(sent));
      std::this_thread::sleep_for(10ms);  // a person or a monitor, not a flood
    }
  });
  const auto started = Clock::now();
  daemon->advance(1h);
  while (gateway.request_count() < static_cast<std::size_t>(count) && ms_since(started) < 600000) {
    std::this_thread::sleep_for(10ms);  // the benchmark's own sampling, not a wait on the daemon's timer
  }
  const auto seconds = ms_since(started) / 1000;
  done = true;
  prober.join();
  std::printf(
      "mode=during-dispatch reminders=%ld sent=%zu seconds=%.2f reminders_per_second=%.0f status_calls=%zu "
      "p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
      count, gateway.request_count(), seconds, static_cast<double>(gateway.request_count()) / seconds, latencies.size(),
      percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 1.0));
  return 0;
}

std::map<std::string, long> proc_status(pid_t pid) {
  std::map<std::string, long> values;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      values[line.substr(0, colon)] = std::atol(line.c_str() + colon + 1);
    }
  }
  return values;
}

int startup_mode(const Args& args) {
  const auto count = args.number("bookings", 1000000);
  test::MockHttpServer gateway;
  auto daemon = daemon_with_gateway(gateway, true);
  daemon->start();
  daemon->stop();
  // Visits one minute apart from next week on; reminders due over the coming
  // days, so start-up finds a full table and an armed timer.
  prefill(daemon->database(), count, *parse_utc("2026-11-29T09:00:00Z"), *parse_utc("2026-11-30T09:00:00Z"));
  const auto size = std::filesystem::file_size(daemon->database());
  const auto started = Clock::now();
  daemon->start();  // returns at READY=1
  const auto to_ready = ms_since(started);
  const auto status = proc_status(daemon->pid());
  std::printf("mode=startup bookings=%ld database_mib=%.0f ready_ms=%.0f rss_kib=%ld hwm_kib=%ld\n", count,
              static_cast<double>(size) / (1 << 20), to_ready, status.at("VmRSS"), status.at("VmHWM"));
  return 0;
}

long context_switches(pid_t pid) {
  long total = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream in(task.path() / "status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0 || line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) {
        total += std::atol(line.c_str() + line.find(':') + 1);
      }
    }
  }
  return total;
}

// Real clock, nothing due, the watchdog enabled as the unit does (WatchdogSec=60).
int idle_mode(const Args& args) {
  const auto seconds = args.number("seconds", 60);
  auto options = test::with_real_clock();
  options.env["WATCHDOG_USEC"] = "60000000";
  test::DaemonProcess daemon(options);
  daemon.start();
  std::this_thread::sleep_for(2s);  // let start-up settle
  const auto before = context_switches(daemon.pid());
  std::this_thread::sleep_for(std::chrono::seconds(seconds));  // the measurement is of time passing
  const auto after = context_switches(daemon.pid());
  std::printf("mode=idle seconds=%ld context_switches=%ld wakeups_per_minute=%.1f\n", seconds, after - before,
              static_cast<double>(after - before) * 60.0 / static_cast<double>(seconds));
  return 0;
}

// Real clock: `count` reminders fall due evenly over `over` seconds; the mock
// notes when each request arrives. Sorted arrivals against sorted due times
// give the lateness of the k-th send (nothing is ever sent early).
int lateness_mode(const Args& args) {
  const auto count = args.number("reminders", 1000);
  const auto over = args.number("over", 60);
  test::MockHttpServer gateway;
  std::mutex mutex;
  std::vector<std::chrono::system_clock::time_point> arrivals;
  gateway.set_handler([&](const test::RecordedRequest&) {
    const std::lock_guard lock(mutex);
    arrivals.push_back(std::chrono::system_clock::now());
    return test::MockReply::json(200, R"({"id":"s1"})");
  });
  auto daemon = daemon_with_gateway(gateway, false);
  daemon->start();
  daemon->stop();
  // The due column holds whole seconds: spread the reminders over `over`
  // seconds, several per second, starting 5 s after the restart below.
  const auto first_due = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) + 5s;
  const Instant first{first_due.time_since_epoch()};
  const auto step = std::chrono::milliseconds(over * 1000 / count);
  prefill(daemon->database(), count, first, first + 24h, step);
  std::vector<std::chrono::system_clock::time_point> dues;
  for (long i = 1; i <= count; ++i) {
    dues.push_back(first_due + std::chrono::duration_cast<std::chrono::seconds>(step * i));
  }
  daemon->start();
  const auto started = Clock::now();
  while (gateway.request_count() < static_cast<std::size_t>(count) &&
         ms_since(started) < static_cast<double>(over + 60) * 1000.0) {
    std::this_thread::sleep_for(50ms);
  }
  std::vector<double> lateness;
  {
    const std::lock_guard lock(mutex);
    std::sort(arrivals.begin(), arrivals.end());
    for (std::size_t i = 0; i < arrivals.size() && i < dues.size(); ++i) {
      lateness.push_back(std::chrono::duration<double, std::milli>(arrivals[i] - dues[i]).count());
    }
  }
  std::printf("mode=lateness reminders=%ld over_s=%ld sent=%zu p50_ms=%.1f p99_ms=%.1f max_ms=%.1f min_ms=%.1f\n",
              count, over, lateness.size(), percentile(lateness, 0.5), percentile(lateness, 0.99),
              percentile(lateness, 1.0), percentile(lateness, 0.0));
  return lateness.size() == static_cast<std::size_t>(count) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: daemon_bench socket|during-dispatch|startup|idle|lateness [--name value]...\n");
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  Args args{argv[1], {}};
  for (int i = 2; i + 1 < argc; i += 2) {
    args.options[std::string(argv[i]).substr(2)] = argv[i + 1];
  }
  try {
    if (args.mode == "socket") {
      return socket_mode(args);
    }
    if (args.mode == "during-dispatch") {
      return during_dispatch_mode(args);
    }
    if (args.mode == "startup") {
      return startup_mode(args);
    }
    if (args.mode == "idle") {
      return idle_mode(args);
    }
    if (args.mode == "lateness") {
      return lateness_mode(args);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "daemon_bench %s: %s\n", args.mode.c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr, "unknown mode %s\n", args.mode.c_str());
  return 2;
}
