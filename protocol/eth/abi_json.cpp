#include "protocol/eth/abi_json.hpp"

#include "protocol/eth/abi_codec.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace petrade::eth::abi {

namespace {

using nlohmann::json;

[[noreturn]] void bad_abi(const std::string& why) {
  throw std::invalid_argument("invalid JSON ABI: " + why);
}

std::string string_field(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return {};
  if (!it->is_string())
    bad_abi(std::string("'") + key + "' must be a string in " + obj.dump());
  return it->get<std::string>();
}

bool bool_field(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return false;
  if (!it->is_boolean())
    bad_abi(std::string("'") + key + "' must be a boolean in " + obj.dump());
  return it->get<bool>();
}

type json_type(const json& p, std::size_t depth);

std::vector<param> params_field(const json& obj, const char* key) {
  std::vector<param> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return out;
  if (!it->is_array())
    bad_abi(std::string("'") + key + "' must be an array");
  for (const auto& p : *it) {
    if (!p.is_object())
      bad_abi("a parameter must be an object, got " + p.dump());
    out.push_back({string_field(p, "name"), json_type(p, 0), bool_field(p, "indexed")});
  }
  return out;
}

type json_type(const json& p, std::size_t depth) {
  if (depth > max_type_depth)
    bad_abi("components nested too deeply");
  std::string text = string_field(p, "type");
  if (text.empty())
    bad_abi("parameter without a type: " + p.dump());
  if (!text.starts_with("tuple"))
    return type::parse(text);
  // "tuple", "tuple[]", "tuple[2][]": the members come from "components".
  auto comps = p.find("components");
  if (comps == p.end() || !comps->is_array() || comps->empty())
    bad_abi("tuple parameter without components: " + p.dump());
  std::vector<type> members;
  for (const auto& c : *comps) {
    if (!c.is_object())
      bad_abi("a component must be an object, got " + c.dump());
    members.push_back(json_type(c, depth + 1));
  }
  std::string suffix = text.substr(5);
  if (!suffix.empty() && suffix.front() != '[')
    bad_abi("unknown type '" + text + "'");
  // Reuse the type-string parser for the array suffixes on a placeholder.
  type suffixes = type::parse("bool" + suffix);
  std::vector<const type*> chain; // outermost array first
  for (const type* t = &suffixes; t->is_array(); t = &t->element())
    chain.push_back(t);
  type result = type::tuple(std::move(members));
  for (auto it = chain.rbegin(); it != chain.rend(); ++it)
    result = (*it)->kind == type_kind::fixed_array ? type::array(std::move(result), (*it)->size)
                                                   : type::array(std::move(result));
  return result;
}

} // namespace

type parse_json_type(const json& param) { return json_type(param, 0); }

contract_abi parse_json_abi(const json& abi) {
  const json* entries = &abi;
  if (abi.is_object()) {
    auto it = abi.find("abi");
    if (it == abi.end())
      bad_abi("object without an \"abi\" member");
    entries = &*it;
  }
  if (!entries->is_array())
    bad_abi("expected an array of entries");
  contract_abi out;
  for (const auto& e : *entries) {
    if (!e.is_object())
      bad_abi("an entry must be an object, got " + e.dump());
    std::string kind = string_field(e, "type");
    if (kind.empty())
      kind = "function"; // solc's old default
    std::string name = string_field(e, "name");
    try {
      if (kind == "function") {
        out.functions.push_back({name, params_field(e, "inputs"),
                                 params_field(e, "outputs"),
                                 string_field(e, "stateMutability")});
      } else if (kind == "event") {
        out.events.push_back({name, params_field(e, "inputs"), bool_field(e, "anonymous")});
      } else if (kind == "error") {
        out.errors.push_back({name, params_field(e, "inputs")});
      } else if (kind == "constructor") {
        out.constructor =
          constructor_desc{params_field(e, "inputs"), string_field(e, "stateMutability")};
      } else if (kind == "fallback") {
        out.has_fallback = true;
      } else if (kind == "receive") {
        out.has_receive = true;
      } else {
        bad_abi("unknown entry type '" + kind + "'");
      }
    } catch (const std::invalid_argument& err) {
      if (std::string_view(err.what()).starts_with("invalid JSON ABI"))
        throw;
      bad_abi("entry " + kind + " '" + name + "': " + err.what());
    }
  }
  return out;
}

contract_abi parse_json_abi(std::string_view json_text) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::exception& err) {
    bad_abi(err.what());
  }
  return parse_json_abi(doc);
}

namespace {

template <typename Desc>
const Desc* find_named(const std::vector<Desc>& items, std::string_view key) {
  bool by_signature = key.find('(') != std::string_view::npos;
  for (const auto& d : items)
    if (by_signature ? d.signature() == key : d.name == key)
      return &d;
  return nullptr;
}

} // namespace

const function_desc* contract_abi::find_function(std::string_view key) const {
  return find_named(functions, key);
}

const function_desc* contract_abi::find_function(const abi::selector& sel) const {
  for (const auto& f : functions)
    if (f.selector() == sel)
      return &f;
  return nullptr;
}

const event_desc* contract_abi::find_event(std::string_view key) const {
  return find_named(events, key);
}

const event_desc* contract_abi::find_event(const hash256& topic0) const {
  for (const auto& e : events)
    if (!e.anonymous && e.topic0() == topic0)
      return &e;
  return nullptr;
}

const error_desc* contract_abi::find_error(std::string_view key) const {
  return find_named(errors, key);
}

const error_desc* contract_abi::find_error(const abi::selector& sel) const {
  for (const auto& e : errors)
    if (e.selector() == sel)
      return &e;
  return nullptr;
}

const function_desc& contract_abi::function(std::string_view key) const {
  if (auto* f = find_function(key))
    return *f;
  throw std::invalid_argument("the ABI has no function '" + std::string(key) + "'");
}

bytes contract_abi::encode_deploy(bytes_view bytecode, const std::vector<value>& args) const {
  if (constructor)
    return constructor->encode_deploy(bytecode, args);
  if (!args.empty())
    throw std::invalid_argument("the ABI has no constructor but "
                                + std::to_string(args.size()) + " arguments were given");
  return bytes(bytecode.begin(), bytecode.end());
}

} // namespace petrade::eth::abi
