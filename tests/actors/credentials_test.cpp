// Password hashes, session tokens and custody passwords against reference
// values computed with Python's hashlib and hmac.
#include "actors/credentials.hpp"

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace petrade;

TEST(Credentials, PasswordHashIsSelfDescribingAndVerifies) {
  auto h = credentials::hash_password("correct horse", 1024);
  EXPECT_EQ(h.rfind("scrypt$1024$8$1$", 0), 0u) << h;
  EXPECT_EQ(h.size(), std::string("scrypt$1024$8$1$").size() + 32 + 1 + 64);
  EXPECT_TRUE(credentials::verify_password("correct horse", h));
  EXPECT_FALSE(credentials::verify_password("correct horsf", h));
  EXPECT_FALSE(credentials::verify_password("", h));
  EXPECT_NE(credentials::hash_password("correct horse", 1024), h) << "salt is not random";
}

TEST(Credentials, HashMatchesReferenceScrypt) {
  // hashlib.scrypt(b"password", salt=bytes(range(16)), n=1024, r=8, p=1, dklen=32)
  std::string stored = "scrypt$1024$8$1$000102030405060708090a0b0c0d0e0f$"
                       "3a7c0782a4dbdf543acd7c522fe853d9b34abb8af27a5c6597488cdf228140b5";
  EXPECT_TRUE(credentials::verify_password("password", stored));
  EXPECT_FALSE(credentials::verify_password("Password", stored));
}

TEST(Credentials, MalformedHashesNeverVerify) {
  auto good = credentials::hash_password("pw", 2);
  EXPECT_TRUE(credentials::verify_password("pw", good));
  for (std::string bad : {std::string(""), std::string("pw"), std::string("bcrypt$2$8$1$00$00"),
                          std::string("scrypt$3$8$1$0011$") + std::string(64, '0'),
                          std::string("scrypt$2097152$8$1$0011$") + std::string(64, '0'),
                          std::string("scrypt$2$8$1$zz$") + std::string(64, '0'),
                          std::string("scrypt$2$8$1$0011$00"),
                          std::string("scrypt$2$0$1$0011$") + std::string(64, '0'),
                          good + "$extra"})
    EXPECT_FALSE(credentials::verify_password("pw", bad)) << bad;
  EXPECT_THROW(credentials::hash_password("pw", 1000), std::invalid_argument);
  EXPECT_THROW(credentials::hash_password("pw", 1u << 21), std::invalid_argument);
}

TEST(Credentials, TokensAreRandomHexAndStoredAsTheirDigest) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto t = credentials::new_session_token();
    EXPECT_TRUE(credentials::looks_like_token(t)) << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(credentials::token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_FALSE(credentials::looks_like_token(std::string(63, 'a')));
  EXPECT_FALSE(credentials::looks_like_token(std::string(64, 'A')));
  EXPECT_FALSE(credentials::looks_like_token(std::string(63, 'a') + "g"));
}

TEST(Credentials, CustodyPasswordIsHmacOfTheLowerCaseAddress) {
  // hmac.new(b"custody secret", b"0xf39f...2266", hashlib.sha256).hexdigest()
  auto a = eth::address::parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  EXPECT_EQ(credentials::custody_password("custody secret", a),
            "d5318e5e7fd47ad473e1a9f7ef4e411522596d4deca4f1bd2abba02cf4ffffeb");
  EXPECT_NE(credentials::custody_password("other secret", a),
            credentials::custody_password("custody secret", a));
}

} // namespace
