// Request bodies and query strings of the REST API, into the values the
// business actors work with: first the gateway's check at the door
// (gateway/body_rules against each route's rules in api_route_table), then,
// for what passes, the parsers the actors apply (actors/business_kit.hpp,
// account_fields, the evaluation model's parse_open / parse_sheet). None of
// them may throw on a body the gateway let through, except the evaluation
// model's documented evaluation_error; the model's numbers must be finite.
//
// Input: route byte, shape byte (a score sheet's subjects × dimensions),
// then the body (POST) or the query string (GET, without '?').
#include "actors/account_fields.hpp"
#include "actors/business_kit.hpp"
#include "actors/evaluation_rounds.hpp"
#include "gateway/api_routes.hpp"
#include "protocol/base64.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace petrade;
using namespace petrade::gateway;
using json = nlohmann::json;

namespace {

[[noreturn]] void broken(const std::string& what) {
  std::fprintf(stderr, "api_body: %s\n", what.c_str());
  std::abort();
}

void finite(const std::vector<double>& xs, const char* what) {
  for (double x : xs)
    if (!std::isfinite(x))
      broken(std::string("the evaluation model returned a non-finite ") + what);
}

// What the actors read from each field, by the field's type.
void parse_fields(const api_route& route, const json& body) {
  business_call call{route.op, "fuzz", "user", body.dump(), "r1"};
  business_reply err;
  account_fields f(call, body);
  for (auto& rule : route.fields) {
    auto* name = rule.name.c_str();
    switch (rule.type) {
    case field_type::text:
      parse_text(body, rule.name, err, 1, 1000);
      f.text(name, 256);
      f.username(name);
      f.password(name);
      f.address(name);
      break;
    case field_type::integer:
      f.integer(name, 0, 1'000'000'000'000, 0);
      break;
    case field_type::amount:
      parse_amount(body, rule.name, err);
      break;
    case field_type::keywords:
      parse_keywords(body, rule.name, err);
      break;
    case field_type::texts:
      f.strings(name, 32);
      break;
    case field_type::file:
      if (auto file = body.find(rule.name); file != body.end()) {
        parse_text(*file, "name", err, 1, 200);
        base64_decode(file->value("content_base64", std::string()));
      }
      break;
    case field_type::matrix:
      break;   // the evaluation model's, below
    }
  }
  listing page(body);
  user_key(call, body);
}

void evaluate(const api_route& route, const json& body, std::uint8_t shape) {
  namespace ev = evaluation;
  try {
    if (std::string_view(route.op) == "evaluation.open") {
      auto r = ev::parse_open(body);
      finite(r.ahp.weights, "AHP weight");
      finite({r.ahp.lambda_max, r.ahp.ci, r.ahp.cr}, "consistency figure");
      ev::analyse(r.subjects, r.dimensions, r.judgment, {});
    } else if (std::string_view(route.op) == "evaluation.rate") {
      std::size_t subjects = 1 + shape % 4, dims = 1 + (shape / 4) % 8;
      auto sheet = ev::parse_sheet(body, subjects, dims);
      std::vector<std::string> names, dimensions;
      for (std::size_t i = 0; i < subjects; ++i)
        names.push_back("s" + std::to_string(i));
      for (std::size_t i = 0; i < dims; ++i)
        dimensions.push_back("d" + std::to_string(i));
      auto out = ev::analyse(names, dimensions, ev::judgment_for(json::object(), dimensions), {sheet, sheet});
      ev::as_rows(sheet, dims);
      for (auto& r : out["ranking"])
        finite({r["score"].get<double>()}, "score");
    }
  } catch (const ev::evaluation_error&) {
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2)
    return 0;
  auto& table = api_route_table();
  auto& route = table[data[0] % table.size()];
  std::string text(reinterpret_cast<const char*>(data + 2), size - 2);
  json body = json::object();
  std::optional<std::string> why;
  if (std::string_view(route.method) == "POST")
    why = check_body(text, route.fields, body);
  else
    why = check_query(query_params("?" + text), route.fields, body);
  if (why)
    return 0;
  parse_fields(route, body);
  evaluate(route, body, data[1]);
  return 0;
}
