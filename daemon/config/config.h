// The daemon's configuration: what paminna.toml says, validated.
//
// Every key is declared once in config_keys.cpp (name, type, default, unit,
// help, how to apply it); the parser, the validation, the embedded defaults
// and `paminnad --config-reference` all come from that table (style.md §9).
#pragma once

#include <spdlog/common.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/callback_rules.h"
#include "domain/phone_schedule.h"
#include "domain/reminder_policy.h"
#include "domain/reminder_state.h"
#include "domain/template_set.h"
#include "log/logging.h"
#include "sms/generic_gateway.h"

namespace paminna {

struct OfficeConfig {
  std::string name;
  std::string timezone;
  std::string region;  // ISO 3166 alpha-2 for numbers typed without a country code
  std::string phone;   // the office's number as shown in texts
};

struct DaemonConfig {
  std::filesystem::path database;
  std::filesystem::path socket;
  std::string socket_group;  // empty: the daemon's own group
  int busy_timeout_ms = 0;
};

struct ControlConfig {
  std::size_t max_connections = 0;
  std::size_t max_line_bytes = 0;
  std::chrono::seconds idle_timeout{};
  std::size_t max_output_bytes = 0;
};

struct LogConfig {
  spdlog::level::level_enum level = spdlog::level::info;
  log::Target target = log::Target::automatic;
};

struct BookingsConfig {
  int warn_beyond_days = 14;    // R4: visits are booked within two weeks of the call
  int reopen_within_days = 14;  // R10
  int default_minutes = 60;
};

struct RetentionConfig {
  int keep_days = 730;  // R9: two years after the last contact
  int run_hour = 3;     // local hour of the daily purge
};

// [phone]: R6 hours and R7 presence, and where the state is published.
struct PhoneConfig {
  PhoneSchedule schedule = PhoneSchedule::office_default();
  std::vector<std::string> roster;              // staff ids (initials) who answer the phone; empty: not tracked
  std::filesystem::path state_file;             // JSON state; empty: not written
  std::filesystem::path status_file;            // one word (open|closed|internal) for dialplans; empty: not written
  std::string webhook_url;                      // JSON POST on every change; empty: none
  std::chrono::seconds webhook_retry_max{300};  // the longest wait between two webhook attempts
};

// [sms]: which gateway, how to reach it, and how texts are written.
struct SmsConfig {
  std::string gateway;      // console | 46elks | twilio | generic
  std::string sender;       // alphanumeric sender id or a number (domain/sender_id.h)
  std::string credentials;  // a file, or a name in $CREDENTIALS_DIRECTORY
  std::string base_url;     // empty: the provider's own
  std::chrono::milliseconds connect_timeout{};
  std::chrono::milliseconds timeout{};
  std::size_t max_in_flight = 0;
  double rate_per_second = 0;
  double burst = 0;
  std::string ca_file;
  std::filesystem::path console_outbox;
  int max_segments = 0;
  // How {place} reads, by language and kind of visit ("office", "phone", "home").
  std::map<std::pair<Language, std::string>, std::string> places;
  std::shared_ptr<const TemplateSet> templates;  // never null after load
  std::optional<sms::GenericConfig> generic;     // [sms.generic], for gateway = "generic"

  // The text {place} stands for; the kind's name when not configured.
  [[nodiscard]] std::string place(Language language, const std::string& kind) const;
};

// [reminders]: when the day-before SMS goes, how failures are retried.
struct RemindersConfig {
  ReminderPolicy policy;
  BackoffPolicy backoff;
  enum class UnknownOutcome { resend, hold } unknown_outcome = UnknownOutcome::resend;
  bool cancellation_sms = false;
  int batch_size = 0;
  std::chrono::seconds gateway_pause{};  // wait before probing a paused gateway
};

// [callbacks]: R5 deadlines, R8 attempts, escalation in the logs, the Asterisk spool.
struct CallbacksConfig {
  CallbackRules rules;
  std::filesystem::path asterisk_spool;     // a mailbox folder (holds INBOX/); empty: no spool watcher
  std::string mailbox;                      // the mailbox's name as shown on tasks ("1000@default")
  std::chrono::seconds rescan_every{3600};  // safety-net rescan of the spool; inotify does the work
};

// [metrics]: the Prometheus textfile (issue 9). The control method `metrics` always works.
struct MetricsConfig {
  std::filesystem::path textfile;              // absolute, *.prom; empty: not written
  std::chrono::seconds textfile_interval{60};  // how often it is rewritten
};

struct Config {
  std::filesystem::path source;  // the file it came from; empty for embedded defaults
  OfficeConfig office;
  DaemonConfig daemon;
  ControlConfig control;
  LogConfig log;
  BookingsConfig bookings;
  RetentionConfig retention;
  PhoneConfig phone;
  CallbacksConfig callbacks;
  SmsConfig sms;
  RemindersConfig reminders;
  MetricsConfig metrics;
  // Not errors, but worth a look (a template longer than max_segments); logged at load.
  std::vector<std::string> warnings;
};

}  // namespace paminna
