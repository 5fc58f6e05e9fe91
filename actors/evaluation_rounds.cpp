#include "actors/evaluation_rounds.hpp"

#include <set>

namespace petrade::evaluation {

using json = nlohmann::json;

namespace {

[[noreturn]] void refuse(const std::string& why) {
  throw evaluation_error(why);
}

std::string shown(const json& v) {
  auto s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 60 ? s.substr(0, 60) + "..." : s;
}

/// body[field] as a list of distinct names of at most 31 bytes each.
std::vector<std::string> names(const json& body, const char* field, const char* one,
                               std::size_t max_count) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_array() || it->empty())
    refuse(std::string("'") + field + "' must be a non-empty list of names");
  if (it->size() > max_count)
    refuse(std::string("'") + field + "' has " + std::to_string(it->size()) + " entries; at most " +
           std::to_string(max_count) + " are allowed");
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (auto& v : *it) {
    if (!v.is_string())
      refuse(std::string("every ") + one + " must be a string, not " + shown(v));
    auto s = v.get<std::string>();
    name_word(s, std::string(one) + " '" + s + "'");
    if (!seen.insert(s).second)
      refuse(std::string(one) + " '" + s + "' appears twice");
    out.push_back(s);
  }
  return out;
}

} // namespace

eth::bytes name_word(const std::string& name, const std::string& what) {
  if (name.empty())
    refuse(what + " is empty");
  if (name.find('\0') != std::string::npos)
    refuse(what + " contains a zero byte");
  if (name.size() > max_name_bytes)
    refuse(what + " is " + std::to_string(name.size()) + " bytes long; names on chain hold at most " +
           std::to_string(max_name_bytes) + " bytes of UTF-8");
  eth::bytes word(32, 0);
  std::copy(name.begin(), name.end(), word.begin());
  return word;
}

std::string name_of(const eth::bytes& word) {
  std::string out;
  for (auto b : word) {
    if (b == 0)
      break;
    out.push_back(static_cast<char>(b));
  }
  return out;
}

open_request parse_open(const json& body) {
  open_request r;
  r.subjects = names(body, "subjects", "subject", max_subjects);
  r.dimensions = body.contains("dimensions") ? names(body, "dimensions", "dimension", max_dimensions)
                                             : default_dimensions();
  r.raters = names(body, "raters", "rater", 1000);
  auto closes = body.find("closes_in_s");
  if (closes == body.end() || !closes->is_number_integer() || closes->get<std::int64_t>() < min_open_s ||
      closes->get<std::int64_t>() > max_open_s)
    refuse("'closes_in_s' must be a whole number of seconds from " + std::to_string(min_open_s) + " to " +
           std::to_string(max_open_s) + ", not " + (closes == body.end() ? "missing" : shown(*closes)));
  r.closes_in_s = closes->get<std::int64_t>();
  auto n = r.dimensions.size();
  if (auto j = body.find("judgment"); j != body.end()) {
    if (!j->is_array() || j->size() != n)
      refuse("'judgment' must be a " + std::to_string(n) + "×" + std::to_string(n) +
             " matrix, one row per dimension");
    for (std::size_t i = 0; i < n; ++i) {
      auto& row = (*j)[i];
      if (!row.is_array() || row.size() != n)
        refuse("judgment row " + std::to_string(i + 1) + " must have " + std::to_string(n) + " numbers");
      std::vector<double> cells;
      for (auto& x : row) {
        if (!x.is_number())
          refuse("judgment row " + std::to_string(i + 1) + " holds " + shown(x) + ", not a number");
        cells.push_back(x.get<double>());
      }
      r.judgment.push_back(cells);
    }
  } else if (r.dimensions == default_dimensions()) {
    r.judgment = default_judgment();
  } else {
    refuse("'judgment' is required: the default (the seed's Table 1) rates the six default dimensions, "
           "and these are " + std::to_string(n));
  }
  r.ahp = ahp(r.judgment);   // throws with the model's message, CR ≥ 0.10 among others
  return r;
}

std::vector<std::uint8_t> parse_sheet(const json& body, std::size_t subjects, std::size_t dimensions) {
  auto it = body.find("scores");
  if (it == body.end() || !it->is_array() || it->size() != subjects)
    refuse("'scores' must have " + std::to_string(subjects) + " rows, one per subject");
  std::vector<std::uint8_t> flat;
  for (std::size_t s = 0; s < subjects; ++s) {
    auto& row = (*it)[s];
    if (!row.is_array() || row.size() != dimensions)
      refuse("scores row " + std::to_string(s + 1) + " must have " + std::to_string(dimensions) +
             " scores, one per dimension");
    for (std::size_t d = 0; d < dimensions; ++d) {
      auto& x = row[d];
      if (!x.is_number_integer() || x.get<std::int64_t>() < min_score || x.get<std::int64_t>() > max_score)
        refuse("score (" + std::to_string(s + 1) + "," + std::to_string(d + 1) + ") must be a whole number from " +
               std::to_string(min_score) + " to " + std::to_string(max_score) + ", not " + shown(x));
      flat.push_back(static_cast<std::uint8_t>(x.get<int>()));
    }
  }
  return flat;
}

json as_rows(const std::vector<std::uint8_t>& flat, std::size_t dimensions) {
  json rows = json::array();
  for (std::size_t i = 0; dimensions && i + dimensions <= flat.size(); i += dimensions)
    rows.push_back(std::vector<int>(flat.begin() + static_cast<std::ptrdiff_t>(i),
                                    flat.begin() + static_cast<std::ptrdiff_t>(i + dimensions)));
  return rows;
}

std::vector<std::vector<double>> judgment_for(const json& record, const std::vector<std::string>& dimensions) {
  if (record.is_object() && record.contains("judgment"))
    return record["judgment"].get<std::vector<std::vector<double>>>();
  if (dimensions == default_dimensions())
    return default_judgment();
  return std::vector<std::vector<double>>(dimensions.size(), std::vector<double>(dimensions.size(), 1.0));
}

json analyse(const std::vector<std::string>& subjects, const std::vector<std::string>& dimensions,
             const std::vector<std::vector<double>>& judgment,
             const std::vector<std::vector<std::uint8_t>>& sheets) {
  auto a = ahp(judgment);
  json weights{{"ahp", a.weights},         {"lambda_max", a.lambda_max}, {"ci", a.ci},
               {"cr", a.cr},               {"entropy_e", json::array()}, {"entropy_d", json::array()},
               {"entropy", json::array()}, {"combined", a.weights}};
  json out{{"table", json::array()}, {"weights", weights}, {"ranking", json::array()}};
  if (sheets.empty())
    return out;
  // Each subject's mean over the raters who submitted: the entropy method
  // measures spread between subjects (docs/evaluation.md §2).
  auto cells = dimensions.size();
  std::vector<std::vector<double>> table(subjects.size(), std::vector<double>(cells, 0.0));
  for (auto& sheet : sheets)
    for (std::size_t s = 0; s < subjects.size(); ++s)
      for (std::size_t d = 0; d < cells; ++d)
        table[s][d] += sheet.at(s * cells + d);
  for (auto& row : table)
    for (auto& x : row)
      x /= static_cast<double>(sheets.size());
  auto e = entropy(table);
  auto combined = combine(a.weights, e.d);
  out["table"] = table;
  out["weights"]["entropy_e"] = e.e;
  out["weights"]["entropy_d"] = e.d;
  out["weights"]["entropy"] = e.weights;
  out["weights"]["combined"] = combined;
  for (auto& r : rank(subjects, table, combined))
    out["ranking"].push_back({{"subject", r.subject}, {"score", r.score}, {"rank", r.rank}});
  return out;
}

std::vector<std::string> suggested_subjects(const std::vector<std::string>& node_names, bool in_worker) {
  std::vector<std::string> out;
  for (auto& n : node_names)
    out.push_back("node:" + n);
  out.push_back("gateway");
  if (in_worker)
    out.push_back("worker");
  for (auto a : {"project", "demand", "token", "account", "evaluation"})
    out.push_back(std::string("actor:") + a);
  return out;
}

} // namespace petrade::evaluation
