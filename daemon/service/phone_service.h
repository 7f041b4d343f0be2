// The office phone's availability at run time (issue 6; R6, R7).
//
// PhoneService owns the current PhoneState. It recomputes it with the pure
// compute_phone_state (domain/phone_schedule.h) from the configuration, the
// active overrides and absences in the store, and the clock:
//   - at start, after a reload, after every change through the control socket;
//   - when the scheduler fires key "phone:next", armed for the earliest of the
//     state's next change and the next start or end of an override or absence
//     (so the published list of available staff is never stale). Never polled.
// On each recompute it first marks overrides and absences whose end passed
// (also while the daemon was stopped) as expired, logging each once.
// On a change of (status, reason) it logs PHONE_STATE_CHANGED; whenever the
// published document changes (and at start and reload) it publishes it to every
// sink (adapters/phone/phone_sink.h).
//
// Each mutation writes its row and its audit entry in one transaction.
// Loop thread only. Store failures throw StoreError (the method table turns
// them into store_unavailable; nothing was changed).
#pragma once

#include <boost/asio/io_context.hpp>

#include "http/transport.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "control/method_table.h"
#include "domain/local_time.h"
#include "domain/phone_schedule.h"
#include "phone/phone_sink.h"
#include "service/auditor.h"
#include "service/clock.h"
#include "service/scheduler.h"
#include "store/phone_store.h"

namespace paminna {

class Daemon;

struct PhoneContext {
  store::Database& db;
  Auditor& auditor;
  const Clock& clock;
  Scheduler& scheduler;
  std::function<const Config&()> config;  // the running configuration (changes on reload)
  http::Transport* transport = nullptr;   // the daemon's shared HTTP transport; nullptr: no webhook
};

// Builds the sinks a configuration asks for; replaceable in tests.
using PhoneSinkFactory = std::function<std::vector<std::shared_ptr<phone::PhoneSink>>(const PhoneConfig&)>;

class PhoneService : public std::enable_shared_from_this<PhoneService> {
 public:
  static constexpr const char* kNextKey = "phone:next";
  static constexpr const char* kWebhookKey = "phone:webhook";

  // `sinks` empty: the default factory (state files and webhook from the configuration).
  static std::shared_ptr<PhoneService> create(PhoneContext context, PhoneSinkFactory sinks = {});
  PhoneService(const PhoneService&) = delete;
  PhoneService& operator=(const PhoneService&) = delete;

  void start();
  // Rebuilds the sinks from the new configuration, recomputes and publishes.
  void reload();

  // phone.set: `until` already resolved and after now.
  void set_override(const control::CallContext& who, PhoneStatus status, Instant until, std::string note);
  // phone.clear: false if there was none.
  bool clear_override(const control::CallContext& who);
  // staff.absent: `staff` must be on the roster (the caller checks).
  void set_absent(const control::CallContext& who, Absence absence);
  // staff.present: false if the staff member was not absent.
  bool set_present(const control::CallContext& who, const std::string& staff);

  [[nodiscard]] const PhoneState& state() const { return *current_; }
  [[nodiscard]] const Zone& zone() const { return zone_; }
  [[nodiscard]] const PhoneConfig& phone_config() const { return context_.config().phone; }
  [[nodiscard]] std::vector<store::OverrideRecord> active_overrides();
  [[nodiscard]] std::vector<store::AbsenceRecord> active_absences();
  [[nodiscard]] Presence presence(Instant now);
  [[nodiscard]] std::vector<Override> overrides(Instant now);
  [[nodiscard]] Instant now() const { return context_.clock.now(); }
  // Called after every recompute (start, reload, a change, an absence starting
  // or ending): callbacks hand an absent owner's tasks back to the group (issue 7).
  void on_recompute(std::function<void()> listener) { listeners_.push_back(std::move(listener)); }

 private:
  PhoneService(PhoneContext context, PhoneSinkFactory sinks);
  void recompute(bool publish_anyway);
  void expire(Instant now);
  void arm(Instant now, const PhoneState& state);
  void schedule_recompute(Instant due);
  Scheduler::Task recompute_task();
  std::vector<std::shared_ptr<phone::PhoneSink>> default_sinks(const PhoneConfig& config);

  PhoneContext context_;
  PhoneSinkFactory factory_;
  Zone zone_;
  store::PhoneStore store_;
  std::vector<std::shared_ptr<phone::PhoneSink>> sinks_;
  std::optional<PhoneState> current_;
  nlohmann::json published_;  // the last document published, without updated_utc
  std::vector<std::function<void()>> listeners_;
};

// phone.status, phone.week, phone.set, phone.clear, staff.absent, staff.present, staff.list.
void register_phone_methods(control::MethodTable& methods, const std::shared_ptr<PhoneService>& phone);

// Builds the service, registers its methods, starts it and re-runs it on reload.
std::shared_ptr<PhoneService> register_phone(Daemon& daemon);

}  // namespace paminna
