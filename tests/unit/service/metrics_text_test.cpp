// The Prometheus text exposition format (issue 9), without a daemon.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "service/metrics_text.h"

namespace paminna::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTextTest, EscapesLabelValuesAsTheFormatSays) {
  EXPECT_EQ(escape_label_value(R"(a\b)"), R"(a\\b)");
  EXPECT_EQ(escape_label_value(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(escape_label_value("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(escape_label_value("plain_value"), "plain_value");
}

TEST(MetricsTextTest, EscapesHelpButNotQuotes) {
  EXPECT_EQ(escape_help("a \"b\"\\\nc"), "a \"b\"\\\\\\nc");
}

TEST(MetricsTextTest, FormatsValues) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(1764489600), "1764489600");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
}

TEST(MetricsTextTest, RendersHelpTypeAndLabelledSamples) {
  const std::vector<Family> families{
      {"paminna_reminders",
       "Reminders by state.",
       "gauge",
       {{{{"state", "sent"}}, 3, ""}, {{{"state", "failed"}}, 0, ""}}},
      {"paminna_empty", "Left out: no sample.", "gauge", {}},
      {"paminna_odd", "Odd label.", "gauge", {{{{"method", "a\"b"}, {"x", "y"}}, 1, ""}}},
  };
  EXPECT_EQ(render(families),
            "# HELP paminna_reminders Reminders by state.\n"
            "# TYPE paminna_reminders gauge\n"
            "paminna_reminders{state=\"sent\"} 3\n"
            "paminna_reminders{state=\"failed\"} 0\n"
            "# HELP paminna_odd Odd label.\n"
            "# TYPE paminna_odd gauge\n"
            "paminna_odd{method=\"a\\\"b\",x=\"y\"} 1\n");
}

TEST(MetricsTextTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Histogram h({0.25, 1, 10});  // binary fractions, so the sum prints exactly
  h.observe(0.125);
  h.observe(0.25);  // on a bound: counts in it (le)
  h.observe(0.5);
  h.observe(60);
  const auto text = render({h.family("paminna_gateway_send_seconds", "Send latency.")});
  EXPECT_THAT(text, HasSubstr("# TYPE paminna_gateway_send_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("paminna_gateway_send_seconds_bucket{le=\"0.25\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("paminna_gateway_send_seconds_bucket{le=\"1\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("paminna_gateway_send_seconds_bucket{le=\"10\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("paminna_gateway_send_seconds_bucket{le=\"+Inf\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("paminna_gateway_send_seconds_sum 60.875\n"));
  EXPECT_THAT(text, HasSubstr("paminna_gateway_send_seconds_count 4\n"));
}

}  // namespace
}  // namespace paminna::metrics
