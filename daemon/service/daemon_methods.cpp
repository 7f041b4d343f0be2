// The daemon's own control methods: status, log.level, config.reload, and
// clock.advance and clock.step when started with --fake-clock.
#include <unistd.h>

#include "control/params.h"
#include "domain/local_time.h"
#include "log/events.h"
#include "log/logging.h"
#include "service/daemon.h"
#include "store/migrations.h"

namespace paminna {

using control::CallContext;
using control::Params;
using control::RpcError;
using nlohmann::json;

void Daemon::register_core_methods() {
  methods_.add(
      "status", {"Version, uptime, database and counts; whether the daemon is healthy.", false},
      [this](const CallContext&, const json& params) {
        Params(params).finish();
        const auto now = clock_->now();
        const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(clock_->steady_now() - started_).count();
        const StatusKey key{now, uptime, store_errors_};
        if (const auto* same = status_memo_.find(key)) {
          return *same;  // asked in the same turn, right after a call that saw the same state (turn_memo.h)
        }
        const store::ReadSnapshot snapshot(*store_.db);
        const Zone zone(config_->office.timezone);
        const auto next = scheduler_->next_due();
        const json problems = collect_problems();
        json result{
            {"version", PAMINNA_VERSION},
            {"protocol", control::kProtocolVersion},
            {"healthy", true},
            {"office", config_->office.name},
            {"pid", getpid()},
            {"uptime_s", uptime},
            {"started_utc", format_utc(started_wall_)},
            {"now_utc", format_utc(now)},
            {"now_local", format_local_minutes(zone.to_local(now))},
            {"timezone", zone.name()},
            {"config", config_->source.empty() ? "embedded defaults" : config_->source.string()},
            {"log_level", log::level_name(log::current_level())},
            {"database",
             {{"path", config_->daemon.database.string()},
              {"size_bytes", store_.db->size_bytes()},
              {"schema_version", store::schema_version(*store_.db)},
              {"errors_since_start", store_errors_},
              {"last_error_utc", last_store_error_ ? json(format_utc(*last_store_error_)) : json(nullptr)}}},
            {"control",
             {{"endpoint", server_->endpoint()},
              {"connections", server_->connections()},
              {"requests", server_->requests()}}},
            {"gateway", {{"provider", gateway_->provider()}, {"sender", config_->sms.sender}}},
            {"scheduler",
             {{"pending", scheduler_->size()}, {"next_due_utc", next ? json(format_utc(*next)) : json(nullptr)}}},
        };
        for (const auto& s : status_sections_) {
          result[s.name] = s.section();
        }
        // Said plainly for people and scripts alike: healthy, or the list of reasons it is not.
        result["healthy"] = problems.empty();
        result["problems"] = problems;
        status_memo_.keep(key, result);
        return result;
      });

  methods_.add("log.level", {"Show or set the log level (debug, info, warn, error).", true},
               [this](const CallContext& context, const json& params) {
                 Params p(params);
                 const auto level = p.optional_enum("level", {"debug", "info", "warn", "error"});
                 p.finish();
                 if (level) {
                   const auto previous = log::level_name(log::current_level());
                   log::set_level(*log::parse_level(*level));
                   auditor_->record(context, "log.level", "", json{{"from", previous}, {"to", *level}});
                   log::event(log::Event::LOG_LEVEL_CHANGED, "from={} to={}", previous, *level);
                 }
                 return json{{"level", log::level_name(log::current_level())}};
               });

  methods_.add("config.reload", {"Re-read the configuration file; an invalid file keeps the running one.", true},
               [this](const CallContext& context, const json& params) {
                 Params(params).finish();
                 auto result = reload();
                 if (!result) {
                   throw RpcError(control::error_code::config_invalid,
                                  "configuration not reloaded; the running one is kept:\n" + result.error());
                 }
                 auditor_->record(context, "config.reload", "", json{{"file", config_->source.string()}});
                 return json{{"reloaded", true}, {"file", config_->source.string()}};
               });

  methods_.add("help", {"List the methods this daemon answers.", false},
               [this](const CallContext&, const json& params) {
                 Params(params).finish();
                 json methods = json::array();
                 for (const auto& [name, info] : methods_.list()) {
                   methods.push_back({{"method", name}, {"summary", info.summary}, {"changes_state", info.mutating}});
                 }
                 return json{{"methods", methods}};
               });

  if (manual_clock_ != nullptr) {
    methods_.add("clock.advance", {"Test only (--fake-clock): move the daemon's clock forward.", false},
                 [this](const CallContext&, const json& params) {
                   Params p(params);
                   const auto seconds = p.required_int("seconds", 0, 400LL * 24 * 3600);
                   p.finish();
                   // Step through each deadline on the way so every task sees its own due time as now.
                   const auto target = manual_clock_->now() + std::chrono::seconds{seconds};
                   for (auto next = scheduler_->next_due(); next && *next <= target; next = scheduler_->next_due()) {
                     if (*next > manual_clock_->now()) {
                       manual_clock_->advance(*next - manual_clock_->now());
                     }
                     manual_timer_->advance_to(manual_clock_->now());
                   }
                   manual_clock_->advance(target - manual_clock_->now());
                   return json{{"now_utc", format_utc(manual_clock_->now())}};
                 });
    methods_.add("clock.step", {"Test only (--fake-clock): set the wall clock forward or back at once.", false},
                 [this](const CallContext&, const json& params) {
                   Params p(params);
                   const auto seconds = p.required_int("seconds", -400LL * 24 * 3600, 400LL * 24 * 3600);
                   p.finish();
                   // What an NTP step or an operator's `date -s` does: wall time jumps,
                   // steady time does not, and the kernel tells the timer (CANCEL_ON_SET).
                   manual_clock_->step_wall(std::chrono::seconds{seconds});
                   manual_timer_->clock_stepped();
                   return json{{"now_utc", format_utc(manual_clock_->now())}};
                 });
  }
}

}  // namespace paminna
