#include "voicemail/asterisk_message.h"

#include <gtest/gtest.h>

namespace paminna::voicemail {
namespace {

constexpr const char* kMessage =
    ";\n; Message Information file\n;\n[message]\norigmailbox=1000\ncontext=default\n"
    "callerid=\"Anna Svensson\" <0701234567>\norigdate=Mon Nov 23 09:00:00 AM CET 2026\n"
    "origtime=1795420800\ncategory=\nmsg_id=1795420800-00000001\nflag=\nduration=12\n";

TEST(AsteriskMessage, ReadsCallerIdOrigtimeAndMsgId) {
  auto m = parse_asterisk_message(kMessage);
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->msg_id, "1795420800-00000001");
  EXPECT_EQ(m->origtime.time_since_epoch().count(), 1795420800);
  EXPECT_EQ(m->number, "0701234567");
  EXPECT_EQ(m->origmailbox, "1000");
}

TEST(AsteriskMessage, WithheldNumbers) {
  for (const char* callerid : {"\"Unknown\" <Unknown>", "<unknown>", "", "Anonymous", "\"Anna\""}) {
    const auto text = std::string("[message]\ncallerid=") + callerid + "\norigtime=1795420800\nmsg_id=a-1\n";
    auto m = parse_asterisk_message(text);
    ASSERT_TRUE(m) << callerid;
    EXPECT_FALSE(m->number) << callerid;
  }
  auto bare = parse_asterisk_message("[message]\ncallerid=040123456\norigtime=1795420800\nmsg_id=a-1\n");
  EXPECT_EQ(bare->number, "040123456");
}

TEST(AsteriskMessage, PartialAndMalformedFilesAreErrorsThatDoNotRepeatTheNumber) {
  std::string text = kMessage;
  EXPECT_EQ(parse_asterisk_message(text.substr(0, text.size() - 5)).error(), "partial");
  EXPECT_EQ(parse_asterisk_message("").error(), "partial");
  EXPECT_EQ(parse_asterisk_message("callerid=<0701234567>\n").error(), "no [message] section");
  EXPECT_EQ(parse_asterisk_message("[message]\ncallerid=<0701234567>\norigtime=1\n").error(), "missing msg_id");
  EXPECT_EQ(parse_asterisk_message("[message]\ncallerid=<0701234567>\nmsg_id=x\n").error(), "missing origtime");
  EXPECT_EQ(parse_asterisk_message("[message]\ncallerid=<0701234567>\nmsg_id=x\norigtime=soon\n").error(),
            "bad origtime");
  EXPECT_EQ(parse_asterisk_message("[message]\norigtime=1\nmsg_id=x\n").error(), "missing callerid");
  EXPECT_EQ(parse_asterisk_message("[message]\ngarbage\n").error(), "a line in [message] is not key=value");
  EXPECT_EQ(parse_asterisk_message(std::string(70000, 'x') + "\n").error(), "too large");
}

TEST(AsteriskMessage, OnlyMessageFileNamesCount) {
  EXPECT_TRUE(is_message_file_name("msg0000.txt"));
  EXPECT_TRUE(is_message_file_name("msg9999.txt"));
  EXPECT_FALSE(is_message_file_name("msg0000.wav"));
  EXPECT_FALSE(is_message_file_name("msg0000.txt.tmp"));
  EXPECT_FALSE(is_message_file_name("msgabcd.txt"));
  EXPECT_FALSE(is_message_file_name(".msg0000.txt"));
}

}  // namespace
}  // namespace paminna::voicemail
