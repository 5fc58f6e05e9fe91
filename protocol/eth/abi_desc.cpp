#include "protocol/eth/abi_desc.hpp"

#include "protocol/eth/abi_codec.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"

#include <cctype>
#include <stdexcept>

namespace petrade::eth::abi {

namespace {

[[noreturn]] void bad_sig(std::string_view text, const std::string& why) {
  throw std::invalid_argument("invalid signature '" + std::string(text) + "': " + why);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

/// Index of the ')' matching the '(' at `open`.
std::size_t matching_paren(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    if (text[i] == '(')
      ++depth;
    else if (text[i] == ')' && --depth == 0)
      return i;
  }
  bad_sig(text, "unbalanced parentheses");
}

/// One "T [indexed] [location] [name]" entry.
param parse_param(std::string_view whole, std::string_view text, bool allow_indexed) {
  text = trim(text);
  if (text.empty())
    bad_sig(whole, "empty parameter");
  std::size_t end = 0;
  if (text.starts_with("tuple("))
    end = 5;
  if (text[end] == '(') {
    end = matching_paren(text, end) + 1;
  }
  while (end < text.size() && !is_space(text[end]) && text[end] != '(')
    ++end;
  param p;
  try {
    p.type = type::parse(text.substr(0, end));
  } catch (const std::invalid_argument& err) {
    bad_sig(whole, err.what());
  }
  std::string_view rest = trim(text.substr(end));
  while (!rest.empty()) {
    std::size_t w = 0;
    while (w < rest.size() && !is_space(rest[w]))
      ++w;
    std::string_view word = rest.substr(0, w);
    rest = trim(rest.substr(w));
    if (word == "indexed" && allow_indexed) {
      p.indexed = true;
    } else if (word == "memory" || word == "calldata" || word == "storage"
               || word == "payable") {
      continue;
    } else {
      for (char c : word)
        if (!is_ident_char(c))
          bad_sig(whole, "bad parameter name '" + std::string(word) + "'");
      if (!p.name.empty())
        bad_sig(whole, "unexpected word '" + std::string(word) + "'");
      p.name = word;
    }
  }
  return p;
}

/// The parameters between the parentheses at [open, close].
std::vector<param> parse_params(std::string_view whole, std::string_view text,
                                bool allow_indexed) {
  std::vector<param> out;
  std::string_view inner = trim(text.substr(1, text.size() - 2));
  if (inner.empty())
    return out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= inner.size(); ++i) {
    if (i == inner.size() || (inner[i] == ',' && depth == 0)) {
      out.push_back(parse_param(whole, inner.substr(start, i - start), allow_indexed));
      start = i + 1;
    } else if (inner[i] == '(' || inner[i] == '[') {
      ++depth;
    } else if (inner[i] == ')' || inner[i] == ']') {
      --depth;
    }
  }
  return out;
}

struct split_signature {
  std::string name;
  std::vector<param> inputs;
  std::string_view rest; // whatever follows the input list
};

split_signature split(std::string_view text, bool allow_indexed) {
  std::string_view s = trim(text);
  for (std::string_view kw : {"function ", "event ", "error "})
    if (s.starts_with(kw))
      s = trim(s.substr(kw.size()));
  auto open = s.find('(');
  if (open == std::string_view::npos)
    bad_sig(text, "missing '('");
  split_signature out;
  out.name = std::string(trim(s.substr(0, open)));
  if (out.name.empty() || std::isdigit(static_cast<unsigned char>(out.name[0])))
    bad_sig(text, "missing or bad name");
  for (char c : out.name)
    if (!is_ident_char(c))
      bad_sig(text, "bad name '" + out.name + "'");
  auto close = matching_paren(s, open);
  out.inputs = parse_params(text, s.substr(open, close - open + 1), allow_indexed);
  out.rest = trim(s.substr(close + 1));
  return out;
}

std::string signature_of(const std::string& name, const std::vector<param>& params) {
  return name + canonical_list(types_of(params));
}

abi::selector first4(const hash256& h) { return {h[0], h[1], h[2], h[3]}; }

bytes with_selector(const abi::selector& sel, const bytes& body) {
  bytes out(sel.begin(), sel.end());
  append(out, body);
  return out;
}

} // namespace

std::vector<type> types_of(const std::vector<param>& params) {
  std::vector<type> out;
  out.reserve(params.size());
  for (const auto& p : params)
    out.push_back(p.type);
  return out;
}

std::vector<named_value> name_values(const std::vector<param>& params,
                                     std::vector<value> values) {
  std::vector<named_value> out;
  for (std::size_t i = 0; i < params.size() && i < values.size(); ++i)
    out.push_back({params[i].name, params[i].type, std::move(values[i]), params[i].indexed,
                   false});
  return out;
}

std::string function_desc::signature() const { return signature_of(name, inputs); }
selector function_desc::selector() const { return first4(keccak256(signature())); }

bytes function_desc::encode_call(const std::vector<value>& args) const {
  return with_selector(selector(), encode(types_of(inputs), args));
}

std::vector<value> function_desc::decode_call(bytes_view calldata) const {
  auto sel = selector();
  if (calldata.size() < 4)
    throw decode_error("calldata shorter than a selector", calldata.size());
  if (!std::equal(sel.begin(), sel.end(), calldata.begin()))
    throw decode_error("calldata selector " + to_hex(calldata.first(4)) + " is not "
                         + signature() + " (" + to_hex(sel) + ")",
                       0);
  return decode(types_of(inputs), calldata.subspan(4));
}

std::vector<value> function_desc::decode_output(bytes_view data) const {
  return decode(types_of(outputs), data);
}

std::string event_desc::signature() const { return signature_of(name, inputs); }
hash256 event_desc::topic0() const { return keccak256(signature()); }

std::string error_desc::signature() const { return signature_of(name, inputs); }
selector error_desc::selector() const { return first4(keccak256(signature())); }

bytes error_desc::encode(const std::vector<value>& args) const {
  return with_selector(selector(), abi::encode(types_of(inputs), args));
}

bytes constructor_desc::encode_deploy(bytes_view bytecode,
                                      const std::vector<value>& args) const {
  bytes out(bytecode.begin(), bytecode.end());
  append(out, encode(types_of(inputs), args));
  return out;
}

function_desc parse_function(std::string_view text) {
  auto parts = split(text, false);
  function_desc f;
  f.name = std::move(parts.name);
  f.inputs = std::move(parts.inputs);
  std::string_view rest = parts.rest;
  if (rest.starts_with("returns"))
    rest = trim(rest.substr(7));
  if (!rest.empty()) {
    if (rest.front() != '(' || matching_paren(rest, 0) != rest.size() - 1)
      bad_sig(text, "unexpected '" + std::string(rest) + "' after the parameters");
    f.outputs = parse_params(text, rest, false);
  }
  return f;
}

event_desc parse_event(std::string_view text) {
  auto parts = split(text, true);
  event_desc e;
  e.name = std::move(parts.name);
  e.inputs = std::move(parts.inputs);
  if (parts.rest == "anonymous")
    e.anonymous = true;
  else if (!parts.rest.empty())
    bad_sig(text, "unexpected '" + std::string(parts.rest) + "' after the parameters");
  return e;
}

error_desc parse_error(std::string_view text) {
  auto parts = split(text, false);
  if (!parts.rest.empty())
    bad_sig(text, "unexpected '" + std::string(parts.rest) + "' after the parameters");
  return error_desc{std::move(parts.name), std::move(parts.inputs)};
}

selector function_selector(std::string_view signature) {
  return parse_function(signature).selector();
}

hash256 event_topic(std::string_view signature) { return parse_event(signature).topic0(); }

bytes encode_call(std::string_view signature, const std::vector<value>& args) {
  return parse_function(signature).encode_call(args);
}

std::vector<value> decode_output(std::string_view signature, bytes_view data) {
  std::string_view s = trim(signature);
  if (!s.empty() && s.front() == '(')
    return decode(parse_type_list(s), data);
  return parse_function(signature).decode_output(data);
}

} // namespace petrade::eth::abi
