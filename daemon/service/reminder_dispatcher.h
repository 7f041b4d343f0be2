// Sends due reminders through the gateway and records what happened.
//
// One scheduler deadline ("reminders") is armed for the earliest due row or
// for the end of a gateway pause. When it fires, due rows are claimed in a
// batch: each is checked again (booking still booked at that time, visit not
// begun, recipient still consenting: I4, I5 of reminder_state.h), moved to
// `sending` and committed (I3) before any request leaves. Outcomes are
// written back in one transaction per half window (at most 64; group
// commit), so a slow recipient never holds up the rest and a burst costs few
// fsyncs. At most reminders.batch_size are claimed and unanswered at once;
// once half are answered and written, their room is claimed while the rest
// are answered (may_claim()).
//
// Those commits leave their fdatasync to `confirm` (store::WalWorker, off
// the loop), so that the loop answers the control socket meanwhile instead
// of sitting in the disk's sync: a claimed batch is sent once `confirm` says
// its commit is on disk, and an outcome's log line is written then. The next
// batch is claimed without waiting for the last outcomes' confirmation; its
// own, which begins later, covers both. Start-up, a clock step and the
// writes at stop sync in their COMMIT. A read-only answer of the control
// socket does not wait for these confirmations (control/method_table.h):
// waiting put a sync into the p99 of `status` during a dispatch (7 ms
// against 4 ms, bench/README.md) to avoid showing, for a few milliseconds,
// a reminder's state that a power cut could still undo. An answer to a
// change still waits: its confirmation covers every earlier commit.
//
// Crash safety: a row left in `sending` by a crash is found at start and
// resolved by reminders.unknown_outcome (resend as a possible duplicate, or
// hold for a person). Our gateways do not deduplicate on the client
// reference, so a resend after a crash may reach the person twice; the
// count is shown in status and logged (REMINDER_RECOVERED).
//
// Database errors (disk full, a lock held past daemon.busy_timeout_ms) lose
// nothing and stop nothing for good: a failed claim is tried again later, and
// the outcomes of a failed group commit stay in memory and are written again
// (tests/fault/disk_campaign.cpp).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "config/config.h"
#include "log/events.h"
#include "service/clock.h"
#include "service/metrics_text.h"
#include "service/scheduler.h"
#include "sms/sms_gateway.h"
#include "store/reminder_store.h"
#include "store/sqlite.h"

namespace paminna {

class ReminderDispatcher {
 public:
  // Calls `done` once an fdatasync of the WAL that began after the call has
  // returned, with its result; on the loop. After a failure it is never
  // called again with success (store::WalWorker) and the daemon stops.
  using Confirm = std::function<void(std::function<void(std::error_code)> done)>;

  ReminderDispatcher(boost::asio::io_context& io, store::Database& db, Scheduler& scheduler, const Clock& clock,
                     std::function<const Config&()> config, sms::SmsGateway& gateway, Confirm confirm);
  ~ReminderDispatcher();
  ReminderDispatcher(const ReminderDispatcher&) = delete;
  ReminderDispatcher& operator=(const ReminderDispatcher&) = delete;

  // Resolves rows left in `sending`, then arms the deadline.
  void start();
  // At shutdown: one last attempt to write outcomes that a database error kept
  // in memory. What still fails is logged, reminder by reminder, since the next
  // start resends it as a possible duplicate.
  void stop();
  // After the stop's own sync of the WAL (Daemon::stop), with its result:
  // the log lines of what was written but not yet confirmed.
  void stopped(std::error_code synced);
  // Something may have changed the earliest due row: re-arm (one indexed query).
  void changed();
  // gateway.resume: end a pause now.
  void resume();
  // The wall clock was set by `step` (Scheduler contract 6). After a step
  // back, the gateway's pause and the retry times of reminders move with it,
  // so hours are not added to a wait of minutes. Due times planned from the
  // visit (first attempts) keep their wall time.
  void clock_stepped(Duration step);
  [[nodiscard]] nlohmann::json status();
  [[nodiscard]] bool paused() const { return paused_until_.has_value(); }
  // Since when every send has failed for a reason of the gateway's (retry later,
  // outcome unknown, unavailable); reset by the next accepted send. A message
  // rejected permanently (a bad number) says nothing about the gateway.
  [[nodiscard]] std::optional<Instant> failing_since() const { return failing_since_; }
  [[nodiscard]] const std::string& last_failure() const { return last_failure_; }
  // paminna_reminders, paminna_gateway_* families (service/metrics_text.h).
  [[nodiscard]] std::vector<metrics::Family> metrics();

 private:
  struct Completion {
    std::int64_t id;
    sms::SendOutcome outcome;
    std::chrono::steady_clock::duration took;
    Instant arrived;        // what apply() calls now: the same on every attempt to write it
    bool withheld = false;  // never sent (withhold()): written back to wait, the pause left as it is
  };
  using LogLines = std::vector<std::pair<log::Event, std::string>>;

  void arm();
  // How many may be claimed and unanswered at once.
  [[nodiscard]] std::size_t window() const;
  // Whether a batch may be claimed now (run() does nothing otherwise).
  [[nodiscard]] bool may_claim() const;
  void run();
  struct Claimed {
    std::vector<std::pair<store::ReminderRecord, sms::SmsRequest>> batch;  // to send once confirmed
    std::vector<store::ReminderRecord> before;  // the batch's rows as they were, should it never leave
    LogLines lines;                             // to log once confirmed
    std::size_t changed = 0;                    // rows updated, sent or not
    std::uint64_t generation = 0;               // which claim: a late confirmation finds a newer one
    bool probe = false;                         // claimed during a pause, to see whether it is over
  };
  // Claims and checks a batch in one transaction.
  Claimed claim(Instant now, int limit);
  void send(std::vector<std::pair<store::ReminderRecord, sms::SmsRequest>>&& batch);
  // A confirmed batch that must not leave, because the gateway paused meanwhile.
  void withhold(const std::vector<std::pair<store::ReminderRecord, sms::SmsRequest>>& batch);
  // At stop: a claimed batch that never left goes back to what it was, so
  // that the next start sends it as it would have, not as a possible duplicate.
  void put_back(const Claimed& claimed);
  // Runs `write` (which commits a Transaction) with the sync left to
  // `confirm_`, unless stopping; throws what the COMMIT throws. Returns the
  // after-commit actions, to run once confirmed.
  std::vector<std::function<void()>> commit_unsynced(const std::function<void()>& write);
  void complete(std::int64_t id, sms::SendOutcome outcome, std::chrono::steady_clock::duration took);
  void flush();
  // Writes what has come back at the loop's next turn.
  void flush_soon();
  // Outcomes written together at most (or all that are out, or after kGroupCommitWindow).
  [[nodiscard]] std::size_t group_size() const;
  // Arms flush_timer_ (the group-commit window, or the retry after a failed write).
  void flush_after(std::chrono::steady_clock::duration delay);
  // A withheld reminder waits for the pause's end (or, if it was lifted meanwhile, for nothing).
  void wait_for_pause(store::ReminderRecord& r, Instant now) const;
  // Updates the row and the gateway's pause; log lines go to `lines`, written once the row is.
  void apply(store::ReminderRecord& r, const sms::SendOutcome& outcome, Instant now, LogLines& lines);

  boost::asio::io_context& io_;
  store::Database& db_;
  Scheduler& scheduler_;
  const Clock& clock_;
  std::function<const Config&()> config_;
  sms::SmsGateway& gateway_;
  Confirm confirm_;
  // A claimed batch waiting for its confirmation: no other claim meanwhile.
  std::optional<Claimed> awaiting_;
  // Written outcomes waiting for their confirmation, by the order of their
  // commits: their log lines and after-commit actions.
  struct Unconfirmed {
    LogLines lines;
    std::vector<std::function<void()>> after_sync;
  };
  std::map<std::uint64_t, Unconfirmed> unconfirmed_;
  std::uint64_t outcome_commits_ = 0;
  std::uint64_t claims_ = 0;
  bool stopping_ = false;
  std::vector<Completion> completions_;
  bool flush_posted_ = false;
  boost::asio::steady_timer flush_timer_{io_};
  static constexpr std::size_t kGroupCommitSize = 64;
  static constexpr Duration kSmallestStep{2};
  static constexpr std::chrono::milliseconds kGroupCommitWindow{5};
  // After a database error: outcomes are written again after 1 s, doubling up
  // to 30 s (steady time, the gateway's answers wait in memory); claiming is
  // tried again 30 s later on the wall clock, like any deadline, or sooner
  // when a written outcome makes room in the window.
  static constexpr std::chrono::steady_clock::duration kFirstFlushRetry = std::chrono::seconds{1};
  static constexpr std::chrono::steady_clock::duration kLastFlushRetry = std::chrono::seconds{30};
  static constexpr Duration kStoreRetry = std::chrono::seconds{30};
  std::chrono::steady_clock::duration flush_retry_ = kFirstFlushRetry;
  // Set while a failed write waits for its retry: new outcomes only join the
  // queue, so a held lock costs one busy timeout per retry, not per answer.
  bool flush_retrying_ = false;
  std::size_t in_flight_ = 0;
  std::optional<Instant> paused_until_;
  std::optional<std::string> pause_reason_;
  std::map<std::string, std::uint64_t> recent_outcomes_;  // since start, by outcome name
  std::optional<Instant> last_sent_;
  std::optional<Instant> failing_since_;
  std::string last_failure_;
  // Request to outcome, in seconds; buckets from a quick gateway to the total timeout's range.
  metrics::Histogram latency_{{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}};
  std::mt19937_64 random_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace paminna
