#include "protocol/task.hpp"
#include "protocol/zone_map.hpp"

namespace petrade {

const char* to_string(task_kind k) {
  switch (k) {
    case task_kind::read: return "read";
    case task_kind::deploy: return "deploy";
    case task_kind::account: return "account";
    case task_kind::contract: return "contract";
  }
  return "?";
}

const char* to_string(zone z) {
  switch (z) {
    case zone::I: return "I";
    case zone::II: return "II";
    case zone::III: return "III";
  }
  return "?";
}

} // namespace petrade
