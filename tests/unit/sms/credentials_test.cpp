#include "sms/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace paminna::sms {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Credentials, KeyValueLinesWithCommentsBlanksAndCrLf) {
  const auto c = parse_credentials("# 46elks API\r\n\r\nusername = u123\r\npassword=p=a:ss word \r\n", "f");
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->username, "u123");
  EXPECT_EQ(c->password, "p=a:ss word");
}

TEST(Credentials, ASingleUserColonPasswordLine) {
  const auto c = parse_credentials("ACabc123:tok:en\n", "f");
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->username, "ACabc123");
  EXPECT_EQ(c->password, "tok:en");
}

TEST(Credentials, ErrorsNameTheLineButNeverTheSecret) {
  const auto missing = parse_credentials("username=u\n", "creds");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), "creds: no password");

  const auto junk = parse_credentials("username=u\nhunter2-secret\n", "creds");
  ASSERT_FALSE(junk.has_value());
  EXPECT_THAT(junk.error(), HasSubstr("creds: line 2"));
  EXPECT_THAT(junk.error(), Not(HasSubstr("hunter2")));

  const auto twice = parse_credentials("password=a\npassword=b\nusername=u\n", "creds");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error(), "creds: line 2: password given twice");

  const auto mixed = parse_credentials("u:topsecret\nusername=x\n", "creds");
  ASSERT_FALSE(mixed.has_value());
  EXPECT_THAT(mixed.error(), Not(HasSubstr("topsecret")));

  EXPECT_FALSE(parse_credentials("", "creds").has_value());
  EXPECT_FALSE(parse_credentials(":pw", "creds").has_value());
  EXPECT_FALSE(parse_credentials("user:", "creds").has_value());
}

TEST(Credentials, LoadsFromAFileAndReportsAMissingOne) {
  const test::TempDir dir;
  dir.write("elks", "username=u1\npassword=s3cret\n");
  const auto c = load_credentials_file(dir / "elks");
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->password, "s3cret");

  const auto missing = load_credentials_file(dir / "absent");
  ASSERT_FALSE(missing.has_value());
  EXPECT_THAT(missing.error(), HasSubstr("absent: cannot read: No such file or directory"));
}

}  // namespace
}  // namespace paminna::sms
