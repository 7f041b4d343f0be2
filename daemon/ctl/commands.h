// paminnactl's subcommands. Each area (core, bookings, phone, …) adds its own
// in its own file; a subcommand maps to one control method, prints a table for
// people and the raw result with --json.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "ctl/client.h"

namespace paminna::ctl {

struct CommandContext {
  Client& client;
  bool json = false;
  std::optional<std::string> actor;
  std::ostream& out;
  std::ostream& err;
};

using Runner = std::function<int(CommandContext&)>;
using Printer = std::function<void(const nlohmann::json& result, std::ostream& out)>;

// Calls `method`, prints the result (or the daemon's error on stderr) and
// returns the exit code. Adds "actor" to params when the user gave --actor.
int call_and_print(CommandContext& context, const std::string& method, nlohmann::json params, const Printer& print);

void add_core_commands(CLI::App& app, Runner& run);
void add_client_commands(CLI::App& app, Runner& run);  // client, guardian, consent, audit, retention
void add_booking_commands(CLI::App& app, Runner& run);
void add_phone_commands(CLI::App& app, Runner& run);     // phone, staff
void add_callback_commands(CLI::App& app, Runner& run);  // callback, voicemail, contact
void add_reminder_commands(CLI::App& app, Runner& run);  // reminder, gateway
void add_ops_commands(CLI::App& app, Runner& run);       // metrics, backup, today

}  // namespace paminna::ctl
