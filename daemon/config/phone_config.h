// Readers for the [phone] keys (R6, R7), used by the key table in
// config_keys.cpp. Each throws ConfigValueError with a message that names the
// offending entry ("tuesday: \"9-15\" must be HH:MM-HH:MM").
//
// The weekly schedule is spread over several keys (phone.hours holds the open
// windows, phone.internal the internal ones, phone.lunch the breaks of every
// day); each key replaces only its own part, so they may be applied in any
// order. Checks that need them all (overlaps between an open and an internal
// window) run once every key is applied: check_phone_config.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace toml {
inline namespace v3 {
class node;
}
}  // namespace toml

namespace paminna::config {

// { tuesday = ["09:00-15:30"], … }: replaces every open window.
void apply_phone_hours(PhoneConfig& phone, const toml::node& node);
// { monday = ["15:00-16:30"] }: replaces every internal window.
void apply_phone_internal(PhoneConfig& phone, const toml::node& node);
// "12:00-13:00", ["12:00-13:00", …] or "" (none): the closed breaks of every day.
void apply_phone_lunch(PhoneConfig& phone, const toml::node& node);
// ["midsummer_eve", …]: eve keys of swedish_holidays.h.
void apply_phone_closed_eves(PhoneConfig& phone, const toml::node& node);
// [{ date = "2026-12-28", note = "Personaldag" }, …]; date may also be a TOML date.
void apply_phone_closed_dates(PhoneConfig& phone, const toml::node& node);
// [{ date = "2026-12-23", hours = ["09:00-12:00"] }, …]; without hours the weekday's.
void apply_phone_open_dates(PhoneConfig& phone, const toml::node& node);
// ["AL", "MK", …]: who answers the phone; unique ids of 1–16 bytes, no spaces.
void apply_phone_roster(PhoneConfig& phone, const toml::node& node);

// Cross-key checks after every key is applied; messages name the keys.
std::vector<std::string> check_phone_config(const PhoneConfig& phone);

// A roster id or staff name as typed: 1–16 bytes, no spaces or control characters.
bool is_staff_id(const std::string& text);

}  // namespace paminna::config
