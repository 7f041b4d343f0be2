#include "control/method_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <utility>

#include "log/events.h"
#include "store/sqlite.h"

namespace paminna::control {

using nlohmann::json;

std::string error_line(const json& id, int code, const std::string& message, const json& data) {
  json error{{"code", code}, {"message", message}};
  if (!data.is_null()) {
    error["data"] = data;
  }
  // Replace rather than throw on invalid UTF-8 that a caller echoed into a message.
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}}.dump(-1, ' ', false,
                                                                                json::error_handler_t::replace);
}

void Responder::result(json value) const {
  if (notification_) {
    return;
  }
  send_(json{{"jsonrpc", "2.0"}, {"id", id_}, {"result", std::move(value)}}.dump(-1, ' ', false,
                                                                                 json::error_handler_t::replace));
}

void Responder::error(const RpcError& error) const {
  if (on_error_) {
    on_error_();
  }
  if (notification_) {
    return;
  }
  send_(error_line(id_, error.code(), error.what(), error.data()));
}

void MethodTable::add(const std::string& name, MethodInfo info, SyncHandler handler) {
  methods_[name] = Method{std::move(info), [handler = std::move(handler)](
                                               const CallContext& context, const json& params,
                                               const Responder& respond) { respond.result(handler(context, params)); }};
}

void MethodTable::add_async(const std::string& name, MethodInfo info, AsyncHandler handler) {
  if (info.group_commit) {
    // Its answer could leave before the group's commit, or escape the rewrite if that commit failed.
    throw std::logic_error("method " + name + ": an asynchronous method cannot join a group commit");
  }
  methods_[name] = Method{std::move(info), std::move(handler)};
}

std::vector<std::pair<std::string, MethodInfo>> MethodTable::list() const {
  std::vector<std::pair<std::string, MethodInfo>> out;
  for (const auto& [name, method] : methods_) {
    out.emplace_back(name, method.info);
  }
  return out;
}

namespace {

bool valid_id(const json& id) {
  return id.is_string() || id.is_number_integer() || id.is_null();
}

}  // namespace

std::optional<MethodTable::Position> MethodTable::position() const {
  if (!in_turn_ || held_.empty()) {
    return std::nullopt;
  }
  return Position{turn_, held_.size() - 1};
}

void MethodTable::begin_turn() {
  in_turn_ = true;
  ++turn_;
  if (db_ != nullptr) {
    open_group();
  }
}

void MethodTable::open_group() {
  db_->begin_group(sync_ ? store::Database::GroupSync::by_caller : store::Database::GroupSync::in_commit);
}

void MethodTable::release(std::vector<Held>& held) {
  for (auto& response : held) {
    if (response.line) {
      response.send(std::move(*response.line));
    }
  }
}

void MethodTable::end_turn() {
  if (db_ != nullptr) {
    commit_group();
  }
  in_turn_ = false;
  auto held = std::exchange(held_, {});
  const bool wrote = std::exchange(turn_wrote_, false);
  if (sync_ && (wrote || !waiting_.empty())) {
    // A turn that wrote nothing still waits behind one that did: it may have
    // read those changes, and a connection's answers keep their order.
    if (wrote) {
      ++syncs_asked_;
    }
    waiting_.push_back({std::move(held), std::exchange(turn_after_sync_, {}), syncs_asked_, wrote});
    if (wrote) {
      sync_([this, sync = syncs_asked_](std::error_code error) { synced(sync, error); });
    }
  } else {
    release(held);
  }
  if (std::exchange(changed_, false)) {
    try {
      for (const auto& listener : after_change_) {
        listener();
      }
    } catch (const std::exception& e) {
      spdlog::error("internal error after the changes of a turn: {}", e.what());
    }
  }
}

// On failure every request that ran in the group is answered with the error,
// not only those that changed something: a refusal may rest on an earlier
// change of the group ("client is closed") that never reached the disk.
void MethodTable::commit_group() {
  try {
    auto committed = db_->end_group();
    if (committed.committed) {
      turn_wrote_ = true;
      for (auto& action : committed.after_sync) {
        turn_after_sync_.push_back(std::move(action));
      }
      for (const auto index : grouped_) {
        held_[index].grouped = true;
      }
    }
  } catch (const store::StoreError& e) {
    std::string methods;
    for (const auto index : grouped_) {
      methods += (methods.empty() ? "" : ",") + held_[index].method;
    }
    store_failed(fmt::format("what=group-commit requests={} lost={} methods={}", grouped_.size(), changes_, methods),
                 e);
    for (const auto index : grouped_) {
      auto& response = held_[index];
      if (response.line) {
        response.line = error_line(response.id, error_code::store_unavailable,
                                   "the database failed; nothing was changed (see the daemon's log)");
        if (!response.error) {
          ++response.stats->errors;
        }
      }
    }
  }
  grouped_.clear();
  changes_ = 0;
}

// Confirmations come in the order they were asked for, and one covers every
// commit before it, so it releases all turns up to its own.
void MethodTable::synced(std::uint64_t sync, std::error_code error) {
  while (!waiting_.empty() && waiting_.front().sync <= sync) {
    auto entry = std::move(waiting_.front());
    waiting_.pop_front();
    if (entry.wrote && error) {
      if (!std::exchange(sync_failure_reported_, true)) {  // once, not per turn: the failure is final (WalWorker)
        store_failed(
            fmt::format("what=sync-after-commit requests={}", entry.held.size()),
            store::StoreError("confirm that the changes of a turn are on disk", SQLITE_IOERR_FSYNC, error.message()));
      }
      for (auto& response : entry.held) {
        if (!response.grouped || !response.line) {
          continue;
        }
        // A refusal too may rest on a change of the group ("client is closed").
        response.line =
            error_line(response.id, error_code::store_unavailable,
                       response.changed ? "the change is in the database, but the disk did not confirm that it was "
                                          "saved (see the daemon's log); check before trying again"
                                        : "the disk did not confirm the changes this answer rests on (see the "
                                          "daemon's log); try again");
        if (!response.error) {
          ++response.stats->errors;
        }
      }
    } else if (entry.wrote) {
      store::Database::run_after_commit(entry.after_sync);
    }
    release(entry.held);
  }
}

void MethodTable::confirm_all(std::error_code error) {
  synced(syncs_asked_, error);
}

void MethodTable::store_failed(const std::string& what, const store::StoreError& error) {
  log::event(log::Event::STORE_ERROR, "{} error=\"{}\"", what, error.what());
  for (const auto& listener : on_store_error_) {
    listener();
  }
}

bool MethodTable::dispatch(CallContext context, std::string_view line, const Responder::Send& direct) {
  // In a turn the response waits in held_ for the turn's commit; an async
  // handler that answers in a later turn (or none) answers at once.
  Responder::Send send = direct;
  const std::size_t slot = held_.size();
  if (in_turn_) {
    held_.push_back({direct, std::nullopt, nullptr, nullptr, {}, false});
    send = [this, turn = turn_, slot, direct](std::string response) {
      if (in_turn_ && turn_ == turn) {
        held_[slot].line = std::move(response);
      } else if (!waiting_.empty()) {
        // Behind the answers still waiting for the disk, so that none is overtaken.
        waiting_.back().held.push_back({direct, std::move(response), nullptr, nullptr, {}, false});
      } else {
        direct(std::move(response));
      }
    };
  }
  // A line that never becomes a well-formed request is counted, as a call and an error, under "_invalid".
  struct CountInvalid {
    std::map<std::string, MethodStats>& stats;
    bool well_formed = false;
    ~CountInvalid() {
      if (!well_formed) {
        auto& invalid = stats["_invalid"];
        ++invalid.calls;
        ++invalid.errors;
      }
    }
  } count_invalid{stats_, false};
  json request;
  try {
    request = json::parse(line);
  } catch (const json::parse_error&) {
    send(error_line(nullptr, error_code::parse_error, "parse error: not valid JSON"));
    return true;
  } catch (const json::exception&) {
    // A number too large for a double (1e400) is out_of_range, not a
    // parse_error; uncaught it would leave the Asio handler and stop the
    // daemon (found by fuzz_control).
    send(error_line(nullptr, error_code::parse_error, "parse error: a number is out of range"));
    return true;
  }
  if (!request.is_object()) {
    send(error_line(
        nullptr, error_code::invalid_request,
        request.is_array() ? "invalid request: batches are not supported" : "invalid request: expected a JSON object"));
    return true;
  }
  const auto id_it = request.find("id");
  const bool notification = id_it == request.end();
  const json id = notification ? json(nullptr) : *id_it;
  if (!valid_id(id)) {
    send(error_line(nullptr, error_code::invalid_request, "invalid request: id must be a string or an integer"));
    return true;
  }
  auto fail = [&](int code, const std::string& message) { send(error_line(id, code, message)); };
  const auto version = request.find("jsonrpc");
  if (version == request.end() || *version != "2.0") {
    fail(error_code::invalid_request, "invalid request: jsonrpc must be \"2.0\"");
    return true;
  }
  const auto method_it = request.find("method");
  if (method_it == request.end() || !method_it->is_string()) {
    fail(error_code::invalid_request, "invalid request: method must be a string");
    return true;
  }
  for (const auto& [key, value] : request.items()) {
    if (key != "jsonrpc" && key != "id" && key != "method" && key != "params") {
      fail(error_code::invalid_request, "invalid request: unknown member '" + key + "'");
      return true;
    }
  }
  // From here on the request is well formed: a notification gets no response, not even an error.
  count_invalid.well_formed = true;
  const auto name = method_it->get<std::string>();
  const auto method = methods_.find(name);
  auto* stat = &stats_[method == methods_.end() ? std::string("_unknown") : name];
  ++stat->calls;
  if (in_turn_) {
    held_[slot].id = id;
    held_[slot].stats = stat;
    held_[slot].method = name.substr(0, 64);
  }
  const Responder respond(id, notification, send, [this, stat, turn = turn_, slot] {
    ++stat->errors;
    if (in_turn_ && turn_ == turn) {
      held_[slot].error = true;
    }
  });
  if (method == methods_.end()) {
    respond.error(RpcError(error_code::method_not_found, "unknown method '" + name.substr(0, 64) + "'"));
    return !notification;
  }
  json params = request.value("params", json(nullptr));
  if (!params.is_null() && !params.is_object()) {
    respond.error(RpcError(error_code::invalid_params, "params must be an object"));
    return !notification;
  }
  const bool grouped = in_turn_ && db_ != nullptr && method->second.info.group_commit;
  const bool alone = in_turn_ && db_ != nullptr && !grouped;
  if (alone) {
    commit_group();  // what came before in this turn commits first; this one runs on its own
  }
  try {
    if (params.is_object()) {
      if (const auto actor = params.find("actor"); actor != params.end()) {
        if (!actor->is_string() || actor->get<std::string>().empty() || actor->get<std::string>().size() > 8 ||
            !std::all_of(actor->get_ref<const std::string&>().begin(), actor->get_ref<const std::string&>().end(),
                         [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; })) {
          throw RpcError::invalid_params("actor", "must be staff initials: 1 to 8 letters or digits");
        }
        context.actor = actor->get<std::string>();
        params.erase(actor);
      }
    }
    method->second.handler(context, params, respond);
    if (method->second.info.mutating && !grouped) {
      for (const auto& listener : after_change_) {
        listener();
      }
    }
  } catch (const RpcError& e) {
    respond.error(e);
  } catch (const store::StoreError& e) {
    store_failed("method=" + name, e);
    respond.error(RpcError(error_code::store_unavailable,
                           e.transient() ? "the database is busy; nothing was changed, try again"
                                         : "the database failed; nothing was changed (see the daemon's log)"));
  } catch (const std::exception& e) {
    spdlog::error("internal error in method {}: {}", name, e.what());
    respond.error(RpcError(error_code::internal_error, "internal error; see the daemon's log"));
  } catch (...) {
    spdlog::error("internal error in method {}: unknown exception", name);
    respond.error(RpcError(error_code::internal_error, "internal error; see the daemon's log"));
  }
  if (alone) {
    open_group();
  }
  if (grouped) {
    grouped_.push_back(slot);
    if (db_->take_group_change()) {
      ++changes_;
      changed_ = true;
      held_[slot].changed = true;
    }
  }
  return !notification;
}

}  // namespace paminna::control
