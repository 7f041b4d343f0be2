// The daemon's one scheduler: deadlines by key, one wall timer for the earliest.
//
// Contract
//  1. schedule(key, due, task) replaces any deadline with the same key;
//     cancel(key) removes it. Keys name what they are for ("reminder:42").
//  2. After every change the single timer is armed for the earliest deadline
//     (or disarmed when there is none). Nothing polls.
//  3. When the timer fires, or the wall clock is stepped, every deadline with
//     due <= clock.now() runs once, earliest first. A deadline is removed
//     before its task runs, so it cannot run twice; a task may schedule again.
//  4. A wall clock stepped back delays deadlines to their wall time; stepped
//     forward (or a resumed VM) runs everything now due at once.
//  5. schedule_after(key, after, task) is a span, not a wall time ("retry in
//     30 s", "write the textfile every minute"): a step moves it with the
//     clock, so a step back of hours does not silence it for hours.
//  6. On a step, the step listeners run first (what they publish depends on
//     the wall time, such as the phone state), then every deadline now due.
//     A listener is told the size of the step (the wall clock's jump beyond
//     the time that passed), so that waits it keeps as wall instants
//     elsewhere (a gateway pause, a reminder's retry time in the database)
//     can keep their length as spans here do. The size is the change of
//     wall minus steady time since the last step, so a resume from suspend
//     (steady time stood still) is a step forward, and a step the kernel did
//     not report (no deadline was armed) is counted into the next one.
//  7. A task or listener that throws is logged (SCHEDULER_TASK_FAILED) and
//     does not stop the others.
// Single-threaded: call only from the loop that owns the timer.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "service/clock.h"
#include "service/wall_timer.h"

namespace paminna {

class Scheduler {
 public:
  using Task = std::function<void()>;

  Scheduler(const Clock& clock, WallTimer& timer);
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  using Listener = std::function<void(Duration step)>;

  void schedule(const std::string& key, Instant due, Task task);
  void schedule_after(const std::string& key, Duration after, Task task);
  void add_step_listener(Listener listener) { step_listeners_.push_back(std::move(listener)); }
  bool cancel(const std::string& key);
  [[nodiscard]] std::optional<Instant> due(const std::string& key) const;
  [[nodiscard]] std::optional<Instant> next_due() const;
  [[nodiscard]] std::size_t size() const { return by_key_.size(); }
  // Runs everything due now; returns how many ran. Called by the timer; public for the loop's owner.
  std::size_t run_due();

 private:
  using Queue = std::multimap<Instant, std::string>;
  struct Entry {
    Queue::iterator position;
    Task task;
    std::optional<std::chrono::steady_clock::time_point> steady_due;  // schedule_after
  };

  void add(const std::string& key, Instant due, Task task,
           std::optional<std::chrono::steady_clock::time_point> steady_due);
  void rearm();
  void on_clock_step();

  const Clock& clock_;
  WallTimer& timer_;
  Queue queue_;
  std::unordered_map<std::string, Entry> by_key_;
  std::vector<Listener> step_listeners_;
  std::optional<Instant> armed_;
  // Wall minus steady time at the last look: a step is the change of it.
  std::chrono::steady_clock::duration wall_offset_{};
  bool running_ = false;
};

}  // namespace paminna
