// Placeholder until the JSON-RPC client lands; keeps the library non-empty.
namespace petrade::jsonrpc {}
