// `petrade account new|list|import`: keystore accounts (Web3 Secret Storage
// v3, geth's directory layout). Passwords come from --password-file or
// standard input; keys and passwords are never printed.
#include "cli/commands.hpp"
#include "cli/password.hpp"

#include "protocol/eth/hex.hpp"
#include "protocol/eth/keystore.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>

namespace petrade::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_import_file = 64 * 1024;

const char* account_usage =
  "usage: petrade account <subcommand> [options]\n"
  "\n"
  "subcommands:\n"
  "  new      create a key and store it encrypted in a keystore directory\n"
  "  list     show the accounts in a keystore directory\n"
  "  import   add a keystore file or a raw hex private key to a keystore directory\n"
  "\n"
  "'petrade account <subcommand> --help' describes its options.\n";

const char* new_usage =
  "usage: petrade account new --keystore DIR [--password-file FILE] [--light]\n"
  "\n"
  "Creates a random key, encrypts it (Web3 Secret Storage v3, scrypt) and writes\n"
  "DIR/UTC--<time>--<address> with mode 0600. Prints the address and the path.\n"
  "\n"
  "  --keystore DIR        keystore directory (created if missing)\n"
  "  --password-file FILE  read the password from the first line of FILE;\n"
  "                        without it the password is read from standard input,\n"
  "                        twice (the second time to confirm)\n"
  "  --light               scrypt n = 4096 instead of 2^18: fast, for test keys only\n";

const char* list_usage =
  "usage: petrade account list --keystore DIR\n"
  "\n"
  "Prints one line per keystore in DIR: the address (EIP-55) and the path.\n"
  "Files that are not keystores are skipped with a warning on stderr.\n"
  "\n"
  "  --keystore DIR        keystore directory\n";

const char* import_usage =
  "usage: petrade account import FILE --keystore DIR [--password-file FILE] [--light]\n"
  "\n"
  "FILE is either a keystore (JSON, e.g. made by geth or cast), which is checked\n"
  "with its password and copied into DIR, or a file holding a hex private key\n"
  "(64 digits, optional 0x), which is encrypted with a new password (read twice\n"
  "from standard input unless --password-file is given). Prints the address and\n"
  "the new path. Refuses an account that DIR already holds.\n"
  "\n"
  "  --keystore DIR        keystore directory (created if missing)\n"
  "  --password-file FILE  read the password from the first line of FILE\n"
  "  --light               for a raw key: scrypt n = 4096 (test keys only)\n";

struct options {
  std::optional<std::string> keystore;
  std::optional<std::string> password_file;
  bool light = false;
  bool help = false;
  std::vector<std::string> positional;
};

// A usage error: printed as "petrade account <sub>: <message>", exit code 2.
struct usage_error {
  std::string message;
};

bool is_password_option(const std::string& a) {
  for (const char* opt : {"--password", "--unsafe-password", "--pass", "--passphrase"})
    if (a == opt || a.starts_with(std::string(opt) + "="))
      return true;
  return a == "-p";
}

options parse_options(const args& a, std::size_t first, const std::set<std::string>& allowed,
                      std::size_t max_positional) {
  // Refuse a command-line password before anything else, so that no other
  // error message can echo the value that follows it.
  for (std::size_t i = first; i < a.size(); ++i)
    if (is_password_option(a[i])) {
      auto name = a[i].substr(0, a[i].find('='));
      throw usage_error{
        name + " is not accepted: a password given on the command line is visible to "
               "other users (ps, /proc) and stays in shell history. Use --password-file "
               "FILE or type it on standard input"};
    }

  options o;
  for (std::size_t i = first; i < a.size(); ++i) {
    std::string arg = a[i];
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      continue;
    }
    if (!arg.starts_with("-") || arg == "-") {
      if (o.positional.size() >= max_positional)
        throw usage_error{"unexpected argument '" + arg + "'"};
      o.positional.push_back(arg);
      continue;
    }
    std::optional<std::string> inline_value;
    if (auto eq = arg.find('='); eq != std::string::npos && arg.starts_with("--")) {
      inline_value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    if (!allowed.contains(arg))
      throw usage_error{"unknown option '" + arg + "'"};
    if (arg == "--light") {
      if (inline_value)
        throw usage_error{"--light takes no value, got '" + *inline_value + "'"};
      o.light = true;
      continue;
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else {
      if (i + 1 >= a.size())
        throw usage_error{arg + " needs a value"};
      value = a[++i];
    }
    if (value.empty())
      throw usage_error{arg + " needs a non-empty value"};
    if (arg == "--keystore")
      o.keystore = value;
    else if (arg == "--password-file")
      o.password_file = value;
  }
  return o;
}

const std::string& require_keystore(const options& o) {
  if (!o.keystore)
    throw usage_error{"--keystore DIR is required"};
  if (fs::exists(*o.keystore) && !fs::is_directory(*o.keystore))
    throw usage_error{"--keystore '" + *o.keystore + "' is not a directory"};
  return *o.keystore;
}

void print_created(const eth::address& account, const std::string& path) {
  std::cout << "Address:  " << account.checksummed() << "\n"
            << "Keystore: " << path << "\n";
}

int run_new(const options& o) {
  if (o.help) {
    std::cout << new_usage;
    return 0;
  }
  if (!o.positional.empty())
    throw usage_error{"unexpected argument '" + o.positional.front() + "'"};
  const auto& dir = require_keystore(o);
  auto password = obtain_password(o.password_file, /*confirm=*/true, /*refuse_empty=*/true);
  auto key = eth::private_key::generate();
  auto params = o.light ? eth::kdf_params::light() : eth::kdf_params::standard();
  auto json = eth::encrypt_keystore(key, password.str(), params);
  auto path = eth::write_keystore_file(dir, json, key.address());
  print_created(key.address(), path);
  return 0;
}

int run_list(const options& o) {
  if (o.help) {
    std::cout << list_usage;
    return 0;
  }
  if (!o.positional.empty())
    throw usage_error{"unexpected argument '" + o.positional.front() + "'"};
  const auto& dir = require_keystore(o);
  if (!fs::exists(dir))
    throw std::runtime_error("keystore directory '" + dir + "' does not exist");
  auto listing = eth::list_keystores(dir);
  for (const auto& w : listing.warnings)
    std::cerr << "warning: skipping " << w << "\n";
  for (const auto& e : listing.entries) {
    std::string shown = e.account ? e.account->checksummed() : "(address not recorded)";
    shown.resize(std::max<std::size_t>(shown.size(), 42), ' ');
    std::cout << shown << "  " << e.path << "\n";
  }
  if (listing.entries.empty())
    std::cerr << "no keystores in " << dir << "\n";
  return 0;
}

std::string read_small_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw std::runtime_error("'" + path + "' is not a readable file");
  if (fs::file_size(path, ec) > max_import_file)
    throw std::runtime_error("'" + path + "' is too large to be a key or keystore");
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad())
    throw std::runtime_error("cannot read '" + path + "'");
  return text;
}

// A file holding just a hex private key (surrounding whitespace allowed).
std::optional<eth::private_key> parse_raw_key(const std::string& text, const std::string& path) {
  auto begin = std::find_if_not(text.begin(), text.end(),
                                [](unsigned char c) { return std::isspace(c); });
  auto end = std::find_if_not(text.rbegin(), text.rend(),
                              [](unsigned char c) { return std::isspace(c); })
               .base();
  if (begin >= end)
    return std::nullopt;
  secret_string hex(std::string(begin, end));
  std::string_view digits = hex.str();
  if (digits.starts_with("0x") || digits.starts_with("0X"))
    digits.remove_prefix(2);
  if (digits.size() != 64
      || !std::all_of(digits.begin(), digits.end(),
                      [](unsigned char c) { return std::isxdigit(c); }))
    return std::nullopt;
  try {
    return eth::private_key::from_hex(digits);
  } catch (const std::exception&) {
    throw std::runtime_error("'" + path + "' holds 32 bytes of hex that are not a valid "
                             "secp256k1 private key");
  }
}

void refuse_duplicate(const std::string& dir, const eth::address& account) {
  if (!fs::exists(dir))
    return;
  for (const auto& e : eth::list_keystores(dir).entries)
    if (e.account == account)
      throw std::runtime_error("account " + account.checksummed() + " is already in "
                               + dir + " (" + e.path + ")");
}

int run_import(const options& o) {
  if (o.help) {
    std::cout << import_usage;
    return 0;
  }
  if (o.positional.empty())
    throw usage_error{"FILE (a keystore or a raw hex private key) is required"};
  const auto& dir = require_keystore(o);
  const auto& file = o.positional.front();

  secret_string text(read_small_file(file));
  auto first = std::find_if_not(text.str().begin(), text.str().end(),
                                [](unsigned char c) { return std::isspace(c); });
  if (first != text.str().end() && *first == '{') {
    // A keystore: prove the password opens it, then copy it as it is (adding
    // the address field cast leaves out, so that `list` can show it).
    eth::keystore_info info;
    try {
      info = eth::inspect_keystore(text.str());
    } catch (const std::exception& e) {
      throw std::runtime_error("'" + file + "' is not a usable keystore: " + e.what());
    }
    auto password = obtain_password(o.password_file, /*confirm=*/false, /*refuse_empty=*/false);
    auto key = eth::decrypt_keystore(text.str(), password.str());
    auto account = key.address();
    refuse_duplicate(dir, account);
    auto json = info.account ? text.str() : eth::with_address_field(text.str(), account);
    while (!json.empty() && std::isspace(static_cast<unsigned char>(json.back())))
      json.pop_back();
    auto path = eth::write_keystore_file(dir, json, account);
    print_created(account, path);
    return 0;
  }

  auto key = parse_raw_key(text.str(), file);
  if (!key)
    throw std::runtime_error("'" + file + "' is neither a keystore (JSON) nor a hex private "
                             "key (64 hex digits)");
  auto account = key->address();
  refuse_duplicate(dir, account);
  auto password = obtain_password(o.password_file, /*confirm=*/true, /*refuse_empty=*/true);
  auto params = o.light ? eth::kdf_params::light() : eth::kdf_params::standard();
  auto path = eth::write_keystore_file(dir, eth::encrypt_keystore(*key, password.str(), params),
                                       account);
  print_created(account, path);
  return 0;
}

} // namespace

int account_command(const args& a) {
  if (a.empty()) {
    std::cerr << account_usage;
    return 2;
  }
  const std::string& sub = a.front();
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::cout << account_usage;
    return 0;
  }
  try {
    if (sub == "new")
      return run_new(parse_options(a, 1, {"--keystore", "--password-file", "--light"}, 0));
    if (sub == "list")
      return run_list(parse_options(a, 1, {"--keystore"}, 0));
    if (sub == "import")
      return run_import(parse_options(a, 1, {"--keystore", "--password-file", "--light"}, 1));
    if (is_password_option(sub))
      parse_options(a, 0, {}, 0);   // explains why, without echoing the value
    std::cerr << "petrade account: unknown subcommand '" << sub << "'\n" << account_usage;
    return 2;
  } catch (const usage_error& e) {
    const bool known = sub == "new" || sub == "list" || sub == "import";
    const std::string label = known ? "petrade account " + sub : "petrade account";
    std::cerr << label << ": " << e.message << "\n"
              << "(see '" << label << " --help')\n";
    return 2;
  } catch (const eth::wrong_password& e) {
    std::cerr << "petrade account " << sub << ": " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "petrade account " << sub << ": " << e.what() << "\n";
    return 1;
  }
}

} // namespace petrade::cli
