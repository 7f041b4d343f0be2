#include "control/framing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace paminna::control {
namespace {

using Status = LineFramer::Status;

// Takes every complete line out; stops at need_more or too_long.
std::vector<std::string> drain(LineFramer& framer, Status* last = nullptr) {
  std::vector<std::string> lines;
  for (;;) {
    auto result = framer.next();
    if (result.status != Status::line) {
      if (last != nullptr) {
        *last = result.status;
      }
      return lines;
    }
    lines.push_back(std::move(result.line));
  }
}

TEST(LineFramer, NothingFedNeedsMore) {
  LineFramer framer(64);
  EXPECT_EQ(framer.next().status, Status::need_more);
  EXPECT_EQ(framer.buffered(), 0U);
}

TEST(LineFramer, ReturnsACompleteLineWithoutTheNewline) {
  LineFramer framer(64);
  framer.feed("{\"a\":1}\n");
  const auto result = framer.next();
  EXPECT_EQ(result.status, Status::line);
  EXPECT_EQ(result.line, "{\"a\":1}");
  EXPECT_EQ(framer.next().status, Status::need_more);
  EXPECT_EQ(framer.buffered(), 0U);
}

TEST(LineFramer, APartialLineNeedsMoreAndIsKept) {
  LineFramer framer(64);
  framer.feed("hello");
  EXPECT_EQ(framer.next().status, Status::need_more);
  EXPECT_EQ(framer.buffered(), 5U);
  framer.feed(" world\n");
  const auto result = framer.next();
  EXPECT_EQ(result.status, Status::line);
  EXPECT_EQ(result.line, "hello world");
}

TEST(LineFramer, ByteByByteFeedGivesTheSameLines) {
  const std::string input = "first\nsecond line\r\n\nlast\n";
  LineFramer framer(64);
  std::vector<std::string> lines;
  for (const char c : input) {
    framer.feed(std::string_view(&c, 1));
    auto more = drain(framer);
    lines.insert(lines.end(), more.begin(), more.end());
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"first", "second line", "", "last"}));
  EXPECT_EQ(framer.buffered(), 0U);
}

TEST(LineFramer, StripsCrBeforeLf) {
  LineFramer framer(64);
  framer.feed("abc\r\n");
  EXPECT_EQ(framer.next().line, "abc");
}

TEST(LineFramer, CrAndLfInSeparateFeeds) {
  LineFramer framer(64);
  framer.feed("abc\r");
  EXPECT_EQ(framer.next().status, Status::need_more);
  framer.feed("\n");
  const auto result = framer.next();
  EXPECT_EQ(result.status, Status::line);
  EXPECT_EQ(result.line, "abc");
}

TEST(LineFramer, KeepsACrThatIsNotBeforeLf) {
  LineFramer framer(64);
  framer.feed("a\rb\n");
  EXPECT_EQ(framer.next().line, "a\rb");
}

TEST(LineFramer, OnlyOneCrIsStripped) {
  LineFramer framer(64);
  framer.feed("a\r\r\n");
  EXPECT_EQ(framer.next().line, "a\r");
}

TEST(LineFramer, SeveralLinesInOneFeed) {
  LineFramer framer(64);
  framer.feed("one\ntwo\r\nthree\nfour-partial");
  Status last{};
  EXPECT_EQ(drain(framer, &last), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(last, Status::need_more);
  EXPECT_EQ(framer.buffered(), std::string("four-partial").size());
  framer.feed("\n");
  EXPECT_EQ(drain(framer), (std::vector<std::string>{"four-partial"}));
}

TEST(LineFramer, EmptyLinesAreLines) {
  LineFramer framer(64);
  framer.feed("\n\r\n\n");
  EXPECT_EQ(drain(framer), (std::vector<std::string>{"", "", ""}));
}

TEST(LineFramer, ALineExactlyAtTheLimitIsAccepted) {
  constexpr std::size_t kLimit = 16;
  LineFramer framer(kLimit);
  const std::string line(kLimit, 'x');
  framer.feed(line + "\n");
  const auto result = framer.next();
  EXPECT_EQ(result.status, Status::line);
  EXPECT_EQ(result.line, line);
}

TEST(LineFramer, ALineAtTheLimitWithoutItsNewlineYetNeedsMore) {
  constexpr std::size_t kLimit = 16;
  LineFramer framer(kLimit);
  framer.feed(std::string(kLimit, 'x'));
  EXPECT_EQ(framer.next().status, Status::need_more);
  framer.feed("\n");
  EXPECT_EQ(framer.next().status, Status::line);
}

TEST(LineFramer, ALineOneByteOverTheLimitIsTooLong) {
  constexpr std::size_t kLimit = 16;
  LineFramer framer(kLimit);
  framer.feed(std::string(kLimit + 1, 'x') + "\n");
  EXPECT_EQ(framer.next().status, Status::too_long);
}

TEST(LineFramer, AnUnterminatedLineOneByteOverTheLimitIsTooLong) {
  constexpr std::size_t kLimit = 16;
  LineFramer framer(kLimit);
  framer.feed(std::string(kLimit + 1, 'x'));
  EXPECT_EQ(framer.next().status, Status::too_long);
}

TEST(LineFramer, ATooLongLineAfterAGoodOneStillYieldsTheGoodOneFirst) {
  LineFramer framer(8);
  framer.feed("ok\n" + std::string(20, 'x') + "\n");
  const auto first = framer.next();
  EXPECT_EQ(first.status, Status::line);
  EXPECT_EQ(first.line, "ok");
  EXPECT_EQ(framer.next().status, Status::too_long);
}

TEST(LineFramer, ATenMibLineFedInChunksNeverBuffersMuchMoreThanTheLimit) {
  constexpr std::size_t kLimit = 64 * 1024;
  constexpr std::size_t kChunk = 4096;
  constexpr std::size_t kTotal = 10 * 1024 * 1024;
  LineFramer framer(kLimit);
  const std::string chunk(kChunk, 'y');
  std::size_t fed = 0;
  bool rejected = false;
  while (fed < kTotal) {
    framer.feed(chunk);
    fed += kChunk;
    const auto result = framer.next();
    // The server stops reading at the first too_long; until then the buffer stays bounded.
    ASSERT_LE(framer.buffered(), kLimit + kChunk) << "after " << fed << " bytes";
    if (result.status == Status::too_long) {
      rejected = true;
      break;
    }
    ASSERT_EQ(result.status, Status::need_more);
  }
  EXPECT_TRUE(rejected);
  EXPECT_LE(fed, kLimit + kChunk);
}

TEST(LineFramer, ManyLinesTrickledDoNotGrowTheBuffer) {
  LineFramer framer(32);
  for (int i = 0; i < 10000; ++i) {
    framer.feed("line\n");
    ASSERT_EQ(framer.next().status, Status::line);
    ASSERT_EQ(framer.next().status, Status::need_more);
    ASSERT_EQ(framer.buffered(), 0U);
  }
}

}  // namespace
}  // namespace paminna::control
