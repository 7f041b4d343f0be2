// TurnMemo: a read-only answer is shared only by calls that follow one another
// in one turn. Every test counts how often the answer was computed and checks
// that no call saw an answer older than the last change before it.
#include "control/turn_memo.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace paminna::control {
namespace {

using nlohmann::json;

class TurnMemoTest : public ::testing::Test {
 protected:
  TurnMemoTest() {
    // The key stands for what may differ between neighbours (the clock's second).
    table_.add("count", MethodInfo{"Reads the counter.", false}, [this](const CallContext&, const json& params) {
      const int key = params.is_object() ? params.value("key", 0) : 0;
      if (const auto* same = memo_.find(key)) {
        return *same;
      }
      ++computed_;
      json answer{{"counter", counter_}};
      memo_.keep(key, answer);
      return answer;
    });
    table_.add("bump", MethodInfo{"Changes the counter.", true}, [this](const CallContext&, const json&) {
      ++counter_;
      return json{{"counter", counter_}};
    });
  }

  // The counters that the `count` calls among `lines` answered, in order;
  // `in_turn`: the lines as one turn of the server.
  std::vector<int> run(const std::vector<std::string_view>& lines, bool in_turn = true) {
    std::vector<int> seen;
    if (in_turn) {
      table_.begin_turn();
    }
    for (const auto line : lines) {
      table_.dispatch({}, line, [&seen](const std::string& response) {
        const auto parsed = json::parse(response);
        if (parsed["id"] == "c") {
          seen.push_back(parsed["result"]["counter"].get<int>());
        }
      });
    }
    if (in_turn) {
      table_.end_turn();  // sends the responses held for the turn
    }
    return seen;
  }

  static constexpr std::string_view kCount = R"({"jsonrpc":"2.0","id":"c","method":"count"})";
  static constexpr std::string_view kCountKey1 = R"({"jsonrpc":"2.0","id":"c","method":"count","params":{"key":1}})";
  static constexpr std::string_view kBump = R"({"jsonrpc":"2.0","id":"b","method":"bump"})";
  static constexpr std::string_view kGarbage = "not json";

  MethodTable table_;
  TurnMemo<int> memo_{table_};
  int counter_ = 0;
  int computed_ = 0;
};

TEST_F(TurnMemoTest, NeighboursInATurnShareOneAnswer) {
  EXPECT_EQ(run({kCount, kCount, kCount, kCount}), (std::vector<int>{0, 0, 0, 0}));
  EXPECT_EQ(computed_, 1);
}

TEST_F(TurnMemoTest, AChangeBetweenTwoCallsIsSeenByTheSecond) {
  EXPECT_EQ(run({kCount, kCount, kBump, kCount, kCount}), (std::vector<int>{0, 0, 1, 1}));
  EXPECT_EQ(computed_, 2);
}

TEST_F(TurnMemoTest, AnyOtherLineBetweenThemBreaksTheChain) {
  // Even a line that changes nothing: the memo does not judge what ran between.
  EXPECT_EQ(run({kCount, kGarbage, kCount}), (std::vector<int>{0, 0}));
  EXPECT_EQ(computed_, 2);
}

TEST_F(TurnMemoTest, ANewTurnComputesAfreshEvenWithNothingBetween) {
  // Between two turns timers and late answers run, which the table does not see.
  run({kCount});
  counter_ = 7;                                             // what a timer between the turns could have done
  EXPECT_EQ(run({kGarbage, kCount}), std::vector<int>{7});  // second in its turn, as the first was in its own
  EXPECT_EQ(computed_, 2);
}

TEST_F(TurnMemoTest, ADifferentKeyComputesAfresh) {
  EXPECT_EQ(run({kCount, kCountKey1, kCountKey1}), (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(computed_, 2);
}

TEST_F(TurnMemoTest, OutsideATurnEveryCallComputes) {
  EXPECT_EQ(run({kCount, kCount, kCount}, false), (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(computed_, 3);
}

}  // namespace
}  // namespace paminna::control
