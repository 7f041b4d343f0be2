// paminnactl: the staff's and scripts' way to talk to paminnad.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "ctl/client.h"
#include "ctl/commands.h"
#include "ctl/completion.h"

namespace {

constexpr const char* kDescription = R"(paminnactl - talk to the paminna daemon.

Prints tables for people; --json prints the daemon's result for scripts.
Local times are written "YYYY-MM-DD HH:MM" in the office's time zone.)";

constexpr const char* kFooter = R"(
EXIT STATUS
  0  success
  1  the daemon refused the request (its message is printed)
  2  usage error
  3  the daemon is not running
  4  no permission to use the control socket (join the daemon's group)
  5  no valid reply (timeout, dropped connection)

ENVIRONMENT
  PAMINNA_SOCKET  control socket path (default /run/paminna/control.sock, else paminna-local/control.sock)
  PAMINNA_ACTOR   your initials for the audit trail (same as --actor))";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(kDescription, "paminnactl");
  app.footer(kFooter);
  // 0: `--completion bash` runs without a subcommand; without either, help is printed below.
  app.require_subcommand(0, 1);
  // Global options (--json, --socket, …) also after the subcommand: `paminnactl booking list --json`.
  // Set before the subcommands are added: they inherit it.
  app.fallthrough();
  std::string socket;
  std::string actor;
  bool json = false;
  bool show_version = false;
  int timeout_ms = 10000;
  std::string completion;
  app.add_option("-s,--socket", socket, "Control socket path");
  app.add_flag("--json", json, "Print the daemon's JSON result");
  app.add_option("--actor", actor, "Your initials for the audit trail")->envname("PAMINNA_ACTOR");
  app.add_option("--timeout", timeout_ms, "Milliseconds to wait for the daemon")->check(CLI::Range(100, 600000));
  app.add_option("--completion", completion, "Print a completion script for SHELL (bash) and exit")
      ->check(CLI::IsMember({"bash"}));
  app.set_version_flag("-V,--version", std::string("paminnactl ") + PAMINNA_VERSION);
  (void)show_version;

  paminna::ctl::Runner run;
  paminna::ctl::add_core_commands(app, run);
  paminna::ctl::add_client_commands(app, run);
  paminna::ctl::add_booking_commands(app, run);
  paminna::ctl::add_phone_commands(app, run);
  paminna::ctl::add_callback_commands(app, run);
  paminna::ctl::add_reminder_commands(app, run);
  paminna::ctl::add_ops_commands(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return paminna::ctl::exit_code::usage;
  }
  if (!completion.empty()) {
    std::cout << paminna::ctl::bash_completion(app);
    return paminna::ctl::exit_code::ok;
  }
  if (!run) {
    std::cerr << app.help();
    return paminna::ctl::exit_code::usage;
  }
  paminna::ctl::Client client(socket.empty() ? paminna::ctl::default_socket_path() : std::filesystem::path(socket),
                              std::chrono::milliseconds(timeout_ms));
  paminna::ctl::CommandContext context{client, json, actor.empty() ? std::nullopt : std::optional(actor), std::cout,
                                       std::cerr};
  return run ? run(context) : paminna::ctl::exit_code::usage;
}
