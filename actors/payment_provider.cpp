#include "actors/payment_provider.hpp"

#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"
#include "protocol/eth/uint256.hpp"

#include <random>

namespace petrade {

namespace {

class sandbox_provider final : public payment_provider {
public:
  explicit sandbox_provider(std::string limit) : limit_(eth::parse_uint256(limit)) {}

  std::string name() const override { return "sandbox"; }

  payment_result charge(const payment_request& req) override {
    payment_result r;
    eth::uint256 amount;
    try {
      amount = eth::parse_uint256(req.amount);
    } catch (const std::exception&) {
      r.message = "amount '" + req.amount + "' is not a number";
      return r;
    }
    if (amount == 0 || amount > limit_) {
      r.message = "the sandbox accepts top-ups of 1 to " + eth::to_decimal(limit_) + " tokens";
      return r;
    }
    std::string seed = req.idempotency_key;
    if (seed.empty()) {
      std::random_device rd;
      seed = std::to_string(rd()) + "-" + std::to_string(rd()) + "-" + std::to_string(rd());
    }
    auto digest = eth::keccak256("sandbox|" + req.user + "|" + seed);
    r.confirmed = true;
    r.reference = "sandbox-" + eth::to_hex(digest).substr(2, 24);
    return r;
  }

private:
  eth::uint256 limit_;
};

} // namespace

std::unique_ptr<payment_provider> make_sandbox_provider(std::string limit) {
  return std::make_unique<sandbox_provider>(std::move(limit));
}

} // namespace petrade
