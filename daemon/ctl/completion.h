// Shell completion generated from paminnactl's own CLI11 command tree, so it
// lists exactly the subcommands and options the binary has and cannot go
// stale (`paminnactl --completion bash`; the build installs its output).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace paminna::ctl {

// A bash script defining _paminnactl and `complete -F _paminnactl paminnactl`.
// It completes subcommands at every level, options after "-", and file names
// for option values and for positional arguments of leaf commands.
std::string bash_completion(const CLI::App& app);

}  // namespace paminna::ctl
