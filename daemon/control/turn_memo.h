// The answer of a read-only method, shared by the calls of it that follow one
// another in one turn of the control server.
//
// Sixty-four clients polling `status` put some twenty-five calls into each
// turn. Every line of a turn was read before the turn began, and every reply
// of it is held until the turn ends (MethodTable::begin_turn), so an answer
// computed by the first of two neighbours was computed after the second call
// arrived and before its reply left: all that any answer promises. Between
// neighbours no timer, gateway answer or other request runs
// (MethodTable::position), so within the daemon nothing changes either. What
// can still differ (the second on the clock, an error counter) goes into
// `Key`; any other line between them, a new turn, or a call outside a turn
// computes afresh. It is not a cache with a lifetime.
//
// Only for methods that change nothing and whose answer does not depend on
// who asks (CallContext): neighbours may be different peers.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "control/method_table.h"

namespace paminna::control {

template <class Key>
class TurnMemo {
 public:
  explicit TurnMemo(const MethodTable& methods) : methods_(methods) {}

  // The answer kept by the call just before this one in the same turn, if its
  // key was `key`; else none.
  [[nodiscard]] const nlohmann::json* find(const Key& key) {
    const auto here = methods_.position();
    if (!here || !kept_ || kept_->at.turn != here->turn || kept_->at.index + 1 != here->index || !(kept_->key == key)) {
      kept_.reset();
      return nullptr;
    }
    kept_->at = *here;
    return &kept_->answer;
  }

  // Offers a copy of `answer` to the next call, if it comes in this turn.
  void keep(Key key, const nlohmann::json& answer) {
    const auto here = methods_.position();
    if (!here) {
      kept_.reset();
      return;
    }
    kept_ = Kept{*here, std::move(key), answer};
  }

 private:
  struct Kept {
    MethodTable::Position at;
    Key key;
    nlohmann::json answer;
  };
  const MethodTable& methods_;
  std::optional<Kept> kept_;
};

}  // namespace paminna::control
