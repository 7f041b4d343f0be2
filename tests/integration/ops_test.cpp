// Operations (issue 9) against the real daemon: metrics and the textfile,
// health in status, online backup while writes go on, `paminnactl today`,
// and the generated bash completion. The fake clock starts Monday
// 2026-11-23 09:00 local.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "support/daemon_process.h"

namespace paminna::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

std::string ok(const DaemonProcess& daemon, const std::vector<std::string>& args) {
  const auto r = daemon.ctl(args);
  EXPECT_EQ(r.exit_code, 0) << testing::PrintToString(args) << "\n" << r.err;
  return r.out;
}

mode_t mode_of(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

// --- Metrics ------------------------------------------------------------------------------------------------------

TEST(Ops, MetricsCoverEveryAreaAndCarryNoPersonalData) {
  DaemonProcess daemon;
  daemon.start();
  ok(daemon, {"--actor", "AL", "client", "add", "--ref", "K-2026-0042", "--phone", "070-123 45 67", "--lang", "sv",
              "--born", "1985-04-02"});
  ok(daemon, {"--actor", "AL", "consent", "grant", "--client", "K-2026-0042", "--source", "victim-form"});
  ok(daemon,
     {"--actor", "AL", "booking", "add", "--client", "K-2026-0042", "--at", "2026-11-25 10:00", "--staff", "AL"});
  ok(daemon, {"voicemail", "add", "073-111 22 33"});
  (void)daemon.call("no.such.method");
  const auto text = ok(daemon, {"metrics"});
  for (const auto* expected : {
           "# TYPE paminna_reminders gauge\n",
           "paminna_reminders{state=\"scheduled\"} 1\n",
           "paminna_reminders{state=\"expired\"} 0\n",
           "# TYPE paminna_gateway_outcomes_total counter\n",
           "paminna_gateway_outcomes_total{outcome=\"accepted\"} 0\n",
           "# TYPE paminna_gateway_send_seconds histogram\n",
           "paminna_gateway_send_seconds_bucket{le=\"+Inf\"} 0\n",
           "paminna_callbacks_open 1\n",
           "paminna_callbacks_overdue 0\n",
           "paminna_phone_state{state=\"open\"} 0\n",
           "paminna_phone_state{state=\"internal\"} 0\n",
           "paminna_phone_state{state=\"closed\"} 1\n",  // Monday 09:00: no phone hours (R6)
           "paminna_control_requests_total{method=\"booking.add\"} 1\n",
           "paminna_control_requests_total{method=\"_unknown\"} 1\n",
           "paminna_control_errors_total{method=\"_unknown\"} 1\n",
           "# TYPE paminna_database_size_bytes gauge\n",
           "paminna_healthy 1\n",
       }) {
    EXPECT_THAT(text, HasSubstr(expected));
  }
  EXPECT_THAT(text, Not(HasSubstr("no.such.method")));  // a client's made-up name never becomes a label
  // Privacy: no number (in any spelling), no case reference.
  for (const auto* secret : {"701234567", "70 123", "731112233", "K-2026-0042"}) {
    EXPECT_THAT(text, Not(HasSubstr(secret)));
  }
  // --json gives the same text inside an object for scripts.
  const auto machine = json::parse(ok(daemon, {"--json", "metrics"}));
  EXPECT_THAT(machine["text"].get<std::string>(), HasSubstr("paminna_build_info{version=\""));
}

TEST(Ops, TheTextfileIsWrittenAtStartAndRewrittenEveryIntervalByTheScheduler) {
  DaemonProcess daemon(with_config(""));
  const auto prom = daemon.dir() / "textfile" / "paminna.prom";
  std::filesystem::create_directories(prom.parent_path());
  daemon.write_config("[metrics]\ntextfile = \"" + prom.string() + "\"\ntextfile_interval = 60\n");
  daemon.start();
  ASSERT_TRUE(std::filesystem::exists(prom));
  EXPECT_EQ(mode_of(prom), 0644U);  // the node exporter runs as another user
  const auto first = read_file(prom);
  EXPECT_THAT(first, HasSubstr("paminna_callbacks_open 0\n"));
  ok(daemon, {"voicemail", "add", "073-111 22 33"});
  EXPECT_EQ(read_file(prom), first);  // nothing polls: only the interval's deadline writes
  daemon.advance(60s);
  EXPECT_THAT(read_file(prom), HasSubstr("paminna_callbacks_open 1\n"));
  // No temporary file is left beside it (written to a temporary name and renamed).
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(prom.parent_path())) {
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(Ops, TheTextfileKeyIsValidatedLikeEveryOther) {
  DaemonProcess daemon(with_config(""));
  for (const auto& [value, message] : std::vector<std::pair<std::string, std::string>>{
           {"\"relative/paminna.prom\"", "absolute"}, {"\"/tmp/paminna.txt\"", ".prom"}}) {
    daemon.write_config("[metrics]\ntextfile = " + value + "\n");
    const auto r = run(PAMINNAD_PATH, {"--check-config", daemon.config_file().string()});
    EXPECT_EQ(r.exit_code, 1) << value;
    EXPECT_THAT(r.err, HasSubstr("metrics.textfile"));
    EXPECT_THAT(r.err, HasSubstr(message));
  }
  daemon.write_config("[metrics]\ntextfile_interval = 1\n");
  const auto r = run(PAMINNAD_PATH, {"--check-config", daemon.config_file().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("metrics.textfile_interval"));
}

// --- Health -------------------------------------------------------------------------------------------------------

TEST(Ops, StatusSaysPlainlyWhyTheDaemonIsNotHealthy) {
  DaemonProcess daemon;
  daemon.start();
  auto status = daemon.result("status");
  EXPECT_TRUE(status["healthy"].get<bool>()) << status.dump(2);
  EXPECT_TRUE(status["problems"].empty());
  EXPECT_EQ(status["callbacks"]["open"], 0);
  EXPECT_EQ(status["phone"]["status"], "closed");

  ok(daemon, {"voicemail", "add", "073-111 22 33", "--received", "2026-11-23 08:30"});
  daemon.advance(25h);  // R5: past the 24 h deadline
  status = daemon.result("status");
  EXPECT_FALSE(status["healthy"].get<bool>());
  ASSERT_EQ(status["problems"].size(), 1U) << status.dump(2);
  EXPECT_THAT(status["problems"][0].get<std::string>(), HasSubstr("1 callback task(s) overdue"));
  const auto human = daemon.ctl({"status"});
  EXPECT_THAT(human.out, HasSubstr("NOT HEALTHY"));
  EXPECT_THAT(human.out, HasSubstr("overdue"));
  EXPECT_THAT(ok(daemon, {"metrics"}), HasSubstr("paminna_healthy 0\n"));
}

// --- Backup -------------------------------------------------------------------------------------------------------

std::int64_t count_in_copy(const std::filesystem::path& path, const std::string& sql, std::string* integrity) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::int64_t n = -1;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    *integrity = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));  // NOLINT: SQLite's API
  }
  sqlite3_finalize(stmt);
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    n = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

TEST(Ops, BackupWhileClientsAreBeingAddedGivesASoundCopy) {
  DaemonProcess daemon;
  daemon.start();
  for (int i = 0; i < 200; ++i) {
    daemon.result("client.add", {{"client", "K-PRE-" + std::to_string(i)}});
  }
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      if (daemon.call("client.add", {{"client", "K-DUR-" + std::to_string(i)}}).contains("result")) {
        ++written;
      }
    }
  });
  // Let the writer get going (an event, not a timer: its first writes are acknowledged).
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (written < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  if (written < 5) {
    stop = true;
    writer.join();
    FAIL() << "the writer got no client.add through";
  }
  const auto copy = daemon.dir() / "backups" / "copy.db";
  std::filesystem::create_directories(copy.parent_path());
  const auto out = ok(daemon, {"backup", copy.string()});
  stop = true;
  writer.join();
  EXPECT_THAT(out, HasSubstr("integrity ok"));
  ASSERT_TRUE(std::filesystem::exists(copy));
  EXPECT_EQ(mode_of(copy), 0600U);  // personal data
  std::string integrity;
  const auto clients = count_in_copy(copy, "SELECT count(*) FROM clients", &integrity);
  EXPECT_EQ(integrity, "ok");
  EXPECT_GE(clients, 205);
  EXPECT_LE(clients, 200 + written.load());
  EXPECT_FALSE(std::filesystem::exists(copy.string() + "-wal"));  // one self-contained file
  EXPECT_THAT(daemon.log(), HasSubstr("BACKUP_COMPLETED"));

  // An existing file is kept unless asked; then replaced.
  const auto again = daemon.ctl({"backup", copy.string()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("exists"));
  EXPECT_THAT(ok(daemon, {"backup", "--overwrite", copy.string()}), HasSubstr("integrity ok"));
  // Only the copy is in the folder: the temporary file was renamed.
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(copy.parent_path())) {
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(Ops, BackupRefusesWhatItCannotDoNamingTheField) {
  DaemonProcess daemon;
  daemon.start();
  auto error = daemon.call("store.backup", {{"path", "relative.db"}})["error"];
  EXPECT_EQ(error["code"], -32602);
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("path: must be an absolute path"));
  error = daemon.call("store.backup", {{"path", (daemon.dir() / "no-such-folder" / "x.db").string()}})["error"];
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("does not exist"));
  error = daemon.call("store.backup", {{"path", daemon.database().string()}, {"overwrite", true}})["error"];
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("live database"));
  error = daemon.call("store.backup", {{"path", "/x.db"}, {"compress", true}})["error"];
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("compress"));
}

// --- today --------------------------------------------------------------------------------------------------------

TEST(Ops, TodayShowsThePhoneVisitsAndCallbacksAndWorksWithJson) {
  DaemonProcess daemon;
  daemon.start();
  ok(daemon, {"--actor", "AL", "client", "add", "--ref", "K-2026-0042", "--phone", "070-123 45 67", "--lang", "sv"});
  ok(daemon, {"--actor", "AL", "consent", "grant", "--client", "K-2026-0042", "--source", "victim-form"});
  ok(daemon,
     {"--actor", "AL", "booking", "add", "--client", "K-2026-0042", "--at", "2026-11-23 14:00", "--staff", "AL"});
  ok(daemon,
     {"--actor", "AL", "booking", "add", "--client", "K-2026-0042", "--at", "2026-11-24 10:00", "--staff", "BK"});
  ok(daemon, {"voicemail", "add", "073-111 22 33", "--received", "2026-11-22 08:30"});  // overdue already
  ok(daemon, {"voicemail", "add", "070-999 88 77"});
  const auto human = ok(daemon, {"today"});
  EXPECT_THAT(human, HasSubstr("monday 2026-11-23 — phone CLOSED"));
  EXPECT_THAT(human, HasSubstr("internal 15:00-16:30"));  // R6 Monday
  EXPECT_THAT(human, HasSubstr("Visits today (1)"));
  EXPECT_THAT(human, HasSubstr("Visits tomorrow 2026-11-24 (1)"));
  EXPECT_THAT(human, HasSubstr("1 OVERDUE"));
  EXPECT_THAT(human, Not(HasSubstr("\033[")));  // not a terminal: no colour
  EXPECT_THAT(human, Not(HasSubstr("701234567")));
  const auto machine = json::parse(ok(daemon, {"--json", "today"}));
  EXPECT_EQ(machine["bookings_today"].size(), 1U);
  EXPECT_EQ(machine["bookings_tomorrow"].size(), 1U);
  EXPECT_EQ(machine["bookings_tomorrow"][0]["staff"], "BK");
  ASSERT_EQ(machine["callbacks"].size(), 2U);
  EXPECT_TRUE(machine["callbacks"][0]["overdue"].get<bool>());  // overdue first
  EXPECT_EQ(machine["phone"]["status"], "closed");
  EXPECT_EQ(machine["today"]["date"], "2026-11-23");
  // --json also after the subcommand, here and everywhere.
  EXPECT_EQ(json::parse(ok(daemon, {"today", "--json"}))["bookings_today"].size(), 1U);
  EXPECT_EQ(json::parse(ok(daemon, {"booking", "list", "--json"}))["bookings"].size(), 1U);
}

// --- Bash completion ----------------------------------------------------------------------------------------------

// The subcommands `paminnactl [words] --help` lists under "Subcommands:" (CLI11's help).
std::set<std::string> help_subcommands(const std::vector<std::string>& words) {
  auto args = words;
  args.emplace_back("--help");
  const auto r = run(PAMINNACTL_PATH, args);
  std::set<std::string> names;
  std::istringstream in(r.out);
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line == "Subcommands:") {
      in_section = true;
      continue;
    }
    if (in_section) {
      std::smatch m;
      if (std::regex_match(line, m, std::regex(R"(^  ([a-z][a-z0-9-]*)\b.*)"))) {
        names.insert(m[1]);
      } else if (!line.empty() && line[0] != ' ') {
        in_section = false;
      }
    }
  }
  return names;
}

std::set<std::string> completions(const std::filesystem::path& script, const std::string& line) {
  const auto r = run("/bin/bash", {"-c", "source '" + script.string() + "'; COMP_LINE='" + line +
                                             "'; read -ra COMP_WORDS <<< \"$COMP_LINE\"; "
                                             "[[ \"$COMP_LINE\" == *' ' ]] && COMP_WORDS+=(''); "
                                             "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _paminnactl; "
                                             "printf '%s\\n' \"${COMPREPLY[@]}\""});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> words;
  std::istringstream in(r.out);
  std::string word;
  while (std::getline(in, word)) {
    if (!word.empty()) {
      words.insert(word);
    }
  }
  return words;
}

TEST(Ops, TheGeneratedBashCompletionListsEverySubcommand) {
  TempDir dir;
  const auto script = dir / "paminnactl.bash";
  const auto generated = run(PAMINNACTL_PATH, {"--completion", "bash"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  std::ofstream(script) << generated.out;

  const auto top = help_subcommands({});
  ASSERT_GT(top.size(), 10U);
  for (const auto* name : {"today", "metrics", "backup", "status", "booking", "callback"}) {
    EXPECT_TRUE(top.contains(name)) << name;
  }
  EXPECT_EQ(completions(script, "paminnactl "), top);
  // Every level: each group's subcommands complete after its name (and after a global option with a value).
  for (const auto& group : top) {
    const auto subs = help_subcommands({group});
    if (!subs.empty()) {
      EXPECT_EQ(completions(script, "paminnactl " + group + " "), subs) << group;
    }
  }
  EXPECT_EQ(completions(script, "paminnactl --socket /tmp/s boo"), std::set<std::string>{"booking"});
  const auto options = completions(script, "paminnactl backup --");
  EXPECT_TRUE(options.contains("--overwrite"));
}

}  // namespace
}  // namespace paminna::test
