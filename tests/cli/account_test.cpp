// `petrade account new|list|import`, run as the built binary; cast checks that
// the keystores it writes are the standard ones.
#include "protocol/eth/hex.hpp"
#include "protocol/eth/keystore.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using namespace petrade;

// Distinctive so that a leak into any output is unmistakable.
constexpr const char* pw = "Sup3r-s3cret-PW";

using temp_dir = test::scratch_dir;
using test::files_in;
using test::read_file;
using test::write_file;

struct result {
  int code = -1;
  std::string out, err;
};

// Runs build/petrade with `stdin_text` as standard input; stdout and stderr
// go through files, so no pipe can fill up and block either side.
result petrade_run(const std::vector<std::string>& args, const std::string& stdin_text = {}) {
  temp_dir io;
  write_file(io / "in", stdin_text);
  std::vector<std::string> argv{test::build_path("petrade")};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv)
    cargv.push_back(a.data());
  cargv.push_back(nullptr);
  auto in = io / "in", out = io / "out", err = io / "err";
  pid_t pid = ::fork();
  if (pid < 0)
    throw std::runtime_error("fork failed");
  if (pid == 0) {
    int fi = ::open(in.c_str(), O_RDONLY);
    int fo = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fe = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fi < 0 || fo < 0 || fe < 0)
      ::_exit(126);
    ::dup2(fi, 0);
    ::dup2(fo, 1);
    ::dup2(fe, 2);
    ::execv(cargv[0], cargv.data());
    ::_exit(127);
  }
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  result r;
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

// Every run: the secrets never show up in any output.
void expect_no_leak(const result& r, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    EXPECT_EQ(r.out.find(s), std::string::npos) << "stdout leaks a secret: " << r.out;
    EXPECT_EQ(r.err.find(s), std::string::npos) << "stderr leaks a secret: " << r.err;
  }
}

std::string printed_address(const result& r) {
  std::smatch m;
  if (!std::regex_search(r.out, m, std::regex("Address: +(0x[0-9a-fA-F]{40})")))
    return {};
  return m[1];
}

std::string printed_path(const result& r) {
  std::smatch m;
  if (!std::regex_search(r.out, m, std::regex("Keystore: +(\\S+)")))
    return {};
  return m[1];
}

std::string cast_address(const std::string& file, const std::string& password) {
  return test::cast({"wallet", "address", "--keystore", file, "--password", password});
}

// A keystore written by cast itself (cast uses scrypt n = 8192).
std::string cast_keystore(const std::string& dir, const std::string& password) {
  test::cast({"wallet", "new", dir, "--unsafe-password", password});
  auto files = files_in(dir);
  if (files.size() != 1)
    throw std::runtime_error("cast wrote " + std::to_string(files.size()) + " files");
  return files[0];
}

TEST(Account, NewWithPasswordFileThenList) {
  temp_dir tmp;
  write_file(tmp / "pw", std::string(pw) + "\n");
  auto ks = tmp / "keys";
  // Default (geth standard) scrypt once, to see n = 2^18 really is written.
  auto r = petrade_run({"account", "new", "--keystore", ks, "--password-file", tmp / "pw"});
  ASSERT_EQ(r.code, 0) << r.err;
  expect_no_leak(r, {pw});
  auto address = printed_address(r);
  ASSERT_FALSE(address.empty()) << r.out;
  EXPECT_EQ(eth::address::parse(address).checksummed(), address);

  auto files = files_in(ks);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(printed_path(r), files[0]);
  EXPECT_EQ(fs::status(files[0]).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto doc = nlohmann::json::parse(read_file(files[0]));
  EXPECT_EQ(doc["crypto"]["kdfparams"]["n"], 1 << 18);

  auto list = petrade_run({"account", "list", "--keystore", ks});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find(address + "  " + files[0]), std::string::npos) << list.out;
  EXPECT_EQ(cast_address(files[0], pw), address);
}

TEST(Account, NewReadsStdinPasswordTwice) {
  temp_dir tmp;
  auto ks = tmp / "keys";
  auto r = petrade_run({"account", "new", "--keystore", ks, "--light"},
                       std::string(pw) + "\n" + pw + "\n");
  ASSERT_EQ(r.code, 0) << r.err;
  expect_no_leak(r, {pw});
  auto files = files_in(ks);
  ASSERT_EQ(files.size(), 1u);
  auto key = eth::decrypt_keystore(read_file(files[0]), pw);
  EXPECT_EQ(key.address().checksummed(), printed_address(r));
  EXPECT_EQ(cast_address(files[0], pw), printed_address(r));

  auto list = petrade_run({"account", "list", "--keystore", ks});
  ASSERT_EQ(list.code, 0);
  EXPECT_NE(list.out.find(printed_address(r)), std::string::npos);
}

TEST(Account, NewRefusesMismatchedOrMissingConfirmation) {
  temp_dir tmp;
  auto ks = tmp / "keys";
  auto r = petrade_run({"account", "new", "--keystore", ks, "--light"},
                       std::string(pw) + "\n" + pw + "x\n");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("passwords do not match"), std::string::npos) << r.err;
  expect_no_leak(r, {pw});

  r = petrade_run({"account", "new", "--keystore", ks, "--light"}, std::string(pw) + "\n");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("confirmation"), std::string::npos) << r.err;

  r = petrade_run({"account", "new", "--keystore", ks, "--light"}, "");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("no password"), std::string::npos) << r.err;

  r = petrade_run({"account", "new", "--keystore", ks, "--light"}, "\n\n");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("empty password"), std::string::npos) << r.err;
  EXPECT_TRUE(files_in(ks).empty());
}

TEST(Account, PasswordOnCommandLineIsRefused) {
  temp_dir tmp;
  auto ks = tmp / "keys";
  for (std::vector<std::string> args :
       {std::vector<std::string>{"account", "new", "--keystore", ks, "--password", pw},
        {"account", "new", "--password=" + std::string(pw), "--keystore", ks},
        {"account", "import", "somefile", "--keystore", ks, "--unsafe-password", pw},
        {"account", "list", "--keystore", ks, "--password", pw}}) {
    auto r = petrade_run(args);
    EXPECT_EQ(r.code, 2) << args[1];
    EXPECT_NE(r.err.find("not accepted"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--password-file"), std::string::npos) << r.err;
    expect_no_leak(r, {pw});
  }
  EXPECT_TRUE(files_in(ks).empty());
}

TEST(Account, UsageErrorsAndHelp) {
  temp_dir tmp;
  auto r = petrade_run({"account", "new", "--keystore", tmp / "k", "--light", "--frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("'--frobnicate'"), std::string::npos) << r.err;
  r = petrade_run({"account", "list"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--keystore"), std::string::npos) << r.err;
  r = petrade_run({"account", "new", "--keystore"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--keystore needs a value"), std::string::npos) << r.err;
  r = petrade_run({"account", "import", "--keystore", tmp / "k"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("FILE"), std::string::npos) << r.err;
  r = petrade_run({"account", "new", "stray", "--keystore", tmp / "k"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("'stray'"), std::string::npos) << r.err;
  r = petrade_run({"account", "rename"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("'rename'"), std::string::npos) << r.err;
  r = petrade_run({"account"});
  EXPECT_EQ(r.code, 2);

  for (const char* sub : {"new", "list", "import"}) {
    r = petrade_run({"account", sub, "--help"});
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_NE(r.out.find(std::string("usage: petrade account ") + sub), std::string::npos)
      << r.out;
  }
  r = petrade_run({"account", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(files_in(tmp / "k").empty());
}

TEST(Account, ListSkipsJunkWithWarning) {
  temp_dir tmp;
  auto ks = tmp / "keys";
  write_file(tmp / "pw", pw);
  auto r = petrade_run({"account", "new", "--keystore", ks, "--password-file", tmp / "pw",
                        "--light"});
  ASSERT_EQ(r.code, 0) << r.err;
  write_file(ks + "/README", "not a key");
  auto list = petrade_run({"account", "list", "--keystore", ks});
  EXPECT_EQ(list.code, 0);
  EXPECT_NE(list.out.find(printed_address(r)), std::string::npos);
  EXPECT_NE(list.err.find("warning: skipping"), std::string::npos) << list.err;
  EXPECT_NE(list.err.find("README"), std::string::npos) << list.err;

  auto missing = petrade_run({"account", "list", "--keystore", tmp / "absent"});
  EXPECT_NE(missing.code, 0);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
}

TEST(Account, ImportCastKeystore) {
  temp_dir tmp;
  fs::create_directory(tmp / "cast");
  auto source = cast_keystore(tmp / "cast", pw);
  auto expected = cast_address(source, pw);
  write_file(tmp / "pw", std::string(pw) + "\r\n");   // CRLF is stripped too
  auto ks = tmp / "keys";
  auto r = petrade_run({"account", "import", source, "--keystore", ks, "--password-file",
                        tmp / "pw"});
  ASSERT_EQ(r.code, 0) << r.err;
  expect_no_leak(r, {pw});
  EXPECT_EQ(printed_address(r), expected);
  auto files = files_in(ks);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(printed_path(r), files[0]);
  // Copied, not re-encrypted: same crypto section, address field added.
  auto a = nlohmann::json::parse(read_file(source));
  auto b = nlohmann::json::parse(read_file(files[0]));
  EXPECT_EQ(a["crypto"], b["crypto"]);
  EXPECT_EQ(b["address"], eth::to_hex(eth::address::parse(expected).view(), false));
  EXPECT_EQ(cast_address(files[0], pw), expected);

  auto list = petrade_run({"account", "list", "--keystore", ks});
  EXPECT_NE(list.out.find(expected), std::string::npos) << list.out;

  // The same account twice is refused.
  r = petrade_run({"account", "import", source, "--keystore", ks, "--password-file",
                   tmp / "pw"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("already"), std::string::npos) << r.err;
  EXPECT_EQ(files_in(ks).size(), 1u);
}

TEST(Account, ImportWithWrongPasswordFails) {
  temp_dir tmp;
  fs::create_directory(tmp / "cast");
  auto source = cast_keystore(tmp / "cast", "the right one");
  auto ks = tmp / "keys";
  auto r = petrade_run({"account", "import", source, "--keystore", ks}, std::string(pw) + "\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("wrong password"), std::string::npos) << r.err;
  expect_no_leak(r, {pw, "the right one"});
  EXPECT_TRUE(files_in(ks).empty());
}

TEST(Account, ImportRawKey) {
  temp_dir tmp;
  const std::string key_hex = test::dev_key0;
  write_file(tmp / "key.txt", "  " + key_hex + "\n");
  auto ks = tmp / "keys";
  auto r = petrade_run({"account", "import", tmp / "key.txt", "--keystore", ks, "--light"},
                       std::string(pw) + "\n" + pw + "\n");
  ASSERT_EQ(r.code, 0) << r.err;
  expect_no_leak(r, {pw, key_hex.substr(2)});
  EXPECT_EQ(printed_address(r), test::dev_addr0);
  auto files = files_in(ks);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(read_file(files[0]).find(key_hex.substr(2)), std::string::npos);
  EXPECT_EQ(cast_address(files[0], pw), test::dev_addr0);
  EXPECT_EQ(eth::to_hex(eth::decrypt_keystore(read_file(files[0]), pw).secret()), key_hex);

  // Confirmation applies to raw keys too; garbage is refused without echoing it.
  auto ks2 = tmp / "keys2";
  r = petrade_run({"account", "import", tmp / "key.txt", "--keystore", ks2, "--light"},
                  std::string(pw) + "\nother\n");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("do not match"), std::string::npos) << r.err;
  write_file(tmp / "junk.txt", "0x1234zz-not-a-key");
  r = petrade_run({"account", "import", tmp / "junk.txt", "--keystore", ks2, "--light"},
                  std::string(pw) + "\n" + pw + "\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("neither a keystore"), std::string::npos) << r.err;
  expect_no_leak(r, {"1234zz"});
  r = petrade_run({"account", "import", tmp / "absent.txt", "--keystore", ks2});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("absent.txt"), std::string::npos) << r.err;
  EXPECT_TRUE(files_in(ks2).empty());
}

} // namespace
