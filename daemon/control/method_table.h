// Maps a JSON-RPC request line to a response line, with no socket in sight
// (style.md §1): the server frames bytes, this table decides what they mean.
//
// Methods are registered by the module that owns them (service wiring). A
// handler either returns a result (sync) or completes later through a
// Responder (async, e.g. a gateway probe). A handler throwing RpcError becomes
// that JSON-RPC error; store errors become store_unavailable; anything else is
// internal_error and logged. No exception leaves dispatch().
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "control/rpc_error.h"

namespace paminna::store {
class Database;
class StoreError;
}  // namespace paminna::store

namespace paminna::control {

struct CallContext {
  std::optional<uid_t> peer_uid;
  std::optional<pid_t> peer_pid;
  std::optional<std::string> actor;  // staff initials from params.actor
};

class Responder {
 public:
  using Send = std::function<void(std::string)>;
  // on_error: counts the error for metrics, also when an async handler answers later.
  Responder(nlohmann::json id, bool notification, Send send, std::function<void()> on_error = {})
      : id_(std::move(id)), notification_(notification), send_(std::move(send)), on_error_(std::move(on_error)) {}
  void result(nlohmann::json value) const;
  void error(const RpcError& error) const;

 private:
  nlohmann::json id_;
  bool notification_;  // no id in the request: nothing is sent back
  Send send_;
  std::function<void()> on_error_;
};

// Per method since start, for metrics. Keys are registered method names plus
// "_unknown" (a name nobody registered) and "_invalid" (not a valid request),
// so a client cannot grow the map with names of its own.
struct MethodStats {
  std::uint64_t calls = 0;
  std::uint64_t errors = 0;  // answered with a JSON-RPC error (any code)
};

struct MethodInfo {
  std::string summary;    // one line for `paminnactl help` and the docs
  bool mutating = false;  // changes state: goes to the audit trail
  // Changes the database and nothing else (no message sent, no file written,
  // no timer run), so its change may commit together with others of the same
  // turn (see begin_turn). Every other method runs outside such a group.
  bool group_commit = false;
};

// A method that changes the database only, through store::Transaction.
inline MethodInfo store_change(std::string summary) {
  return {std::move(summary), true, true};
}

class MethodTable {
 public:
  using SyncHandler = std::function<nlohmann::json(const CallContext&, const nlohmann::json& params)>;
  using AsyncHandler = std::function<void(const CallContext&, const nlohmann::json& params, Responder)>;

  void add(const std::string& name, MethodInfo info, SyncHandler handler);
  // Throws std::logic_error for a group_commit method: its answer would not wait for the group.
  void add_async(const std::string& name, MethodInfo info, AsyncHandler handler);

  // `send` is called with one response line (no LF) at most once; not at all
  // for notifications. Returns whether it will be called (now or later).
  bool dispatch(CallContext context, std::string_view line, const Responder::Send& send);

  // Group commit of control changes. The server hands over the lines it read
  // in one turn of the loop between begin_turn() and end_turn(); the changes
  // of group_commit methods then share one commit (store::Database groups) at
  // end_turn(), and every response of the turn is held until then, in order,
  // so a response still means "on disk". If the shared commit fails, each of
  // those responses becomes a store_unavailable error instead. Without
  // commit_groups_in() or outside a turn, each change commits on its own.
  //
  // With `sync`, the group's COMMIT does not wait for the disk
  // (GroupSync::by_caller): end_turn() asks `sync` to confirm it and the
  // loop goes on. The responses of that turn, and of every later turn, wait
  // in order until the confirmation, so nothing a later reply shows can be
  // lost to a power cut either. If it fails, the responses of the changes
  // become store_unavailable errors that say the disk did not confirm them.
  // This covers what the socket's methods change. The reminder dispatcher
  // confirms its own commits (ReminderDispatcher), and a read-only answer
  // does not wait for those: it may show a reminder's state up to one sync,
  // a few milliseconds, before that state is on disk.
  using SyncRequest = std::function<void(std::function<void(std::error_code)>)>;
  void commit_groups_in(store::Database& db, SyncRequest sync = {}) {
    db_ = &db;
    sync_ = std::move(sync);
  }
  void begin_turn();
  void end_turn();
  // Releases every answer still waiting for the disk, as if `sync` had
  // answered `error`: for a stop, which syncs on the loop itself before it
  // closes the sockets, so that a change made is also a change answered.
  void confirm_all(std::error_code error);

  [[nodiscard]] std::vector<std::pair<std::string, MethodInfo>> list() const;

  // Called after a state-changing method's handler returns, so a component
  // whose plans depend on the store (the reminder dispatcher) can re-arm.
  void after_change(std::function<void()> listener) { after_change_.push_back(std::move(listener)); }
  // Called when a handler fails with a StoreError (health: database errors).
  void on_store_error(std::function<void()> listener) { on_store_error_.push_back(std::move(listener)); }

  [[nodiscard]] const std::map<std::string, MethodStats>& stats() const { return stats_; }

  // Where the request being handled stands: its turn, and its place among the
  // lines of that turn; none outside a turn. Between requests (t, i) and
  // (t, i + 1) no timer, late answer or other request ran, only this table's
  // bookkeeping of request i (its group's commit, the after_change listeners
  // of a change). TurnMemo relies on it.
  struct Position {
    std::uint64_t turn = 0;
    std::size_t index = 0;
  };
  [[nodiscard]] std::optional<Position> position() const;

 private:
  struct Method {
    MethodInfo info;
    AsyncHandler handler;
  };
  // A response of the current turn, waiting for the turn's commit.
  struct Held {
    Responder::Send send;
    std::optional<std::string> line;  // none yet (async) or none at all (notification)
    nlohmann::json id;
    MethodStats* stats = nullptr;
    std::string method;    // for the log line if the group is lost
    bool error = false;    // answered with an error (already counted)
    bool grouped = false;  // ran in a group that committed: its answer rests on that commit reaching the disk
    bool changed = false;  // and changed something in it
  };
  // The responses of a turn whose commit (or an earlier one) the disk has not confirmed yet.
  struct Waiting {
    std::vector<Held> held;
    std::vector<std::function<void()>> after_sync;  // the group's after-commit actions
    std::uint64_t sync = 0;                         // the confirmation that releases them
    bool wrote = false;                             // this turn committed a group
  };
  static void release(std::vector<Held>& held);
  void open_group();
  void commit_group();
  void synced(std::uint64_t sync, std::error_code error);
  void store_failed(const std::string& what, const store::StoreError& error);

  std::map<std::string, Method> methods_;
  std::vector<std::function<void()>> after_change_;
  std::vector<std::function<void()>> on_store_error_;
  std::map<std::string, MethodStats> stats_;
  store::Database* db_ = nullptr;
  bool in_turn_ = false;
  std::uint64_t turn_ = 0;            // which turn a held response belongs to (async answers come later)
  std::vector<Held> held_;            // the responses of this turn, in the order the requests came
  std::vector<std::size_t> grouped_;  // indexes into held_ of the requests that ran in the open group
  std::size_t changes_ = 0;           // how many of them changed something
  bool changed_ = false;              // a grouped change was made: after_change listeners run at end_turn()
  SyncRequest sync_;
  bool turn_wrote_ = false;                             // a group of this turn committed
  std::vector<std::function<void()>> turn_after_sync_;  // and left these actions for its confirmation
  std::uint64_t syncs_asked_ = 0;
  bool sync_failure_reported_ = false;  // a failed sync is final: one log line
  std::deque<Waiting> waiting_;         // oldest first
};

std::string error_line(const nlohmann::json& id, int code, const std::string& message,
                       const nlohmann::json& data = nullptr);

}  // namespace paminna::control
