#include "service/scheduler.h"

#include "domain/local_time.h"
#include "log/events.h"

namespace paminna {

Scheduler::Scheduler(const Clock& clock, WallTimer& timer) : clock_(clock), timer_(timer) {
  timer_.set_handlers([this] { run_due(); }, [this] { on_clock_step(); });
}

void Scheduler::schedule(const std::string& key, Instant due, Task task) {
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    queue_.erase(it->second.position);
    by_key_.erase(it);
  }
  const auto position = queue_.emplace(due, key);
  by_key_.emplace(key, Entry{position, std::move(task)});
  rearm();
}

bool Scheduler::cancel(const std::string& key) {
  const auto it = by_key_.find(key);
  if (it == by_key_.end()) {
    return false;
  }
  queue_.erase(it->second.position);
  by_key_.erase(it);
  rearm();
  return true;
}

std::optional<Instant> Scheduler::due(const std::string& key) const {
  const auto it = by_key_.find(key);
  if (it == by_key_.end()) {
    return std::nullopt;
  }
  return it->second.position->first;
}

std::optional<Instant> Scheduler::next_due() const {
  if (queue_.empty()) {
    return std::nullopt;
  }
  return queue_.begin()->first;
}

std::size_t Scheduler::run_due() {
  std::size_t ran = 0;
  running_ = true;
  armed_.reset();
  // Re-read the clock for each task: a long task may make the next one due.
  while (!queue_.empty() && queue_.begin()->first <= clock_.now()) {
    const auto first = queue_.begin();
    const std::string key = first->second;
    auto node = by_key_.extract(key);
    queue_.erase(first);
    ++ran;
    try {
      node.mapped().task();
    } catch (const std::exception& e) {
      log::event(log::Event::SCHEDULER_TASK_FAILED, "task={} error=\"{}\"", key, e.what());
    } catch (...) {
      // Anything else must not escape either: it would leave running_ set and the timer never re-armed.
      log::event(log::Event::SCHEDULER_TASK_FAILED, "task={} error=\"unknown exception\"", key);
    }
  }
  running_ = false;
  rearm();
  return ran;
}

void Scheduler::on_clock_step() {
  log::event(log::Event::SCHEDULER_CLOCK_STEPPED, "now={}", format_utc(clock_.now()));
  armed_.reset();
  run_due();
}

void Scheduler::rearm() {
  if (running_) {
    return;  // run_due re-arms once when it is done
  }
  const auto next = next_due();
  if (next == armed_) {
    return;
  }
  armed_ = next;
  if (next) {
    timer_.arm(*next);
  } else {
    timer_.disarm();
  }
}

}  // namespace paminna
