// Config files are checked before anything starts: every refusal names the
// file, the key, the value and what was expected.
#include "devnet/devnet_config.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

using namespace petrade;

class DevnetConfigTest : public ::testing::Test {
protected:
  void SetUp() override { dir = test::temp_dir("config"); }
  void TearDown() override { std::filesystem::remove_all(dir); }

  std::string write(const std::string& text) {
    auto path = dir + "/devnet.json";
    std::ofstream(path) << text;
    return path;
  }

  // The message of the refusal of `text`.
  std::string refusal(const std::string& text) {
    auto path = write(text);
    try {
      devnet::load_devnet_config(path);
    } catch (const std::runtime_error& e) {
      std::string m = e.what();
      EXPECT_NE(m.find(path), std::string::npos) << m;
      return m;
    }
    ADD_FAILURE() << "accepted: " << text;
    return {};
  }

  std::string dir;
};

TEST_F(DevnetConfigTest, TheShippedDefaultLoads) {
  auto c = devnet::load_devnet_config(test::source_path("config/petrade.json"));
  EXPECT_EQ(c.nodes, 3);
  EXPECT_EQ(c.base_port, 8545);
  EXPECT_EQ(c.chain_id, 31337u);
}

TEST_F(DevnetConfigTest, KeysLeftOutKeepTheirDefaults) {
  auto c = devnet::load_devnet_config(write(R"({"devnet": {"nodes": 5, "cpu_quota": 0.25}})"));
  EXPECT_EQ(c.nodes, 5);
  EXPECT_DOUBLE_EQ(c.cpu_quota, 0.25);
  EXPECT_EQ(c.base_port, 8545);
  EXPECT_EQ(c.sync_interval.count(), 50);
}

TEST_F(DevnetConfigTest, PerNodeQuotasOverrideTheCommonOneByIndex) {
  auto c = devnet::load_devnet_config(write(R"({"devnet": {"nodes": 4, "cpu_quota": 0.2, "cpu_quotas": [0.2, 0.2, 0.05]}})"));
  EXPECT_DOUBLE_EQ(c.quota_of(0), 0.2);
  EXPECT_DOUBLE_EQ(c.quota_of(2), 0.05);
  EXPECT_DOUBLE_EQ(c.quota_of(3), 0.2);   // past the list: the common quota

  auto m = refusal(R"({"devnet": {"nodes": 2, "cpu_quotas": [0.1, 0.1, 0.1]}})");
  EXPECT_NE(m.find("at most one quota per node"), std::string::npos) << m;
  m = refusal(R"({"devnet": {"cpu_quotas": [0.1, "slow"]}})");
  EXPECT_NE(m.find("devnet.cpu_quotas = \"slow\""), std::string::npos) << m;
  m = refusal(R"({"devnet": {"cpu_quotas": 0.1}})");
  EXPECT_NE(m.find("an array of cores per node"), std::string::npos) << m;
}

TEST_F(DevnetConfigTest, WrongValuesAreRefusedByName) {
  auto m = refusal(R"({"devnet": {"nodes": "three"}})");
  EXPECT_NE(m.find("devnet.nodes = \"three\""), std::string::npos) << m;
  EXPECT_NE(m.find("expected an integer from 1 to 16"), std::string::npos) << m;

  m = refusal(R"({"devnet": {"nodes": 40}})");
  EXPECT_NE(m.find("devnet.nodes = 40"), std::string::npos) << m;

  m = refusal(R"({"devnet": {"base_port": 80}})");
  EXPECT_NE(m.find("devnet.base_port = 80"), std::string::npos) << m;

  m = refusal(R"({"devnet": {"cpu_quota": -1}})");
  EXPECT_NE(m.find("devnet.cpu_quota = -1"), std::string::npos) << m;

  m = refusal(R"({"devnet": {"base_port": 65535, "nodes": 3}})");
  EXPECT_NE(m.find("room for every node"), std::string::npos) << m;
}

TEST_F(DevnetConfigTest, UnknownKeysAndBrokenFilesAreRefused) {
  auto m = refusal(R"({"devnet": {"node": 3}})");
  EXPECT_NE(m.find("devnet.node = 3: expected no such key"), std::string::npos) << m;
  EXPECT_NE(m.find("nodes"), std::string::npos) << m;   // the known keys are listed

  m = refusal(R"({"devnet": {"nodes": 3,}})");
  EXPECT_NE(m.find("not valid JSON"), std::string::npos) << m;

  m = refusal(R"({"nodes": 3})");
  EXPECT_NE(m.find("\"devnet\""), std::string::npos) << m;

  EXPECT_THROW(devnet::load_devnet_config(dir + "/missing.json"), std::runtime_error);
}

} // namespace
