#include "log/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include <cstdlib>
#include <mutex>

#include "log/events.h"

namespace paminna::log {

tl::expected<Target, std::string> parse_target(std::string_view text) {
  if (text == "auto") {
    return Target::automatic;
  }
  if (text == "stderr") {
    return Target::stderr_text;
  }
  if (text == "journal") {
    return Target::journal;
  }
  return tl::unexpected(std::string("must be one of auto, stderr, journal"));
}

tl::expected<spdlog::level::level_enum, std::string> parse_level(std::string_view text) {
  using spdlog::level::level_enum;
  if (text == "debug") {
    return level_enum::debug;
  }
  if (text == "info") {
    return level_enum::info;
  }
  if (text == "warn") {
    return level_enum::warn;
  }
  if (text == "error") {
    return level_enum::err;
  }
  return tl::unexpected(std::string("must be one of debug, info, warn, error"));
}

std::string_view level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    case spdlog::level::off:
    case spdlog::level::n_levels:
      break;
  }
  return "off";
}

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");  // NOLINT(concurrency-mt-unsafe): read once at start
  if (stream == nullptr) {
    return false;
  }
  struct stat st {};
  if (fstat(2, &st) != 0) {
    return false;
  }
  unsigned long long dev = 0;
  unsigned long long ino = 0;
  // NOLINTNEXTLINE(cert-err34-c): a malformed variable simply means "not the journal"
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) {
    return false;
  }
  return dev == st.st_dev && ino == st.st_ino;
}

namespace {

int syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return 2;  // LOG_CRIT
    case spdlog::level::err:
      return 3;  // LOG_ERR
    case spdlog::level::warn:
      return 4;  // LOG_WARNING
    case spdlog::level::info:
      return 6;  // LOG_INFO
    default:
      return 7;  // LOG_DEBUG
  }
}

class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit JournalSink(std::string identifier) : identifier_(std::move(identifier)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto fields =
        journal_fields(msg.level, std::string_view(msg.payload.data(), msg.payload.size()), identifier_);
    std::vector<iovec> iov;
    iov.reserve(fields.size());
    for (const auto& field : fields) {
      // sd_journal_sendv does not write through iov_base.
      iov.push_back({const_cast<char*>(field.data()), field.size()});  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    }
    sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
  }
  void flush_() override {}

 private:
  std::string identifier_;
};

}  // namespace

std::vector<std::string> journal_fields(spdlog::level::level_enum level, std::string_view payload,
                                        std::string_view identifier) {
  std::vector<std::string> fields;
  fields.push_back("MESSAGE=" + std::string(payload));
  fields.push_back("PRIORITY=" + std::to_string(syslog_priority(level)));
  fields.push_back("SYSLOG_IDENTIFIER=" + std::string(identifier));
  const auto name = payload.substr(0, payload.find(' '));
  if (const auto e = find_event(name)) {
    fields.push_back("PAMINNA_EVENT=" + std::string(name));
    fields.push_back("MESSAGE_ID=" + std::string(info(*e).message_id));
  }
  return fields;
}

void configure(Target target, spdlog::level::level_enum level, std::string_view identifier) {
  const bool journal = target == Target::journal || (target == Target::automatic && stderr_is_journal());
  std::shared_ptr<spdlog::logger> logger;
  if (journal) {
    logger = std::make_shared<spdlog::logger>(std::string(identifier),
                                              std::make_shared<JournalSink>(std::string(identifier)));
  } else {
    logger = std::make_shared<spdlog::logger>(std::string(identifier),
                                              std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ %v");
  }
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

void set_level(spdlog::level::level_enum level) {
  spdlog::set_level(level);
}

spdlog::level::level_enum current_level() {
  return spdlog::get_level();
}

}  // namespace paminna::log
