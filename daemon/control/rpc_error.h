// An error a method returns to its caller: a JSON-RPC code, a message for a
// person, and optionally the field it is about.
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

#include "control/protocol.h"

namespace paminna::control {

class RpcError : public std::runtime_error {
 public:
  RpcError(int code, const std::string& message, nlohmann::json data = nullptr)
      : std::runtime_error(message), code_(code), data_(std::move(data)) {}
  [[nodiscard]] int code() const { return code_; }
  [[nodiscard]] const nlohmann::json& data() const { return data_; }

  static RpcError invalid_params(const std::string& field, const std::string& problem) {
    return {error_code::invalid_params, field + ": " + problem, nlohmann::json{{"field", field}}};
  }
  static RpcError not_found(const std::string& what) { return {error_code::not_found, what + " not found"}; }
  static RpcError conflict(const std::string& message) { return {error_code::conflict, message}; }

 private:
  int code_;
  nlohmann::json data_;
};

}  // namespace paminna::control
