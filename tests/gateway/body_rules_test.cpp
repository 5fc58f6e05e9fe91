// check_body and check_query: what reaches the actors is an object whose
// fields are all known and of the declared type; every refusal names the
// field at fault so the client can fix its request.
#include "gateway/body_rules.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <vector>

namespace {

using namespace petrade::gateway;
using json = nlohmann::json;
using ft = field_type;

const field_rules rules = {
  {"title", ft::text, true},
  {"count", ft::integer},
  {"price", ft::amount},
  {"keywords", ft::keywords},
  {"file", ft::file},
};

// The refusal for `body` under `rules`, or "" when accepted.
std::string refusal(const std::string& body, const field_rules& r = rules) {
  json out;
  auto why = check_body(body, r, out);
  return why ? *why : "";
}

bool accepted(const std::string& body) {
  return refusal(body).empty();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(check_body, accepts_a_well_formed_body_and_returns_it) {
  json out;
  auto why = check_body(R"({"title":"t","count":3,"price":"100","keywords":["a","b"],
                            "file":{"name":"f.txt","content_base64":"aGk="}})",
                        rules, out);
  ASSERT_FALSE(why) << *why;
  EXPECT_EQ(out["title"], "t");
  EXPECT_EQ(out["count"], 3);
  EXPECT_EQ(out["price"], "100");
  EXPECT_EQ(out["file"]["name"], "f.txt");
}

TEST(check_body, malformed_json_is_refused) {
  for (std::string body : {"{", "{\"title\":}", "title=t", "{\"title\":\"t\",}", "\"\xff\""}) {
    auto why = refusal(body);
    EXPECT_TRUE(contains(why, "not valid JSON")) << body << " -> " << why;
  }
}

TEST(check_body, malformed_json_is_refused_without_echoing_the_body) {
  json out;
  for (std::string body : {"{\"username\": \"ann\", \"password\": \"hunter2\x01\"}",
                           "{\"password\": hunter2}", "{\"password\": \"hunter2"}) {
    auto why = check_body(body, {{"username", field_type::text}, {"password", field_type::text}}, out).value_or("");
    EXPECT_TRUE(contains(why, "not valid JSON (at byte ")) << body << " -> " << why;
    EXPECT_FALSE(contains(why, "hunter")) << "the error echoes the body: " << why;
  }
}

TEST(check_body, non_object_is_refused) {
  for (std::string body : {"[1,2]", "\"title\"", "42", "null", "true"}) {
    auto why = refusal(body);
    EXPECT_TRUE(contains(why, "must be a JSON object")) << body << " -> " << why;
  }
}

TEST(check_body, unknown_field_is_named_with_the_accepted_ones) {
  auto why = refusal(R"({"title":"t","colour":"red"})");
  EXPECT_TRUE(contains(why, "unknown field 'colour'")) << why;
  EXPECT_TRUE(contains(why, "title, count, price, keywords, file")) << why;
  EXPECT_TRUE(contains(refusal(R"({"x":1})", {}), "accepted: none"));
}

TEST(check_body, text_must_be_a_string) {
  for (std::string v : {"1", "true", "null", "[\"t\"]", "{}"}) {
    auto why = refusal(R"({"title":)" + v + "}");
    EXPECT_TRUE(contains(why, "'title' must be a string")) << v << " -> " << why;
  }
  EXPECT_TRUE(accepted(R"({"title":""})"));
}

TEST(check_body, integer_must_be_non_negative_and_whole) {
  EXPECT_TRUE(accepted(R"({"title":"t","count":0})"));
  EXPECT_TRUE(accepted(R"({"title":"t","count":18446744073709551615})"));
  for (std::string v : {"-1", "1.5", "2.0", "1e3", "\"3\"", "null", "18446744073709551616"}) {
    auto why = refusal(R"({"title":"t","count":)" + v + "}");
    EXPECT_TRUE(contains(why, "'count' must be a non-negative integer")) << v << " -> " << why;
  }
}

TEST(check_body, amount_is_a_whole_number_or_a_digit_string) {
  EXPECT_TRUE(accepted(R"({"title":"t","price":0})"));
  EXPECT_TRUE(accepted(R"({"title":"t","price":12})"));
  // Beyond 64 bits only the string form carries the value exactly.
  EXPECT_TRUE(accepted(R"({"title":"t","price":"1000000000000000000000000000000"})"));
  const std::string two_256 =
    "115792089237316195423570985008687907853269984665640564039457584007913129639936";
  const std::vector<std::string> refused = {"-1", "1.5", "1e78", two_256, "\"12a\"", "\"-5\"", "\"+5\"",
                                           "\"\"", "\" 5\"", "\"1.0\"", "true", "[1]"};
  for (auto& v : refused) {
    auto why = refusal(R"({"title":"t","price":)" + v + "}");
    EXPECT_TRUE(contains(why, "'price' must be a whole number")) << v << " -> " << why;
  }
}

TEST(check_body, long_values_are_shortened_in_the_message) {
  auto why = refusal(R"({"title":")" + std::string(500, 'x') + R"(","count":")" + std::string(500, 'y')
                     + "\"}");
  EXPECT_TRUE(contains(why, "'count'")) << why;
  EXPECT_LT(why.size(), 200u) << why;
}

TEST(check_body, keywords_is_an_array_of_strings) {
  EXPECT_TRUE(accepted(R"({"title":"t","keywords":[]})"));
  EXPECT_TRUE(accepted(R"({"title":"t","keywords":["a","b c"]})"));
  for (std::string v : {"\"a\"", "{\"a\":1}", "[\"a\",1]", "[null]", "[[\"a\"]]"}) {
    auto why = refusal(R"({"title":"t","keywords":)" + v + "}");
    EXPECT_TRUE(contains(why, "'keywords' must be an array of strings")) << v << " -> " << why;
  }
}

TEST(check_body, file_needs_exactly_name_and_content) {
  auto file = [](const std::string& v) { return refusal(R"({"title":"t","file":)" + v + "}"); };
  EXPECT_TRUE(contains(file(R"("f.txt")"), "'file' must be an object")) << file(R"("f.txt")");
  auto why = file(R"({"name":"f","content_base64":"aGk=","size":2})");
  EXPECT_TRUE(contains(why, "unknown field 'file.size'")) << why;
  why = file(R"({"name":"f"})");
  EXPECT_TRUE(contains(why, "'file' needs both name and content_base64")) << why;
  why = file(R"({"content_base64":"aGk="})");
  EXPECT_TRUE(contains(why, "needs both")) << why;
  why = file(R"({"name":7,"content_base64":"aGk="})");
  EXPECT_TRUE(contains(why, "'file.name' must be a string")) << why;
  why = file(R"({"name":"f","content_base64":null})");
  EXPECT_TRUE(contains(why, "'file.content_base64' must be a string")) << why;
}

TEST(check_body, missing_required_field_is_named) {
  EXPECT_EQ(refusal(R"({"count":1})"), "missing field 'title'");
}

TEST(check_body, empty_body_is_an_empty_object) {
  field_rules optional_only = {{"count", ft::integer}};
  for (std::string body : {"", "  \r\n\t"}) {
    json out = 5;
    EXPECT_FALSE(check_body(body, optional_only, out)) << "'" << body << "'";
    EXPECT_EQ(out, json::object());
    // Still an object without the required field.
    EXPECT_EQ(refusal(body), "missing field 'title'");
  }
}

// Evaluation rounds send lists of names and matrices of numbers; only the
// JSON shape is checked here, sizes and ranges are the actor's.
const field_rules list_rules = {
  {"names", ft::texts},
  {"grid", ft::matrix},
};

TEST(check_body, texts_are_arrays_of_strings) {
  EXPECT_EQ(refusal(R"({"names":[]})", list_rules), "");
  EXPECT_EQ(refusal(R"({"names":["node:node0","gateway"]})", list_rules), "");
  for (std::string body : {R"({"names":"gateway"})", R"({"names":["a",1]})", R"({"names":[["a"]]})",
                           R"({"names":{"a":1}})"}) {
    auto why = refusal(body, list_rules);
    EXPECT_TRUE(contains(why, "'names' must be an array of strings")) << body << " -> " << why;
  }
}

TEST(check_body, a_matrix_is_an_array_of_arrays_of_numbers) {
  EXPECT_EQ(refusal(R"({"grid":[]})", list_rules), "");
  EXPECT_EQ(refusal(R"({"grid":[[1,2.5],[0.333,-1],[]]})", list_rules), "");
  for (std::string body : {R"({"grid":[1,2]})", R"({"grid":[[1,"2"]]})", R"({"grid":[[1,[2]]]})",
                           R"({"grid":"1,2"})", R"({"grid":[[null]]})"}) {
    auto why = refusal(body, list_rules);
    EXPECT_TRUE(contains(why, "'grid' must be an array of arrays of numbers")) << body << " -> " << why;
  }
}

TEST(check_query, types_values_and_keeps_what_is_already_there) {
  field_rules q = {{"limit", ft::integer}, {"owner", ft::text}, {"min", ft::amount}};
  json out{{"id", 7}};
  auto why = check_query({{"limit", "25"}, {"owner", "alice"}, {"min", "100"}}, q, out);
  ASSERT_FALSE(why) << *why;
  EXPECT_EQ(out["limit"], 25);          // a number, not the text "25"
  EXPECT_TRUE(out["limit"].is_number_unsigned());
  EXPECT_EQ(out["owner"], "alice");
  EXPECT_EQ(out["min"], "100");
  EXPECT_EQ(out["id"], 7);
  json empty;
  EXPECT_FALSE(check_query({}, q, empty));
}

TEST(check_query, integer_parameters_are_decimal_digits) {
  field_rules q = {{"limit", ft::integer}};
  json out;
  EXPECT_FALSE(check_query({{"limit", "999999999999999999"}}, q, out));   // 18 digits
  for (std::string v : {"", "-1", "1.5", "0x10", "12a", " 1", "1000000000000000000"}) {
    json o;
    auto why = check_query({{"limit", v}}, q, o);
    ASSERT_TRUE(why) << "'" << v << "' accepted";
    EXPECT_TRUE(contains(*why, "'limit' must be a non-negative integer")) << *why;
  }
}

TEST(check_query, amount_parameters_are_digit_strings) {
  field_rules q = {{"min", ft::amount}};
  json out;
  EXPECT_FALSE(check_query({{"min", "123456789012345678901234567890"}}, q, out));
  for (std::string v : {"", "12a", "-5", "1.0"}) {
    json o;
    auto why = check_query({{"min", v}}, q, o);
    ASSERT_TRUE(why) << "'" << v << "' accepted";
    EXPECT_TRUE(contains(*why, "'min'")) << *why;
  }
}

TEST(check_query, unknown_parameter_and_missing_required_are_named) {
  field_rules q = {{"state", ft::text, true}, {"limit", ft::integer}};
  json out;
  auto why = check_query({{"state", "open"}, {"sort", "asc"}}, q, out);
  ASSERT_TRUE(why);
  EXPECT_TRUE(contains(*why, "unknown query parameter 'sort'")) << *why;
  EXPECT_TRUE(contains(*why, "state, limit")) << *why;
  json o;
  why = check_query({{"limit", "3"}}, q, o);
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "missing query parameter 'state'");
}

TEST(put_text_value, types_one_value) {
  json out;
  EXPECT_FALSE(put_text_value("id", "42", ft::integer, out));
  EXPECT_EQ(out["id"], 42);
  EXPECT_FALSE(put_text_value("name", "4 2", ft::text, out));
  EXPECT_EQ(out["name"], "4 2");
  EXPECT_TRUE(put_text_value("id", "x", ft::integer, out));
}

// Percent-decoded query and path values are any bytes; invalid UTF-8 made
// the JSON sent to the actors throw (a 500, or no answer at all when the
// route first asked for the session; found by fuzz_api_body).
TEST(put_text_value, refuses_what_is_not_utf8) {
  json out;
  for (std::string v : {"\xff", "caf\xc3", "\xed\xa0\x80"}) {
    auto why = put_text_value("query", v, ft::text, out);
    ASSERT_TRUE(why) << v;
    EXPECT_EQ(*why, "'query' must be UTF-8 text");
  }
  EXPECT_FALSE(put_text_value("query", "caf\xc3\xa9", ft::text, out));
  EXPECT_NO_THROW(out.dump());
  json q;
  EXPECT_TRUE(check_query({{"owner", "\xfe"}}, {{"owner", ft::text}}, q));
}

} // namespace
