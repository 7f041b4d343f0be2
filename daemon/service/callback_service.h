// Voicemail callbacks and outgoing contact tasks at run time (issue 7; R5, R8).
//
// CallbackService owns the tasks' timing. The rules are pure
// (domain/callback_rules.h); this class reads the clock, the store and the
// configuration and turns the rules into scheduler deadlines and log lines:
//   - key "callback:<id>" per open task, armed for its next alert
//     (CALLBACK_DUE_SOON before the deadline, CALLBACK_OVERDUE after it,
//     repeated at callbacks.repeat_every during phone hours only), or for the
//     day a contact task's letter falls due (CONTACT_LETTER_DUE);
//   - key "callback:summary" at the first opening of each day (CALLBACK_SUMMARY);
//   - key "callback:rescan" for the spool watcher's safety-net rescan.
// The last alert of each task is stored, so a restart neither repeats an
// alert early nor forgets one: what fell due while stopped fires once at start.
//
// Each mutation writes its rows and its audit entry in one transaction. Logs
// and audit details carry task ids and masked numbers only. Loop thread only;
// store failures throw StoreError.
#pragma once

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "control/method_table.h"
#include "domain/local_time.h"
#include "service/auditor.h"
#include "service/clock.h"
#include "service/scheduler.h"
#include "store/callback_store.h"
#include "voicemail/spool_watcher.h"

namespace paminna {

class Daemon;
class PhoneService;

struct CallbackContext {
  store::Database& db;
  Auditor& auditor;
  const Clock& clock;
  Scheduler& scheduler;
  std::function<const Config&()> config;
  boost::asio::io_context* io = nullptr;  // nullptr: no spool watcher (unit tests)
};

struct VoicemailIn {
  std::optional<std::string> phone;  // E.164; nullopt: withheld
  Instant received{};
  std::optional<std::string> mailbox;
  std::optional<std::string> msg_id;
  std::optional<std::string> note;
};

struct VoicemailResult {
  std::int64_t task = 0;
  bool joined = false;     // added to an open task for the same number
  bool duplicate = false;  // msg_id already registered: nothing changed
};

struct CallbackSummary {
  int open = 0;  // every task not closed
  int due_today = 0;
  int overdue = 0;
  int letters_due = 0;
  int thinking = 0;
  int unowned = 0;
};

class CallbackService : public std::enable_shared_from_this<CallbackService> {
 public:
  static constexpr const char* kSummaryKey = "callback:summary";
  static constexpr const char* kRescanKey = "callback:rescan";

  static std::shared_ptr<CallbackService> create(CallbackContext context);
  CallbackService(const CallbackService&) = delete;
  CallbackService& operator=(const CallbackService&) = delete;

  // Plans every open task, the morning summary, and starts the spool watcher.
  void start();
  void reload();

  VoicemailResult add_voicemail(const control::CallContext& who, const VoicemailIn& voicemail);
  store::TaskRecord open_contact(const control::CallContext& who, const std::string& person_ref,
                                 const std::optional<std::string>& phone, const std::string& language,
                                 const std::optional<std::string>& note);
  store::TaskRecord take(const control::CallContext& who, std::int64_t id, const std::optional<std::string>& owner);
  store::TaskRecord attempt(const control::CallContext& who, std::int64_t id, AttemptOutcome outcome,
                            const std::optional<std::string>& note);
  // outcome: reached | letter-sent (recorded as unreachable) | wrong-number | declined | duplicate | other.
  store::TaskRecord close(const control::CallContext& who, std::int64_t id, const std::string& outcome,
                          const std::optional<std::string>& note);

  [[nodiscard]] CallbackSummary summary(Instant now);
  // Staff absent at `now` (from the phone service) lose their open tasks to the group.
  void hand_back_absent(const std::vector<std::string>& absent);
  // Reads the spool folder now (externnotify nudge); returns files read, or nullopt when not configured.
  std::optional<std::size_t> rescan();

  [[nodiscard]] const Zone& zone() const { return zone_; }
  [[nodiscard]] store::CallbackStore& store() { return store_; }
  [[nodiscard]] const Config& config() const { return context_.config(); }
  [[nodiscard]] Instant now() const { return context_.clock.now(); }

 private:
  explicit CallbackService(CallbackContext context);
  void plan(const store::TaskRecord& task);
  // The alert deadline for one task; a store error in fire() tries again a minute later.
  // At `at`, or (none) a minute from now as a span, which a clock step does not stretch.
  void schedule_fire(const std::string& key, std::optional<Instant> at, std::int64_t id);
  void fire(std::int64_t id);
  void plan_summary();
  void plan_rescan();
  void start_spool();
  void on_spool_message(const std::string& file, const voicemail::AsteriskMessage& message);
  store::TaskRecord require(std::int64_t id);
  std::optional<Instant> staffed_from(Instant at) const;

  CallbackContext context_;
  Zone zone_;
  store::CallbackStore store_;
  std::shared_ptr<voicemail::SpoolWatcher> spool_;
};

std::string task_key(std::int64_t id);  // "callback:42"

// voicemail.add, voicemail.rescan, callback.list/show/take/attempt/close/summary, contact.open.
void register_callback_methods(control::MethodTable& methods, const std::shared_ptr<CallbackService>& callbacks);

// Builds the service, registers its methods, starts it, re-plans on reload,
// and listens to the phone service: whenever it recomputes (an absence starts
// or is entered), owners absent now hand their tasks back to the group.
std::shared_ptr<CallbackService> register_callbacks(Daemon& daemon, PhoneService& phone);

}  // namespace paminna
