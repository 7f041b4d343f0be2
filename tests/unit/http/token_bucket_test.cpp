#include "http/token_bucket.h"

#include <gtest/gtest.h>

#include "http/form.h"

namespace paminna::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using TimePoint = TokenBucket::TimePoint;

constexpr TimePoint start{std::chrono::seconds{1000}};

TEST(TokenBucket, StartsFullWithTheBurst) {
  TokenBucket bucket{2.0, 3.0, start};
  EXPECT_TRUE(bucket.try_take(start));
  EXPECT_TRUE(bucket.try_take(start));
  EXPECT_TRUE(bucket.try_take(start));
  EXPECT_FALSE(bucket.try_take(start));
}

TEST(TokenBucket, RefillsAtTheRateAndSaysHowLongToWait) {
  TokenBucket bucket{4.0, 1.0, start};
  ASSERT_TRUE(bucket.try_take(start));
  EXPECT_EQ(bucket.time_until_token(start), milliseconds{250});
  EXPECT_EQ(bucket.time_until_token(start + milliseconds{100}), milliseconds{150});
  EXPECT_FALSE(bucket.try_take(start + milliseconds{249}));
  EXPECT_TRUE(bucket.try_take(start + milliseconds{250}));
  EXPECT_FALSE(bucket.try_take(start + milliseconds{250}));
}

TEST(TokenBucket, TenthsOfASecondMakeWholeTokens) {
  TokenBucket bucket{10.0, 1.0, start};
  TimePoint t = start;
  ASSERT_TRUE(bucket.try_take(t));
  for (int i = 0; i < 50; ++i) {
    t += milliseconds{100};
    EXPECT_TRUE(bucket.try_take(t)) << i;
    EXPECT_FALSE(bucket.try_take(t)) << i;
  }
}

TEST(TokenBucket, NeverHoldsMoreThanTheBurst) {
  TokenBucket bucket{1.0, 2.0, start};
  const TimePoint later = start + std::chrono::hours{1};
  EXPECT_TRUE(bucket.try_take(later));
  EXPECT_TRUE(bucket.try_take(later));
  EXPECT_FALSE(bucket.try_take(later));
}

TEST(TokenBucket, TimeGoingBackwardsRefillsNothing) {
  TokenBucket bucket{1.0, 1.0, start};
  ASSERT_TRUE(bucket.try_take(start));
  EXPECT_FALSE(bucket.try_take(start - std::chrono::seconds{5}));
  EXPECT_TRUE(bucket.try_take(start + std::chrono::seconds{1}));
}

TEST(TokenBucket, ZeroRateIsUnlimitedAndBurstIsAtLeastOne) {
  TokenBucket unlimited{0.0, 0.0, start};
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(unlimited.try_take(start));
  }
  EXPECT_EQ(unlimited.time_until_token(start), nanoseconds::zero());
  TokenBucket tiny{1.0, 0.0, start};
  EXPECT_TRUE(tiny.try_take(start));
  EXPECT_FALSE(tiny.try_take(start));
}

TEST(Form, PercentEncodesEverythingButUnreservedBytes) {
  EXPECT_EQ(percent_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(percent_encode("a b&c=d+e/%"), "a%20b%26c%3Dd%2Be%2F%25");
  EXPECT_EQ(percent_encode("+46701234567"), "%2B46701234567");
  EXPECT_EQ(percent_encode("\xc3\xa5"), "%C3%A5");  // å
  EXPECT_EQ(form_encode({{"to", "+4670"}, {"message", "hej då"}}), "to=%2B4670&message=hej%20d%C3%A5");
  EXPECT_EQ(form_encode({}), "");
}

}  // namespace
}  // namespace paminna::http
