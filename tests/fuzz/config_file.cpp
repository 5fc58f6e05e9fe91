// An operator's config file, read by every loader that takes one: the
// platform's (devnet or nodes, feedback, dispatcher, supervisor,
// transactions, business, control), the gateway's section and the devnet's.
// Every refusal is a std::runtime_error (config_error) naming the key; any
// other exception or a crash is a finding.
//
// The business section reads and creates secret files at the paths it names.
// The target runs in a private temporary folder, skips documents that name a
// path outside it (absolute, or with ".."), and empties it after each input.
#include "actors/business_config.hpp"
#include "actors/platform_config.hpp"
#include "devnet/devnet_config.hpp"
#include "gateway/gateway.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace petrade;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* file = "petrade.json";

[[noreturn]] void broken(const std::string& what) {
  std::fprintf(stderr, "config_file: %s\n", what.c_str());
  std::abort();
}

struct sandbox {
  fs::path dir;
  sandbox() {
    // In memory where the machine has it: every input writes and removes
    // files, and on a disk that held the target to about 1 000 runs a second.
    std::string base = fs::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string tmpl = base + "/petrade-fuzz-config-XXXXXX";
    if (!mkdtemp(tmpl.data()) || chdir(tmpl.c_str()) != 0)
      broken("cannot enter a temporary folder");
    dir = tmpl;
  }
  ~sandbox() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  void clear() {
    for (auto& e : fs::directory_iterator(dir))
      fs::remove_all(e.path());
  }
};

bool names_outside_path(const json& j) {
  if (j.is_string()) {
    auto& s = j.get_ref<const std::string&>();
    return (!s.empty() && s[0] == '/') || s.find("..") != std::string::npos;
  }
  if (j.is_structured())
    for (auto& x : j)
      if (names_outside_path(x))
        return true;
  return false;
}

template <class F>
void load(const char* what, F f) {
  try {
    f();
  } catch (const std::runtime_error&) {
  } catch (const std::exception& e) {
    broken(std::string(what) + " threw a non-config error: " + e.what());
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static sandbox box;
  auto doc = json::parse(data, data + size, nullptr, false);
  if (!doc.is_discarded() && names_outside_path(doc))
    return 0;
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(data),
                                              static_cast<std::streamsize>(size));
  load("load_platform_config", [] {
    worker_settings worker;
    load_platform_config(file, &worker);
  });
  load("load_gateway_config", [] { gateway::load_gateway_config(file); });
  load("load_devnet_config", [] { devnet::load_devnet_config(file); });
  box.clear();
  return 0;
}
