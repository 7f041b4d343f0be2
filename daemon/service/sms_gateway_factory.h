// Builds the configured SMS gateway ([sms] in paminna.toml) on the daemon's
// shared HTTP transport. Throws std::runtime_error with a message for a person
// (naming the key or the credentials file, never the secret) when it cannot.
#pragma once

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <memory>

#include "config/config.h"
#include "http/transport.h"
#include "service/clock.h"
#include "sms/sms_gateway.h"

namespace paminna {

// sms.credentials as a path: an absolute or relative file, or a bare name
// looked up in $CREDENTIALS_DIRECTORY (systemd LoadCredential=).
std::filesystem::path credentials_path(const std::string& setting);

std::unique_ptr<sms::SmsGateway> make_sms_gateway(const SmsConfig& config, boost::asio::io_context& io,
                                                  http::Transport& transport, const Clock& clock);

}  // namespace paminna
