#include "service/sms_gateway_factory.h"

#include <cstdlib>
#include <stdexcept>

#include "sms/console_gateway.h"
#include "sms/credentials.h"
#include "sms/elks46_gateway.h"
#include "sms/generic_gateway.h"
#include "sms/twilio_gateway.h"

namespace paminna {

std::filesystem::path credentials_path(const std::string& setting) {
  std::filesystem::path path(setting);
  if (path.has_parent_path() || path.is_absolute()) {
    return path;
  }
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read at start-up, one thread
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir != nullptr && *dir != '\0') {
    return std::filesystem::path(dir) / path;
  }
  return path;
}

namespace {

sms::Credentials credentials_for(const SmsConfig& config) {
  if (config.credentials.empty()) {
    throw std::runtime_error("sms.credentials: the " + config.gateway +
                             " gateway needs credentials (a file, or a systemd credential name)");
  }
  auto loaded = sms::load_credentials_file(credentials_path(config.credentials));
  if (!loaded) {
    throw std::runtime_error("sms.credentials: " + loaded.error());
  }
  return std::move(*loaded);
}

sms::GatewayHttpOptions http_options(const SmsConfig& config, const Clock& clock) {
  sms::GatewayHttpOptions options;
  options.connect_timeout = config.connect_timeout;
  options.total_timeout = config.timeout;
  options.limits.max_in_flight = config.max_in_flight;
  options.limits.rate_per_second = config.rate_per_second;
  options.limits.burst = config.burst;
  options.wall_now = [&clock] { return clock.now(); };
  options.steady_now = [&clock] { return clock.steady_now(); };
  return options;
}

}  // namespace

std::unique_ptr<sms::SmsGateway> make_sms_gateway(const SmsConfig& config, boost::asio::io_context& io,
                                                  http::Transport& transport, const Clock& clock) {
  if (config.gateway == "console") {
    return std::make_unique<sms::ConsoleGateway>(io, config.console_outbox, [&clock] { return clock.now(); });
  }
  if (config.gateway == "46elks") {
    sms::Elks46Config elks;
    if (!config.base_url.empty()) {
      elks.base_url = config.base_url;
    }
    elks.credentials = credentials_for(config);
    elks.http = http_options(config, clock);
    return std::make_unique<sms::Elks46Gateway>(transport, std::move(elks));
  }
  if (config.gateway == "twilio") {
    sms::TwilioConfig twilio;
    if (!config.base_url.empty()) {
      twilio.base_url = config.base_url;
    }
    twilio.credentials = credentials_for(config);
    twilio.http = http_options(config, clock);
    return std::make_unique<sms::TwilioGateway>(transport, std::move(twilio));
  }
  if (config.gateway == "generic") {
    if (!config.generic) {
      throw std::runtime_error("sms.gateway = \"generic\" needs an [sms.generic] table (url, body, ...)");
    }
    auto generic = *config.generic;
    if (!config.credentials.empty()) {
      generic.credentials = credentials_for(config);
    }
    generic.http = http_options(config, clock);
    auto gateway = sms::GenericGateway::create(transport, std::move(generic));
    if (!gateway) {
      throw std::runtime_error("[sms.generic]: " + gateway.error());
    }
    return std::move(*gateway);
  }
  throw std::runtime_error("sms.gateway: unknown gateway '" + config.gateway + "'");
}

}  // namespace paminna
