// The evaluation actor's pure half: what a request to open or rate a round
// must look like, how names travel as bytes32, and how a round's scores
// read from the chain become means, weights and a ranking through the
// evaluation model. No actors and no I/O, so every rule is unit-testable.
// Bad input is refused with evaluation::evaluation_error, whose message the
// actor hands back as a 400.
#pragma once

#include "actors/evaluation_model.hpp"
#include "protocol/eth/bytes.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace petrade::evaluation {

/// Names on chain are bytes32: UTF-8, left-aligned, zero-padded. At most
/// 31 bytes, so a name always ends in a zero byte and reads back exactly.
inline constexpr std::size_t max_name_bytes = 31;
/// The contract's bounds (Evaluation.sol), checked here to answer 400.
inline constexpr std::size_t max_subjects = 32;
inline constexpr std::size_t max_dimensions = 16;
inline constexpr std::int64_t min_open_s = 60;
inline constexpr std::int64_t max_open_s = 30LL * 86400;
inline constexpr int min_score = 1;
inline constexpr int max_score = 10;

/// `name` as a bytes32 word; refuses an empty name, one with a zero byte and
/// one longer than 31 bytes, naming `what` ("subject 'x'").
eth::bytes name_word(const std::string& name, const std::string& what);
/// The name a bytes32 word holds (up to its first zero byte).
std::string name_of(const eth::bytes& word);

/// A checked evaluation.open body.
struct open_request {
  std::vector<std::string> subjects, dimensions, raters;
  std::vector<std::vector<double>> judgment;
  std::int64_t closes_in_s = 0;
  ahp_result ahp;   // of `judgment`: CR < 0.10, or the request was refused
};

/// Checks {subjects, dimensions?, closes_in_s, raters, judgment?}: lists of
/// distinct names within the contract's bounds, the judgment D×D for the
/// dimensions (the seed's Table 1 when the six default dimensions are used
/// and none is given) and consistent by ahp().
open_request parse_open(const nlohmann::json& body);

/// {scores: [[int]]} with one row per subject and one column per dimension,
/// each 1..10, flattened subject-major as the contract stores it.
std::vector<std::uint8_t> parse_sheet(const nlohmann::json& body, std::size_t subjects,
                                      std::size_t dimensions);

/// Flat subject-major scores back into rows.
nlohmann::json as_rows(const std::vector<std::uint8_t>& flat, std::size_t dimensions);

/// The judgment kept for a round; when none was kept (a round opened
/// outside the platform), the seed's Table 1 for the six default dimensions
/// and equal importance otherwise.
std::vector<std::vector<double>> judgment_for(const nlohmann::json& record,
                                              const std::vector<std::string>& dimensions);

/// The means over the submitted sheets, the weights and the ranking:
/// {table, weights: {ahp, lambda_max, ci, cr, entropy_e, entropy_d, entropy,
/// combined}, ranking: [{subject, score, rank}]}. With no sheet the weights
/// are the AHP ones, the table and ranking empty.
nlohmann::json analyse(const std::vector<std::string>& subjects, const std::vector<std::string>& dimensions,
                       const std::vector<std::vector<double>>& judgment,
                       const std::vector<std::vector<std::uint8_t>>& sheets);

/// The platform's own services as subjects to rate: "node:<name>" per node,
/// "gateway", "worker" when the business actors run in one, and each
/// business actor as "actor:<name>".
std::vector<std::string> suggested_subjects(const std::vector<std::string>& node_names, bool in_worker);

} // namespace petrade::evaluation
