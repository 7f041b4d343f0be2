// The scheduler with a fake clock and a manual wall timer: time moves only when
// a test says so, and nothing sleeps.
#include "service/scheduler.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/fake_clock.h"

namespace paminna {
namespace {

using namespace std::chrono_literals;

// Tuesday 2026-03-10 08:00 UTC.
const Instant kStart = std::chrono::sys_days{std::chrono::year{2026} / 3 / 10} + 8h;

class SchedulerTest : public ::testing::Test {
 protected:
  // Advances both clocks by `by` (time passing normally) and lets the timer fire if it is due.
  void pass(Duration by) {
    clock_.advance(by);
    timer_.advance_to(clock_.now());
  }
  // A task that records its key in `ran_` and counts it.
  Scheduler::Task record(const std::string& key) {
    return [this, key] {
      ran_.push_back(key);
      ++count_[key];
    };
  }

  test::FakeClock clock_{kStart};
  ManualWallTimer timer_;
  Scheduler scheduler_{clock_, timer_};
  std::vector<std::string> ran_;
  std::map<std::string, int> count_;
};

// --- One timer for the earliest deadline ---------------------------------------------------------------------------

TEST_F(SchedulerTest, StartsEmptyAndDisarmed) {
  EXPECT_EQ(scheduler_.size(), 0U);
  EXPECT_FALSE(scheduler_.next_due().has_value());
  EXPECT_FALSE(timer_.armed().has_value());
}

TEST_F(SchedulerTest, ArmsTheTimerForTheEarliestDeadline) {
  scheduler_.schedule("reminder:1", kStart + 10min, record("reminder:1"));
  EXPECT_EQ(timer_.armed(), kStart + 10min);
  scheduler_.schedule("reminder:2", kStart + 5min, record("reminder:2"));
  EXPECT_EQ(timer_.armed(), kStart + 5min);
  scheduler_.schedule("reminder:3", kStart + 20min, record("reminder:3"));
  EXPECT_EQ(timer_.armed(), kStart + 5min) << "a later deadline does not move the timer";
  EXPECT_EQ(scheduler_.size(), 3U);
  EXPECT_EQ(scheduler_.next_due(), kStart + 5min);
  EXPECT_EQ(scheduler_.due("reminder:1"), kStart + 10min);
  EXPECT_FALSE(scheduler_.due("reminder:9").has_value());
}

TEST_F(SchedulerTest, NothingRunsBeforeItsTime) {
  scheduler_.schedule("a", kStart + 10min, record("a"));
  pass(9min + 59s);
  EXPECT_TRUE(ran_.empty());
  EXPECT_EQ(scheduler_.run_due(), 0U);
  EXPECT_TRUE(ran_.empty());
  EXPECT_EQ(timer_.armed(), kStart + 10min);
  pass(1s);
  EXPECT_EQ(ran_, std::vector<std::string>{"a"});
  EXPECT_EQ(scheduler_.size(), 0U);
  EXPECT_FALSE(timer_.armed().has_value());
}

TEST_F(SchedulerTest, ScheduleReplacesTheSameKey) {
  scheduler_.schedule("callback:7", kStart + 5min, record("old"));
  scheduler_.schedule("callback:7", kStart + 30min, record("new"));
  EXPECT_EQ(scheduler_.size(), 1U);
  EXPECT_EQ(scheduler_.due("callback:7"), kStart + 30min);
  EXPECT_EQ(timer_.armed(), kStart + 30min) << "re-armed for the replacement, not the old deadline";
  pass(5min);
  EXPECT_TRUE(ran_.empty());
  pass(25min);
  EXPECT_EQ(ran_, std::vector<std::string>{"new"});
}

TEST_F(SchedulerTest, ScheduleCanMoveAKeyEarlier) {
  scheduler_.schedule("a", kStart + 30min, record("a"));
  scheduler_.schedule("b", kStart + 20min, record("b"));
  scheduler_.schedule("a", kStart + 10min, record("a"));
  EXPECT_EQ(timer_.armed(), kStart + 10min);
  pass(10min);
  EXPECT_EQ(ran_, std::vector<std::string>{"a"});
  EXPECT_EQ(timer_.armed(), kStart + 20min);
}

TEST_F(SchedulerTest, CancelReArmsForTheNextAndDisarmsWhenEmpty) {
  scheduler_.schedule("a", kStart + 5min, record("a"));
  scheduler_.schedule("b", kStart + 10min, record("b"));
  EXPECT_TRUE(scheduler_.cancel("a"));
  EXPECT_EQ(timer_.armed(), kStart + 10min);
  EXPECT_FALSE(scheduler_.cancel("a")) << "already gone";
  EXPECT_FALSE(scheduler_.cancel("nothing"));
  EXPECT_EQ(timer_.armed(), kStart + 10min);
  EXPECT_TRUE(scheduler_.cancel("b"));
  EXPECT_FALSE(timer_.armed().has_value());
  EXPECT_EQ(scheduler_.size(), 0U);
  pass(1h);
  EXPECT_TRUE(ran_.empty());
}

TEST_F(SchedulerTest, CancellingALaterDeadlineKeepsTheTimer) {
  scheduler_.schedule("a", kStart + 5min, record("a"));
  scheduler_.schedule("b", kStart + 10min, record("b"));
  EXPECT_TRUE(scheduler_.cancel("b"));
  EXPECT_EQ(timer_.armed(), kStart + 5min);
}

// --- Running ------------------------------------------------------------------------------------------------------

TEST_F(SchedulerTest, RunsEverythingDueEarliestFirst) {
  scheduler_.schedule("c", kStart + 3min, record("c"));
  scheduler_.schedule("a", kStart + 1min, record("a"));
  scheduler_.schedule("d", kStart + 9min, record("d"));
  scheduler_.schedule("b", kStart + 2min, record("b"));
  clock_.advance(5min);
  timer_.advance_to(clock_.now());
  EXPECT_EQ(ran_, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(scheduler_.size(), 1U);
  EXPECT_EQ(timer_.armed(), kStart + 9min);
}

TEST_F(SchedulerTest, ADeadlineInThePastRunsAtTheNextFiring) {
  scheduler_.schedule("late", kStart - 1h, record("late"));
  EXPECT_EQ(timer_.armed(), kStart - 1h);
  timer_.advance_to(clock_.now());
  EXPECT_EQ(ran_, std::vector<std::string>{"late"});
}

TEST_F(SchedulerTest, RunDueReturnsHowManyRan) {
  scheduler_.schedule("a", kStart, record("a"));
  scheduler_.schedule("b", kStart, record("b"));
  scheduler_.schedule("c", kStart + 1s, record("c"));
  EXPECT_EQ(scheduler_.run_due(), 2U);
  EXPECT_EQ(scheduler_.run_due(), 0U);
  EXPECT_EQ(timer_.armed(), kStart + 1s);
}

TEST_F(SchedulerTest, ATaskMayScheduleAnotherTaskForLater) {
  scheduler_.schedule("first", kStart + 1min, [this] {
    ran_.push_back("first");
    scheduler_.schedule("second", clock_.now() + 1h, record("second"));
  });
  pass(1min);
  EXPECT_EQ(ran_, std::vector<std::string>{"first"});
  EXPECT_EQ(timer_.armed(), kStart + 1min + 1h);
  pass(1h);
  EXPECT_EQ(ran_, (std::vector<std::string>{"first", "second"}));
}

TEST_F(SchedulerTest, ATaskMayScheduleAnotherTaskAlreadyDue) {
  scheduler_.schedule("first", kStart + 1min, [this] {
    ran_.push_back("first");
    scheduler_.schedule("now", clock_.now(), record("now"));
  });
  pass(1min);
  EXPECT_EQ(ran_, (std::vector<std::string>{"first", "now"}));
  EXPECT_FALSE(timer_.armed().has_value());
}

TEST_F(SchedulerTest, ATaskMayRescheduleItsOwnKey) {
  // A daily job: each run schedules the next one under the same key.
  std::function<void()> daily;
  daily = [this, &daily] {
    ++count_["daily"];
    scheduler_.schedule("daily", clock_.now() + 24h, daily);
  };
  scheduler_.schedule("daily", kStart + 1h, daily);
  pass(1h);
  EXPECT_EQ(count_["daily"], 1);
  EXPECT_EQ(scheduler_.due("daily"), kStart + 25h);
  EXPECT_EQ(timer_.armed(), kStart + 25h);
  pass(24h);
  EXPECT_EQ(count_["daily"], 2);
}

TEST_F(SchedulerTest, ATaskMayCancelAnotherDueTask) {
  scheduler_.schedule("a", kStart + 1min, [this] {
    ran_.push_back("a");
    scheduler_.cancel("b");
  });
  scheduler_.schedule("b", kStart + 2min, record("b"));
  scheduler_.schedule("c", kStart + 3min, record("c"));
  pass(5min);
  EXPECT_EQ(ran_, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(scheduler_.size(), 0U);
  EXPECT_FALSE(timer_.armed().has_value());
}

TEST_F(SchedulerTest, ATaskIsRemovedBeforeItRuns) {
  scheduler_.schedule("a", kStart, [this] {
    EXPECT_FALSE(scheduler_.due("a").has_value());
    EXPECT_FALSE(scheduler_.cancel("a"));
    ran_.push_back("a");
  });
  scheduler_.run_due();
  EXPECT_EQ(ran_, std::vector<std::string>{"a"});
}

TEST_F(SchedulerTest, ATaskThatThrowsDoesNotStopTheOthers) {
  scheduler_.schedule("a", kStart + 1min, record("a"));
  scheduler_.schedule("bad", kStart + 2min, [] { throw std::runtime_error("gateway exploded"); });
  scheduler_.schedule("c", kStart + 3min, record("c"));
  scheduler_.schedule("later", kStart + 1h, record("later"));
  EXPECT_NO_THROW(pass(5min));
  EXPECT_EQ(ran_, (std::vector<std::string>{"a", "c"}));
  EXPECT_FALSE(scheduler_.due("bad").has_value()) << "a failed task is not retried by the scheduler";
  EXPECT_EQ(timer_.armed(), kStart + 1h) << "still armed for what remains";
  pass(55min);
  EXPECT_EQ(ran_.back(), "later");
}

TEST_F(SchedulerTest, ATaskThatThrowsSomethingOddDoesNotStopTheOthersEither) {
  scheduler_.schedule("bad", kStart + 1min, [] { throw 42; });
  scheduler_.schedule("c", kStart + 2min, record("c"));
  scheduler_.schedule("later", kStart + 1h, record("later"));
  EXPECT_NO_THROW(pass(5min));
  EXPECT_EQ(ran_, std::vector<std::string>{"c"});
  EXPECT_EQ(timer_.armed(), kStart + 1h);
  scheduler_.schedule("next", kStart + 10min, record("next"));
  EXPECT_EQ(timer_.armed(), kStart + 10min) << "the scheduler still re-arms after the failure";
}

TEST_F(SchedulerTest, ALongTaskMakesTheNextOneDueInTheSameRun) {
  scheduler_.schedule("slow", kStart + 1min, [this] {
    ran_.push_back("slow");
    clock_.advance(10min);  // the task took ten minutes
  });
  scheduler_.schedule("next", kStart + 5min, record("next"));
  pass(1min);
  EXPECT_EQ(ran_, (std::vector<std::string>{"slow", "next"}));
}

// --- The wall clock steps -----------------------------------------------------------------------------------------

TEST_F(SchedulerTest, AJumpForwardRunsEverythingNowDueOnce) {
  scheduler_.schedule("a", kStart + 1h, record("a"));
  scheduler_.schedule("b", kStart + 2h, record("b"));
  scheduler_.schedule("c", kStart + 3h, record("c"));
  scheduler_.schedule("d", kStart + 5h, record("d"));
  clock_.step_wall(3h);
  timer_.clock_stepped();
  EXPECT_EQ(ran_, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(timer_.armed(), kStart + 5h);
  // The timer firing too (the kernel may report both) runs nothing again.
  timer_.advance_to(clock_.now());
  scheduler_.run_due();
  EXPECT_EQ(count_["a"], 1);
  EXPECT_EQ(count_["b"], 1);
  EXPECT_EQ(count_["c"], 1);
  EXPECT_EQ(count_["d"], 0);
}

TEST_F(SchedulerTest, AJumpForwardWithNothingDueReArmsTheSameDeadline) {
  scheduler_.schedule("a", kStart + 5h, record("a"));
  clock_.step_wall(1h);
  timer_.clock_stepped();
  EXPECT_TRUE(ran_.empty());
  EXPECT_EQ(timer_.armed(), kStart + 5h);
}

TEST_F(SchedulerTest, AJumpBackRunsNothingEarlyAndKeepsTheWallTime) {
  scheduler_.schedule("a", kStart + 1h, record("a"));
  scheduler_.schedule("b", kStart + 2h, record("b"));
  clock_.step_wall(-3h);
  timer_.clock_stepped();
  EXPECT_TRUE(ran_.empty());
  EXPECT_EQ(timer_.armed(), kStart + 1h) << "deadlines keep their wall time";
  // Three hours pass: the wall clock is back at the start; still nothing due.
  pass(3h);
  EXPECT_TRUE(ran_.empty());
  pass(1h);
  EXPECT_EQ(ran_, std::vector<std::string>{"a"});
  pass(1h);
  EXPECT_EQ(ran_, (std::vector<std::string>{"a", "b"}));
}

TEST_F(SchedulerTest, BackThenForwardAgainRunsNothingTwice) {
  scheduler_.schedule("a", kStart + 1h, record("a"));
  scheduler_.schedule("b", kStart + 2h, record("b"));
  pass(90min);  // a runs
  EXPECT_EQ(count_["a"], 1);
  clock_.step_wall(-3h);
  timer_.clock_stepped();
  EXPECT_EQ(count_["a"], 1);
  EXPECT_EQ(count_["b"], 0);
  EXPECT_EQ(timer_.armed(), kStart + 2h);
  clock_.step_wall(3h);
  timer_.clock_stepped();
  EXPECT_EQ(count_["a"], 1) << "a ran before the jumps and must not run again";
  EXPECT_EQ(count_["b"], 0) << "b is still 30 minutes away";
  clock_.step_wall(1h);
  timer_.clock_stepped();
  EXPECT_EQ(count_["a"], 1);
  EXPECT_EQ(count_["b"], 1);
  clock_.step_wall(-2h);
  timer_.clock_stepped();
  clock_.step_wall(2h);
  timer_.clock_stepped();
  pass(24h);
  EXPECT_EQ(count_["a"], 1);
  EXPECT_EQ(count_["b"], 1);
  EXPECT_FALSE(timer_.armed().has_value());
}

TEST_F(SchedulerTest, ADailyTaskRunsOncePerDayAcrossAJumpBack) {
  // Runs at 09:00 every day and then schedules tomorrow's 09:00.
  std::function<void()> daily;
  daily = [this, &daily] {
    ++count_["daily"];
    scheduler_.schedule("daily", kStart + 1h + 24h * count_["daily"], daily);
  };
  scheduler_.schedule("daily", kStart + 1h, daily);
  pass(1h);
  ASSERT_EQ(count_["daily"], 1);
  clock_.step_wall(-2h);  // back to before the first run
  timer_.clock_stepped();
  pass(2h);
  EXPECT_EQ(count_["daily"], 1) << "the wall clock passing 09:00 again does not repeat the run";
  EXPECT_EQ(timer_.armed(), kStart + 25h);
  pass(24h);
  EXPECT_EQ(count_["daily"], 2);
}

TEST_F(SchedulerTest, ManyStepsNeverRunATaskTwice) {
  for (int i = 0; i < 20; ++i) {
    scheduler_.schedule("t" + std::to_string(i), kStart + i * 10min, record("t" + std::to_string(i)));
  }
  const std::vector<Duration> steps{25min, -1h, 2h, -3h, 50min, 4h, -30min, 3h};
  for (const auto step : steps) {
    clock_.step_wall(step);
    timer_.clock_stepped();
    timer_.advance_to(clock_.now());
  }
  pass(10h);
  ASSERT_EQ(count_.size(), 20U);
  for (const auto& [key, n] : count_) {
    EXPECT_EQ(n, 1) << key;
  }
  EXPECT_EQ(scheduler_.size(), 0U);
}

// --- Spans (schedule_after) and step listeners --------------------------------------------------------------------

TEST_F(SchedulerTest, ASpanKeepsItsLengthWhenTheClockStepsBack) {
  scheduler_.schedule_after("textfile", 60s, record("textfile"));
  scheduler_.schedule("visit", kStart + 60s, record("visit"));
  pass(20s);
  clock_.step_wall(-3h);
  timer_.clock_stepped();
  EXPECT_EQ(scheduler_.due("textfile"), kStart + 20s - 3h + 40s) << "40 s were left, and 40 s are left";
  EXPECT_EQ(scheduler_.due("visit"), kStart + 60s) << "a wall time stays a wall time";
  pass(40s);
  EXPECT_EQ(ran_, std::vector<std::string>{"textfile"});
}

TEST_F(SchedulerTest, ASpanDoesNotRunEarlyWhenTheClockStepsForward) {
  scheduler_.schedule_after("retry", 30s, record("retry"));
  clock_.step_wall(2h);
  timer_.clock_stepped();
  EXPECT_TRUE(ran_.empty()) << "a step forward is not time passing";
  EXPECT_EQ(scheduler_.due("retry"), kStart + 2h + 30s);
  pass(30s);
  EXPECT_EQ(ran_, std::vector<std::string>{"retry"});
}

TEST_F(SchedulerTest, StepListenersRunBeforeTheDeadlinesNowDue) {
  scheduler_.schedule("a", kStart + 1h, record("a"));
  scheduler_.add_step_listener([this](Duration) { ran_.push_back("listener"); });
  scheduler_.add_step_listener([](Duration) { throw std::runtime_error("store locked"); });
  scheduler_.add_step_listener([this](Duration) {
    ran_.push_back("second listener");
    scheduler_.schedule("b", kStart + 30min, record("b"));
  });
  clock_.step_wall(2h);
  timer_.clock_stepped();
  EXPECT_EQ(ran_, (std::vector<std::string>{"listener", "second listener", "b", "a"}))
      << "a throwing listener stops neither the others nor the deadlines";
  EXPECT_FALSE(timer_.armed().has_value());
}

// Listeners keep wall-time waits elsewhere (a gateway pause, retry times in
// the database) as long as they were: they need the size of the jump, which
// is the wall clock's change beyond the time that passed.
TEST_F(SchedulerTest, StepListenersAreToldTheSizeOfTheStep) {
  std::vector<Duration> steps;
  scheduler_.add_step_listener([&steps](Duration step) { steps.push_back(step); });
  pass(10min);
  clock_.step_wall(-3h);
  timer_.clock_stepped();
  pass(20min);
  clock_.step_wall(2h);
  timer_.clock_stepped();
  EXPECT_EQ(steps, (std::vector<Duration>{-3h, 2h})) << "time that passed between is not a step";
}

}  // namespace
}  // namespace paminna
