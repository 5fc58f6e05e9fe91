#include "gateway/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace petrade::gateway {

namespace fs = std::filesystem;

namespace {

const char* content_type(const fs::path& p) {
  auto ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool read_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

} // namespace

route_handler static_files(std::string root) {
  return [root = fs::path(root)](std::shared_ptr<exchange> ex, path_params) {
    auto path = url_decode(target_path(std::string(ex->req.target())));
    if (path.rfind("/api/", 0) == 0 || path == "/api" || path == "/rpc")
      return ex->reply(error_response(ex->req, http::status::not_found, "not_found", "no route for " + path));
    if (ex->req.method() != http::verb::get && ex->req.method() != http::verb::head)
      return ex->reply(error_response(ex->req, http::status::method_not_allowed, "method_not_allowed",
                                      "the web app is read with GET"));
    fs::path rel = fs::path(path).relative_path().lexically_normal();
    bool escapes = !rel.empty() && *rel.begin() == "..";
    std::error_code ec;
    fs::path file = root / rel;
    bool is_asset = !escapes && !rel.empty() && fs::is_regular_file(file, ec);
    if (!is_asset)
      file = root / "index.html";
    std::string body;
    if (!read_file(file, body))
      return ex->reply(error_response(ex->req, http::status::not_found, "not_found",
                                      "the web app is not built (run scripts/up)"));
    response r{http::status::ok, ex->req.version()};
    r.set(http::field::content_type, content_type(file));
    r.set("X-Content-Type-Options", "nosniff");
    r.set(http::field::cache_control, is_asset && rel.string().rfind("assets/", 0) == 0
                                        ? "public, max-age=31536000, immutable"
                                        : "no-cache");
    r.keep_alive(ex->req.keep_alive());
    r.body() = std::move(body);   // the server drops it again for HEAD
    ex->reply(std::move(r));
  };
}

} // namespace petrade::gateway
