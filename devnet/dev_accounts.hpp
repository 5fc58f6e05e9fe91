// anvil's default dev accounts (mnemonic "test test ... junk"): public
// knowledge, funded on every devnet node. Account 0 is the devnet's platform
// role; tests and the benchmark's raw transfers sign with the others.
#pragma once

namespace petrade::devnet {

inline constexpr const char* dev_keys[] = {
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
};
inline constexpr const char* dev_addr0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
inline constexpr const char* dev_addr3 = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

} // namespace petrade::devnet
