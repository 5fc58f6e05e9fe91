// Where top-ups are paid for. The token actor mints only what a provider has
// confirmed, once per payment reference; a real card or bank provider plugs in
// behind this interface. The sandbox confirms at once, for the devnet and tests.
#pragma once

#include <memory>
#include <string>

namespace petrade {

struct payment_request {
  std::string user;
  std::string amount;           // tokens, decimal
  std::string idempotency_key;  // the same key charges once and names one payment
};

struct payment_result {
  bool confirmed = false;
  std::string reference;  // the provider's unique payment id
  std::string message;    // why it was declined
};

class payment_provider {
public:
  virtual ~payment_provider() = default;
  virtual std::string name() const = 0;
  /// Must be idempotent per idempotency key: a retried top-up is one payment.
  virtual payment_result charge(const payment_request& req) = 0;
};

/// Confirms every charge up to `limit` tokens; the reference is derived from
/// the user and the idempotency key (random when there is none).
std::unique_ptr<payment_provider> make_sandbox_provider(std::string limit = "1000000000");

} // namespace petrade
