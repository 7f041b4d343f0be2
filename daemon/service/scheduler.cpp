#include "service/scheduler.h"

#include <algorithm>
#include <chrono>

#include "domain/local_time.h"
#include "log/events.h"

namespace paminna {

namespace {

std::chrono::steady_clock::duration wall_minus_steady(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(clock.now().time_since_epoch()) -
         clock.steady_now().time_since_epoch();
}

}  // namespace

Scheduler::Scheduler(const Clock& clock, WallTimer& timer)
    : clock_(clock), timer_(timer), wall_offset_(wall_minus_steady(clock)) {
  timer_.set_handlers([this] { run_due(); }, [this] { on_clock_step(); });
}

void Scheduler::schedule(const std::string& key, Instant due, Task task) {
  add(key, due, std::move(task), std::nullopt);
}

void Scheduler::schedule_after(const std::string& key, Duration after, Task task) {
  add(key, clock_.now() + after, std::move(task), clock_.steady_now() + after);
}

void Scheduler::add(const std::string& key, Instant due, Task task,
                    std::optional<std::chrono::steady_clock::time_point> steady_due) {
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    queue_.erase(it->second.position);
    by_key_.erase(it);
  }
  const auto position = queue_.emplace(due, key);
  by_key_.emplace(key, Entry{position, std::move(task), steady_due});
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
  const auto now = clock_.now();
  const auto steady = clock_.steady_now();
  const auto offset = wall_minus_steady(clock_);
  // Whole seconds, like every Instant: the drift between two steps is far below that.
  const auto step = std::chrono::round<Duration>(offset - wall_offset_);
  wall_offset_ = offset;
  log::event(log::Event::SCHEDULER_CLOCK_STEPPED, "now={} step_s={}", format_utc(now), step.count());
  for (auto& [key, entry] : by_key_) {
    if (!entry.steady_due) {
      continue;
    }
    const auto left =
        std::chrono::ceil<Duration>(std::max(*entry.steady_due - steady, std::chrono::steady_clock::duration::zero()));
    queue_.erase(entry.position);
    entry.position = queue_.emplace(now + left, key);
  }
  running_ = true;  // one re-arm after the listeners, not one per schedule() they make
  for (const auto& listener : step_listeners_) {
    try {
      listener(step);
    } catch (const std::exception& e) {
      log::event(log::Event::SCHEDULER_TASK_FAILED, "task=clock-step error=\"{}\"", e.what());
    } catch (...) {
      log::event(log::Event::SCHEDULER_TASK_FAILED, "task=clock-step error=\"unknown exception\"");
    }
  }
  running_ = false;
  // The kernel cancelled the timer (CANCEL_ON_SET): arm it afresh, even for the same instant.
  armed_.reset();
  timer_.disarm();
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
